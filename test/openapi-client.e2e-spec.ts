import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import Ajv, { ValidateFunction } from 'ajv';
import createClient, { Client } from 'openapi-fetch';
import ts from 'typescript';
import type { components, paths } from './support/management-api-types';
import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';

// The served OpenAPI description as a client author uses it: linted with Redocly's recommended
// rules, turned into TypeScript types by openapi-typescript (the committed
// support/management-api-types.ts must be what the running gateway's description generates),
// those types compiled, and the real API called through openapi-fetch with them. Every answer
// the calls get is checked against the schema the description gives for its status, with
// every object closed to properties it does not list.

const root = resolve(__dirname, '..');
const TYPES_FILE = join(__dirname, 'support/management-api-types.ts');

type Schema = Record<string, unknown>;
interface Operation {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean }[];
  responses: Record<string, { description?: string; content?: Record<string, { schema: Schema }> }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, Schema> };
}

/** An agent whose incoming request \`nudge\` buffers a message for the chat. */
const AGENT = `
start: main
events:
  nudge: nudged
branches:
  main:
    - say: Hello
    - wait: {}
    - goto: main
  nudged:
    - say: Still there?
    - wait: {}
    - goto: main
tests:
  - name: greets
    conversation:
      - new_chat: {}
        bot: [Hello]
`;

/** Types generated from a description by the `openapi-typescript` command, as a client author runs it. */
async function generateTypes(document: OpenApiDocument): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'wg-openapi-'));
  writeFileSync(join(dir, 'openapi.json'), JSON.stringify(document));
  const cli = join(root, 'node_modules/openapi-typescript/bin/cli.js');
  await promisify(execFile)(process.execPath, [cli, 'openapi.json', '-o', 'types.ts'], {
    cwd: dir,
    timeout: 30_000,
  });
  return readFileSync(join(dir, 'types.ts'), 'utf8');
}

/**
 * Compiles `files` (name to source) with the project's compiler settings; the diagnostics of
 * each file, as text. Package imports resolve to this repository's node_modules.
 */
function compile(files: Record<string, string>): Record<string, string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wg-openapi-'));
  const names = Object.entries(files).map(([name, text]) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  });
  const program = ts.createProgram(names, {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    types: [],
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    baseUrl: root,
    paths: { '*': ['node_modules/*'] },
  });
  return Object.fromEntries(
    names.map((name, i) => [
      Object.keys(files)[i],
      ts
        .getPreEmitDiagnostics(program, program.getSourceFile(name))
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')),
    ]),
  );
}

/**
 * A validator per documented answer. OpenAPI 3.0's schemas are JSON Schema but for `nullable`
 * (which Ajv reads, except beside `allOf`, rewritten here) and `example`; every object schema
 * that lists properties is closed, so an answer with a field the description lacks fails.
 */
function answerValidators(document: OpenApiDocument) {
  const close = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(close);
    if (!node || typeof node !== 'object') return node;
    const schema = Object.fromEntries(
      Object.entries(node as Schema)
        .filter(([key]) => key !== 'example')
        .map(([key, value]) => [
          key,
          key === 'properties' ? mapValues(value, close) : close(value),
        ]),
    ) as Schema;
    if (typeof schema.$ref === 'string') schema.$ref = `api${schema.$ref}`;
    if (schema.properties && schema.additionalProperties === undefined) {
      schema.additionalProperties = false;
    }
    if (schema.nullable && schema.allOf) {
      const { nullable: _nullable, type: _type, ...rest } = schema;
      return { anyOf: [{ type: 'null' }, rest] };
    }
    return schema;
  };
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('date-time', { validate: (s: string) => !Number.isNaN(Date.parse(s)) });
  ajv.addSchema({ $id: 'api', components: close(document.components) as Schema });
  const cache = new Map<string, ValidateFunction>();
  return (method: string, path: string, status: number): ValidateFunction => {
    const key = `${method} ${path} ${status}`;
    if (!cache.has(key)) {
      const response = document.paths[path]?.[method.toLowerCase()]?.responses[String(status)];
      if (!response) throw new Error(`${key}: not in the description`);
      const schema = response.content?.['application/json']?.schema;
      cache.set(key, ajv.compile(schema ? (close(schema) as Schema) : { not: {} }));
    }
    return cache.get(key)!;
  };
}

