import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  parseSecretsKey,
  SecretBox,
  SecretMetadata,
  SecretResolver,
  SecretStore,
  UnknownSecretsError,
} from '@app/catalog';
import { dumpRedis } from './support/redis-dump';
import { rawHttp } from './support/raw-http';
import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';

// Stored secrets through the management API: metadata out, values never; sealed at rest; read
// back in the clear only by a resolver holding SECRETS_KEY, which sees a replacement at once.

const SECRETS_KEY = 'ef'.repeat(32);

/** A value that looks like an API key, unique to one use. */
const apiKey = () => `sk-live-${randomBytes(18).toString('base64url')}`;

/** `text` holds `value` as written, JSON-escaped, percent-encoded or in base64. */
function holds(text: string, value: string): boolean {
  const forms = [
    value,
    JSON.stringify(value).slice(1, -1),
    encodeURIComponent(value),
    Buffer.from(value).toString('base64'),
    Buffer.from(value).toString('base64url'),
  ];
  return forms.some((form) => text.includes(form));
}

describe('stored secrets (/api/secrets)', () => {
  let stack: TestStack;
  /** Every value sent, and every answer's text: no answer may hold a value. */
  const values: string[] = [];
  const answers: string[] = [];

  const remember = (value: string) => {
    values.push(value);
    stack.secrets.add(value); // close() fails if a log line holds it
    return value;
  };

  /** An authenticated call with a JSON body; the answer is kept for the final check. */
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await stack.api(path, {
      method,
      ...(body !== undefined
        ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
        : {}),
    });
    const text = await response.text();
    answers.push(text);
    return { status: response.status, text, json: () => JSON.parse(text) as unknown };
  };
  const put = (name: string, body: unknown) => call('PUT', `/api/secrets/${name}`, body);

  beforeAll(async () => {
    stack = await TestStack.start({
      workers: 0,
      env: { SECRETS_KEY, API_RATE_LIMIT_PER_MINUTE: '100000' },
    });
  });

  afterAll(async () => {
    const logs = stack?.gateway.logs() ?? '';
    await stack?.close();
    // The gateway did log the requests and the changes, by name: the check below means something.
    expect(logs).toMatch(/"url":"\/api\/secrets\/CRM_KEY"/);
    expect(logs).toMatch(/"secret":"CRM_KEY".*"msg":"Secret replaced"/);
    expect(values.filter((v) => holds(logs, v))).toEqual([]);
    expect(values.filter((v) => answers.some((a) => holds(a, v)))).toEqual([]);
  });

  it('creates (201), replaces (200) and answers metadata, never the value', async () => {
    const first = remember(apiKey());
    const created = await put('CRM_KEY', { value: first, description: 'CRM, production' });
    expect(created.status).toBe(201);
    const v1 = created.json() as SecretMetadata;
    expect(v1).toEqual({
      name: 'CRM_KEY',
      description: 'CRM, production',
      version: 1,
      fingerprint: expect.stringMatching(/^[0-9a-f]{12}$/),
      createdAt: expect.any(String),
      updatedAt: v1.createdAt,
    });

    const second = remember(apiKey());
    const replaced = await put('CRM_KEY', { value: second });
    expect(replaced.status).toBe(200);
    const v2 = replaced.json() as SecretMetadata;
    expect(v2).toEqual({
      name: 'CRM_KEY',
      version: 2,
      fingerprint: expect.stringMatching(/^[0-9a-f]{12}$/),
      createdAt: v1.createdAt,
      updatedAt: expect.any(String),
    });
    expect(v2.fingerprint).not.toBe(v1.fingerprint);
    // The same value under another name has the same fingerprint: a mark of the value alone.
    const same = await put('CRM_KEY_COPY', { value: second });
    expect((same.json() as SecretMetadata).fingerprint).toBe(v2.fingerprint);
  });

  it('lists and reads metadata; 404 for an unknown name; deletes with 204, then 404', async () => {
    await put('LLM_KEY', { value: remember(apiKey()) });
    const list = await call('GET', '/api/secrets');
    expect(list.status).toBe(200);
    const names = (list.json() as SecretMetadata[]).map((s) => s.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['CRM_KEY', 'LLM_KEY']));
    for (const secret of list.json() as SecretMetadata[]) {
      expect(Object.keys(secret).sort()).toEqual(
        expect.arrayContaining(['createdAt', 'fingerprint', 'name', 'updatedAt', 'version']),
      );
      expect(Object.keys(secret).every((k) => !/value|sealed/.test(k))).toBe(true);
    }

    const one = await call('GET', '/api/secrets/LLM_KEY');
    expect(one.status).toBe(200);
    expect(one.json()).toMatchObject({ name: 'LLM_KEY', version: 1 });
    expect(one.json()).not.toHaveProperty('value');

    const unknown = await call('GET', '/api/secrets/NO_SUCH');
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'No secret "NO_SUCH"',
    });

    expect((await call('DELETE', '/api/secrets/LLM_KEY')).status).toBe(204);
    expect((await call('GET', '/api/secrets/LLM_KEY')).status).toBe(404);
    expect((await call('DELETE', '/api/secrets/LLM_KEY')).status).toBe(404);
    const after = (await call('GET', '/api/secrets')).json() as SecretMetadata[];
    expect(after.map((s) => s.name)).not.toContain('LLM_KEY');
  });

  it('refuses bad names and values with 400 in the product format, never echoing the value', async () => {
    const secret = remember(apiKey());
    const cases: [string, string, unknown, RegExp][] = [
      ['a digit first', '2FA', { value: secret }, /name must be 1 to 64 letters/],
      ['a dash', 'api-key', { value: secret }, /name must be/],
      ['65 characters', 'K'.repeat(65), { value: secret }, /name must be/],
      ['a value too long', 'K', { value: secret.repeat(200) }, /value must be at most 4096 bytes/],
      ['an empty value', 'K', { value: '' }, /value must not be empty/],
      ['no value', 'K', { description: 'x' }, /value must be a string/],
      ['a value in an array', 'K', { value: [secret] }, /value must be a string/],
      ['a value with a line break', 'K', { value: `${secret}\r\n` }, /control characters/],
      ['an unknown key', 'K', { value: 'ok-value', extra: secret }, /property extra/],
      [
        'a description too long',
        'K',
        { value: secret, description: 'd'.repeat(201) },
        /description/,
      ],
      ['a null description', 'K', { value: secret, description: null }, /description/],
      ['a JSON array', 'K', [secret], /JSON object/],
    ];
    for (const [what, name, body, message] of cases) {
      const answer = await put(name, body);
      expect([what, answer.status]).toEqual([what, 400]);
      expect(answer.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', message });
    }
    // What fetch cannot send: a lone surrogate, and JSON cut off after the value.
    const raw = [
      `{"value":"${secret}\\ud800"}`,
      `{"value":"${secret}"`,
      `{"value":"${secret}`,
      `{"value":${secret}}`,
    ];
    for (const body of raw) {
      const answer = await rawHttp(stack.port, {
        method: 'PUT',
        target: '/api/secrets/K',
        headers: {
          authorization: `Bearer ${stack.adminToken}`,
          'content-type': 'application/json',
        },
        body,
      });
      answers.push(answer.body);
      expect([body.slice(-12), answer.status]).toEqual([body.slice(-12), 400]);
      expect(JSON.parse(answer.body)).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
    expect((await call('GET', '/api/secrets/K')).status).toBe(404);
  });

  it('answers 401 without the admin token, and stores nothing', async () => {
    const value = remember(apiKey());
    for (const [method, path] of [
      ['GET', '/api/secrets'],
      ['GET', '/api/secrets/CRM_KEY'],
      ['PUT', '/api/secrets/STOLEN'],
      ['DELETE', '/api/secrets/CRM_KEY'],
    ]) {
      const response = await fetch(`${stack.baseUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(method === 'PUT' ? { body: JSON.stringify({ value }) } : {}),
      });
      answers.push(await response.text());
      expect([method, path, response.status]).toEqual([method, path, 401]);
    }
    expect((await call('GET', '/api/secrets/STOLEN')).status).toBe(404);
    expect((await call('GET', '/api/secrets/CRM_KEY')).status).toBe(200);
  });

  it('keeps values sealed in Redis: no key or value holds one', async () => {
    await put('AT_REST', { value: remember(apiKey()) });
    const dump = await dumpRedis(stack.client);
    expect(dump.size).toBeGreaterThan(0);
    const stored = JSON.parse(dump.get('wg:secret:AT_REST') ?? '{}') as Record<string, string>;
    expect(stored.sealed).toMatch(/^v1\./);
    for (const [key, value] of dump) {
      expect(values.filter((v) => holds(key, v) || holds(value, v))).toEqual([]);
    }
  });

  it('resolves values in another process, and a replacement at once', async () => {
    const subscriber = new Redis(stack.redis.url);
    const resolver = new SecretResolver(
      new SecretStore(stack.client, 'wg'),
      new SecretBox(parseSecretsKey(SECRETS_KEY)!),
      subscriber,
    );
    try {
      await resolver.start();
      const before = remember(apiKey());
      await put('ROTATED', { value: before });
      expect((await resolver.resolve(['ROTATED'])).get('ROTATED')).toBe(before);
      expect(resolver.cached).toBe(1);

      const after = remember(apiKey());
      await put('ROTATED', { value: after });
      // The change notice arrives over Pub/Sub: the kept value is dropped, then read afresh.
      await waitFor('the resolver to drop the replaced value', () => resolver.cached === 0);
      expect((await resolver.resolve(['ROTATED'])).get('ROTATED')).toBe(after);

      await call('DELETE', '/api/secrets/ROTATED');
      await waitFor('the resolver to drop the deleted secret', () => resolver.cached === 0);
      const error = await resolver.resolve(['ROTATED', 'CRM_KEY']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnknownSecretsError);
      expect((error as UnknownSecretsError).names).toEqual(['ROTATED']);
    } finally {
      resolver.stop();
      subscriber.disconnect();
    }
  });

  it('describes the API in OpenAPI: the value write-only, the answers without it', async () => {
    const spec = (await (await stack.api('/api/docs-json')).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: {
        schemas: Record<string, { properties: Record<string, { writeOnly?: boolean }> }>;
      };
    };
    expect(Object.keys(spec.paths['/api/secrets/{name}']).sort()).toEqual(['delete', 'get', 'put']);
    expect(Object.keys(spec.paths['/api/secrets/{name}'].put.responses)).toEqual(
      expect.arrayContaining(['200', '201', '400']),
    );
    expect(spec.components.schemas.PutSecretDto.properties.value.writeOnly).toBe(true);
    expect(Object.keys(spec.components.schemas.SecretView.properties)).not.toContain('value');
  });
});