function mapValues(value: unknown, fn: (v: unknown) => unknown): unknown {
  return Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, fn(v)]));
}

describe('the OpenAPI description and a client generated from it', () => {
  let stack: TestStack;
  let document: OpenApiDocument;
  let client: Client<paths>;
  let validator: ReturnType<typeof answerValidators>;

  /** What a call answered, checked against what the description says of its status. */
  async function documented<T extends { response: Response; data?: unknown; error?: unknown }>(
    call: Promise<T>,
    method: string,
    path: string,
  ): Promise<T> {
    const result = await call;
    const validate = validator(method, path, result.response.status);
    const body = result.response.status === 204 ? undefined : (result.data ?? result.error);
    if (body !== undefined) {
      validate(body);
      expect({ [`${method} ${path} ${result.response.status}`]: validate.errors ?? [] }).toEqual({
        [`${method} ${path} ${result.response.status}`]: [],
      });
    }
    return result;
  }

  beforeAll(async () => {
    stack = await TestStack.start({ workers: 1 });
    const response = await stack.api('/api/docs-json');
    expect(response.status).toBe(200);
    document = (await response.json()) as OpenApiDocument;
    validator = answerValidators(document);
    client = createClient<paths>({
      baseUrl: stack.baseUrl,
      headers: { authorization: `Bearer ${stack.adminToken}` },
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it("passes Redocly's recommended rules without a warning", async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({
      source: JSON.stringify(document),
      absoluteRef: '/api/docs-json',
      config,
    });
    expect(
      problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} ${p.location[0]?.pointer}`),
    ).toEqual([]);
  });

  it('protects every route with the admin token, an opaque bearer token (not a JWT)', () => {
    const bearer = document.components.securitySchemes['admin-token'];
    expect(bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(bearer).not.toHaveProperty('bearerFormat');
    const operations = Object.entries(document.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ route: `${method} ${path}`, op })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(19);
    const unprotected = operations
      .filter(({ op }) => !op.security?.some((s) => 'admin-token' in s))
      .map(({ route }) => route);
    expect(unprotected).toEqual([]);
  });

  it('gives every answer of every route a schema, errors included', () => {
    const missing: string[] = [];
    for (const [path, ops] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const statuses = Object.keys(op.responses);
        for (const status of ['401', '429', '503']) {
          if (!statuses.includes(status)) missing.push(`${method} ${path}: no ${status}`);
        }
        if (!statuses.some((s) => /^2/.test(s))) missing.push(`${method} ${path}: no 2xx`);
        for (const [status, response] of Object.entries(op.responses)) {
          const schema = response.content?.['application/json']?.schema;
          if (status !== '204' && !schema) missing.push(`${method} ${path} ${status}: no schema`);
          if (/^[45]/.test(status) && schema?.$ref !== '#/components/schemas/ErrorView') {
            missing.push(`${method} ${path} ${status}: not the error format`);
          }
        }
        const { parameters = [] } = op;
        for (const p of parameters.filter((p) => p.in === 'path')) {
          if (!path.includes(`{${p.name}}`)) missing.push(`${method} ${path}: stray ${p.name}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it("marks the incoming request's Idempotency-Key optional, once", () => {
    const op = document.paths['/api/channels/{channelId}/chats/{chatId}/events'].post;
    const headers = (op.parameters ?? []).filter((p) => p.in === 'header');
    expect(headers).toEqual([
      expect.objectContaining({ name: 'idempotency-key', required: false }),
    ]);
  });

  it('generates the committed types, and they compile with openapi-fetch', async () => {
    const generated = await generateTypes(document);
    if (process.env.UPDATE_API_TYPES === '1') writeFileSync(TYPES_FILE, generated);
    // On a change to the API: UPDATE_API_TYPES=1 npx jest --selectProjects e2e --runTestsByPath <this file>
    expect(readFileSync(TYPES_FILE, 'utf8')).toBe(generated);

    const usage = `
      import createClient from 'openapi-fetch';
      import type { components, paths } from './types';
      const client = createClient<paths>({ baseUrl: 'http://localhost:3000' });
      export async function use(): Promise<string[]> {
        const channel = await client.GET('/api/channels/{channelId}', {
          params: { path: { channelId: 'orders' } },
        });
        const error: components['schemas']['ErrorView'] | undefined = channel.error;
        // No Idempotency-Key: it is optional.
        const event = await client.POST('/api/channels/{channelId}/chats/{chatId}/events', {
          params: { path: { channelId: 'orders', chatId: 'c1' } },
          body: { name: 'order_shipped', data: { order: 'A-7' } },
        });
        return [channel.data?.webhookUrl ?? '', error?.message ?? '', event.data?.id ?? ''];
      }`;
    // What the types must refuse: a missing path parameter, a field no answer has, a body
    // without its required field.
    const misuse = `
      import createClient from 'openapi-fetch';
      import type { paths } from './types';
      const client = createClient<paths>({ baseUrl: 'http://localhost:3000' });
      export async function misuse(): Promise<unknown> {
        const channel = await client.GET('/api/channels/{channelId}', { params: { path: {} } });
        await client.PUT('/api/secrets/{name}', {
          params: { path: { name: 'CRM' } },
          body: { description: 'no value' },
        });
        return channel.data?.webhookURL;
      }`;
    const diagnostics = compile({ 'types.ts': generated, 'usage.ts': usage, 'misuse.ts': misuse });
    expect(diagnostics['types.ts']).toEqual([]);
    expect(diagnostics['usage.ts']).toEqual([]);
    expect(diagnostics['misuse.ts'].join('\n')).toMatch(/channelId/);
    expect(diagnostics['misuse.ts'].join('\n')).toMatch(/'value' is missing/);
    expect(diagnostics['misuse.ts'].join('\n')).toMatch(/webhookURL/);
  }, 60_000);

  it('calls the running API through the generated client: secrets, agents, channels', async () => {
    const secret = await documented(
      client.PUT('/api/secrets/{name}', {
        params: { path: { name: 'CRM_KEY' } },
        body: { value: 'sk-live-openapi-client-test', description: 'CRM' },
      }),
      'PUT',
      '/api/secrets/{name}',
    );
    expect(secret.response.status).toBe(201);
    stack.secrets.add('sk-live-openapi-client-test');
    expect(secret.data).toMatchObject({ name: 'CRM_KEY', version: 1, description: 'CRM' });
    const secrets = await documented(client.GET('/api/secrets'), 'GET', '/api/secrets');
    expect(secrets.data?.map((s) => s.name)).toEqual(['CRM_KEY']);

    // YAML goes as text: the client's default would send JSON.
    const trained = await documented(
      client.PUT('/api/agents/{agentId}', {
        params: { path: { agentId: 'nudger' } },
        body: AGENT,
        bodySerializer: (body) => body,
        headers: { 'content-type': 'application/yaml' },
      }),
      'PUT',
      '/api/agents/{agentId}',
    );
    expect(trained.data).toMatchObject({ id: 'nudger', version: 1, trained: true });
    expect(trained.data?.tests).toEqual([{ name: 'greets', passed: true, failures: [] }]);
    const refused = await documented(
      client.PUT('/api/agents/{agentId}', {
        params: { path: { agentId: 'nudger' } },
        body: 'start: nowhere\nbranches: {}\n',
        bodySerializer: (body) => body,
        headers: { 'content-type': 'application/yaml' },
      }),
      'PUT',
      '/api/agents/{agentId}',
    );
    expect(refused.response.status).toBe(422);
    expect(refused.error?.details?.length).toBeGreaterThan(0);

    const created = await documented(
      client.POST('/api/channels', { body: { name: 'Nudges', agentId: 'nudger', activate: true } }),
      'POST',
      '/api/channels',
    );
    expect(created.response.status).toBe(201);
    expect(created.data).toMatchObject({ agentId: 'nudger', status: 'active' });
    expect(created.data?.activation?.checks.map((c) => c.ok)).toEqual([true, true, true]);
    const channelId = created.data!.id;
    const got = await documented(
      client.GET('/api/channels/{channelId}', { params: { path: { channelId } } }),
      'GET',
      '/api/channels/{channelId}',
    );
    expect(got.data?.webhookUrl).toBe(created.data?.webhookUrl);
    const agents = await documented(client.GET('/api/agents'), 'GET', '/api/agents');
    expect(agents.data).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'nudger', channels: [channelId] })]),
    );
    const detail = await documented(
      client.GET('/api/agents/{agentId}', { params: { path: { agentId: 'nudger' } } }),
      'GET',
      '/api/agents/{agentId}',
    );
    expect(detail.data?.versions.map((v) => v.version)).toEqual([1]);
    const inUse = await documented(
      client.DELETE('/api/agents/{agentId}', { params: { path: { agentId: 'nudger' } } }),
      'DELETE',
      '/api/agents/{agentId}',
    );
    expect(inUse.response.status).toBe(409);
    expect(inUse.error?.details).toEqual([{ channel: channelId }]);
  });

  it('calls the running API through the generated client: a chat, an event, its transcript', async () => {
    const channels = await documented(client.GET('/api/channels'), 'GET', '/api/channels');
    const channel = channels.data!.find((c) => c.agentId === 'nudger')!;
    const chat = stack.webim(channel.webhookUrl);
    expect((await chat.newChat('chat-1')).body).toMatchObject({ has_answer: true });

    const eventsPath = '/api/channels/{channelId}/chats/{chatId}/events' as const;
    const path = { channelId: channel.id, chatId: 'chat-1' };
    const event = await documented(
      client.POST(eventsPath, { params: { path }, body: { name: 'nudge' } }),
      'POST',
      eventsPath,
    );
    expect(event.response.status).toBe(202);
    expect(event.data?.id).toEqual(expect.any(String));
    const keyed = {
      params: { path, header: { 'idempotency-key': 'k-1' } },
      body: { name: 'nudge' },
    };
    const first = await documented(client.POST(eventsPath, keyed), 'POST', eventsPath);
    const again = await documented(client.POST(eventsPath, keyed), 'POST', eventsPath);
    expect(again.data?.id).toBe(first.data?.id);
    const unknown = await documented(
      client.POST(eventsPath, { params: { path }, body: { name: 'no_such_event' } }),
      'POST',
      eventsPath,
    );
    expect(unknown.response.status).toBe(404);
    expect(unknown.error?.message).toMatch(/no_such_event/);

    const detailPath = '/api/channels/{channelId}/chats/{chatId}' as const;
    const detail = await waitFor('the events to reach the transcript', async () => {
      const result = await documented(
        client.GET(detailPath, { params: { path } }),
        'GET',
        detailPath,
      );
      return result.data?.transcript.some((e) => e.source === 'event') && result;
    });
    expect(detail.data?.bufferedMessages.length).toBeGreaterThan(0);
    expect(detail.data?.conversation?.agentId).toBe('nudger');

    const pagePath = '/api/channels/{channelId}/chats' as const;
    const page = await documented(
      client.GET(pagePath, { params: { path: { channelId: channel.id }, query: { limit: 1 } } }),
      'GET',
      pagePath,
    );
    expect(page.data).toEqual({
      chats: [{ chatId: 'chat-1', lastActivityAt: expect.any(String) }],
      nextCursor: null,
    });
    const badLimit = await documented(
      client.GET(pagePath, { params: { path: { channelId: channel.id }, query: { limit: 0 } } }),
      'GET',
      pagePath,
    );
    expect(badLimit.response.status).toBe(400);
  });

  it('answers errors in the documented format: no token, an unknown channel', async () => {
    const anonymous = createClient<paths>({ baseUrl: stack.baseUrl });
    const refused = await documented(anonymous.GET('/api/channels'), 'GET', '/api/channels');
    expect(refused.response.status).toBe(401);
    const error: components['schemas']['ErrorView'] | undefined = refused.error;
    expect(error).toMatchObject({ statusCode: 401, error: 'Unauthorized' });

    const missing = await documented(
      client.DELETE('/api/channels/{channelId}', { params: { path: { channelId: 'nope' } } }),
      'DELETE',
      '/api/channels/{channelId}',
    );
    expect(missing.response.status).toBe(404);
  });

  it('checks answers strictly: a field the description lacks, or a wrong type, fails', async () => {
    const channels = await documented(client.GET('/api/channels'), 'GET', '/api/channels');
    const validate = validator('GET', '/api/channels/{channelId}', 200);
    expect(validate(channels.data![0])).toBe(true);
    expect(validate({ ...channels.data![0], token: 'x' })).toBe(false);
    expect(validate({ ...channels.data![0], webim: { passwordSet: 'yes' } })).toBe(false);
    expect(validator('GET', '/api/secrets', 401)({ statusCode: 401 })).toBe(false);
  });
});
