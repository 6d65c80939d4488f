import { compileAgent } from './compile-agent';
import type { AgentIssue } from './model';
import { issuesOf, onlyError, WEBIM, yaml } from './spec-helpers';

// The call and llm steps and the `llm:` block as the compiler reads them: errors at the line
// and column of the key at fault, and the warnings about deadlines and addresses.

/** An agent whose branch `a` has the given step lines (from line 4) and a branch `b`. */
const withStep = (...lines: string[]) =>
  yaml('start: a', 'branches:', '  a:', ...lines, '  b: [{ say: B }]');

const warningsOf = (source: string): AgentIssue[] => compileAgent(source, WEBIM).warnings;

describe('compileAgent: call', () => {
  it('compiles every key', () => {
    const { agent, warnings } = compileAgent(
      withStep(
        '    - call:',
        '        method: patch',
        "        url: 'https://shop.example.com/o/{{order}}'",
        "        headers: { X-Key: '{{secret.SHOP_KEY}}' }",
        '        auth: { bearer: SHOP_TOKEN }',
        "        form: { id: '{{order}}', n: 2, code: 007 }",
        '        timeout: 1500ms',
        '        save: { code: status, all: body, s: body.a.b }',
        '        on: { ok: b, error: b, timeout: b }',
        '        then: later',
      ),
      WEBIM,
    );
    expect(agent.branches.a[0]).toEqual({
      kind: 'call',
      method: 'PATCH',
      url: ['https://shop.example.com/o/{{order}}'],
      headers: [
        { name: 'X-Key', value: [{ secret: 'SHOP_KEY' }] },
        { name: 'Authorization', value: ['Bearer ', { secret: 'SHOP_TOKEN' }] },
      ],
      body: { type: 'form', value: { id: '{{order}}', n: '2', code: '007' } },
      timeoutMs: 1500,
      save: { code: 'status', all: 'body', s: 'body.a.b' },
      on: { ok: 'b', error: 'b', timeout: 'b' },
      detach: true,
    });
    // Only the unset `order` (in the url and the form) is worth a word: the call has a timeout
    // branch and detaches.
    expect(warnings.map((w) => w.path)).toEqual([
      'branches.a[0].call.url',
      'branches.a[0].call.form.id',
    ]);
    expect(warnings.every((w) => w.message.startsWith('unknown variable order'))).toBe(true);
  });

  it.each([
    ['a missing url', '    - call: { method: GET }', 'branches.a[0].call', 4, 13, /has no url/],
    [
      'an unknown key',
      "    - call: { url: 'https://a.io', body: {} }",
      'branches.a[0].call.body',
      4,
      36,
      /unknown key "body"/,
    ],
    [
      'a bad method',
      "    - call: { url: 'https://a.io', method: FETCH }",
      'branches.a[0].call.method',
      4,
      44,
      /one of GET, POST/,
    ],
    [
      'a url without http',
      "    - call: { url: 'ftp://a.io' }",
      'branches.a[0].call.url',
      4,
      20,
      /http:\/\/ or https:\/\//,
    ],
    [
      'a host from a variable',
      "    - call: { url: 'https://{{host}}/x' }",
      'branches.a[0].call.url',
      4,
      20,
      /literal host/,
    ],
    [
      'a host from a secret',
      "    - call: { url: 'https://{{secret.H}}/x' }",
      'branches.a[0].call.url',
      4,
      20,
      /literal host/,
    ],
    [
      'a timeout too long',
      "    - call: { url: 'https://a.io', timeout: 61s }",
      'branches.a[0].call.timeout',
      4,
      45,
      /100ms to 60s/,
    ],
    [
      'a timeout without unit',
      "    - call: { url: 'https://a.io', timeout: 2 seconds }",
      'branches.a[0].call.timeout',
      4,
      45,
      /not a valid timeout/,
    ],
    [
      'an unknown outcome',
      "    - call: { url: 'https://a.io', on: { failed: b } }",
      'branches.a[0].call.on.failed',
      4,
      42,
      /allowed keys: ok, error, timeout/,
    ],
    [
      'an unknown branch',
      "    - call: { url: 'https://a.io', on: { error: c } }",
      'branches.a[0].call.on.error',
      4,
      49,
      /unknown branch "c"/,
    ],
    [
      'then other than later',
      "    - call: { url: 'https://a.io', then: now }",
      'branches.a[0].call.then',
      4,
      42,
      /then: later/,
    ],
    [
      'a save from elsewhere',
      "    - call: { url: 'https://a.io', save: { x: order.status } }",
      'branches.a[0].call.save.x',
      4,
      47,
      /body\.order\.status/,
    ],
    [
      'a save path with code',
      "    - call: { url: 'https://a.io', save: { x: 'body.a()' } }",
      'branches.a[0].call.save.x',
      4,
      47,
      /not something a call returns/,
    ],
    [
      'a secret value in auth',
      "    - call: { url: 'https://a.io', auth: { bearer: 'sk-123' } }",
      'branches.a[0].call.auth.bearer',
      4,
      52,
      /not a secret name/,
    ],
    [
      'a body in a GET',
      "    - call: { url: 'https://a.io', json: { a: 1 } }",
      'branches.a[0].call.json',
      4,
      36,
      /GET request has no body/,
    ],
    [
      'both bodies',
      "    - call: { method: POST, url: 'https://a.io', json: {}, form: {} }",
      'branches.a[0].call.form',
      4,
      60,
      /json or form, not both/,
    ],
    [
      'a secret in a JSON body',
      "    - call: { method: POST, url: 'https://a.io', json: { t: '{{secret.T}}' } }",
      'branches.a[0].call.json.t',
      4,
      61,
      /only in a call's url, headers and auth/,
    ],
    [
      'a secret in a form',
      "    - call: { method: POST, url: 'https://a.io', form: { t: '{{ secret.T }}' } }",
      'branches.a[0].call.form.t',
      4,
      61,
      /only in a call's url/,
    ],
  ])('reports %s at its line and column', (_what, step, path, line, column, message) => {
    const error = onlyError(withStep(step as string), path as string);
    expect(error).toMatchObject({ line, column });
    expect(error.message).toMatch(message as RegExp);
  });

  it('refuses a secret in a say, a set or a file', () => {
    const errors = issuesOf(
      withStep(
        '    - say: "Your key: {{secret.SHOP_TOKEN}}"',
        "    - set: { k: '{{secret.SHOP_TOKEN}}' }",
        "    - file: { url: 'https://a.io/{{secret.X}}' }",
      ),
    ).filter((issue) => issue.severity === 'error');
    expect(errors.map((e) => [e.path, e.line])).toEqual([
      ['branches.a[0].say', 4],
      ['branches.a[1].set.k', 5],
      ['branches.a[2].file.url', 6],
    ]);
  });

  it("measures a step's timeout against the deployment's reply budget when it is known", () => {
    const source = (timeout: string) =>
      withStep(
        `    - call: { url: 'https://shop.example.com/x', timeout: ${timeout}, on: { timeout: b } }`,
      );
    const deployed = (timeout: string) =>
      compileAgent(source(timeout), { ...WEBIM, replyBudgetMs: 3000 }).warnings;
    expect(deployed('3s').map((w) => w.message)).toEqual([
      expect.stringContaining('REPLY_BUDGET_MS (3000 ms in this deployment)'),
    ]);
    expect(deployed('2999ms')).toEqual([]);
    expect(warningsOf(source('3s'))).toEqual([]);
  });

  it('warns about a call without a timeout branch, a timeout past the reply budget and a private host', () => {
    const warnings = warningsOf(
      withStep(
        "    - call: { url: 'http://192.168.1.10:8080/orders', timeout: 5s, on: { ok: b } }",
      ),
    );
    expect(warnings.map((w) => [w.line, w.column, w.path])).toEqual([
      [4, 20, 'branches.a[0].call.url'],
      [4, 64, 'branches.a[0].call.timeout'],
      [4, 68, 'branches.a[0].call.on'],
    ]);
    expect(warnings[0].message).toMatch(/"192.168.1.10" is a private or local address/);
    expect(warnings[1].message).toMatch(/REPLY_BUDGET_MS/);
    expect(warnings[2].message).toMatch(/call_timeout/);
    for (const host of ['localhost', '127.0.0.1', '10.0.0.1', '172.16.0.1', 'db.internal', '[::1]'])
      expect(
        warningsOf(withStep(`    - call: { url: 'https://${host}/x', on: { timeout: b } }`)),
      ).toHaveLength(1);
    expect(
      warningsOf(withStep("    - call: { url: 'https://shop.example.com/x', on: { timeout: b } }")),
    ).toEqual([]);
  });
});

describe('compileAgent: llm', () => {
  it('compiles a reply, a classify and the agent defaults, keeping the longest history', () => {
    const { agent, warnings } = compileAgent(
      yaml(
        'llm: { model: m, temperature: 0, max_tokens: 50, url: "https://llm.example.com/v1", auth: { bearer: K } }',
        'start: a',
        'branches:',
        '  a:',
        '    - llm: { prompt: "Hi", history: 4, timeout: 3s, on: { timeout: a } }',
        '    - llm: { mode: classify, prompt: p, labels: [x, y], fallback: y, save: t, history: 2, on: { timeout: a } }',
      ),
      WEBIM,
    );
    expect(warnings).toEqual([]);
    expect(agent.llm).toEqual({
      model: 'm',
      temperature: 0,
      maxTokens: 50,
      url: 'https://llm.example.com/v1',
      bearerSecret: 'K',
    });
    expect(agent.historyLimit).toBe(4);
    expect(agent.branches.a).toEqual([
      {
        kind: 'llm',
        mode: 'reply',
        prompt: 'Hi',
        history: 4,
        timeoutMs: 3000,
        on: { timeout: 'a' },
        detach: false,
      },
      {
        kind: 'llm',
        mode: 'classify',
        prompt: 'p',
        history: 2,
        labels: ['x', 'y'],
        fallback: 'y',
        save: 't',
        on: { timeout: 'a' },
        detach: false,
      },
    ]);
  });

  it('keeps no history for an agent whose llm steps read none', () => {
    const { agent } = compileAgent(withStep('    - llm: { prompt: p, on: { timeout: b } }'), WEBIM);
    expect(agent.historyLimit).toBeUndefined();
  });

  it.each([
    ['a missing prompt', '    - llm: { mode: reply }', 'branches.a[0].llm', 4, 12, /has no prompt/],
    [
      'a bad mode',
      '    - llm: { prompt: p, mode: chat }',
      'branches.a[0].llm.mode',
      4,
      31,
      /mode: reply/,
    ],
    [
      'labels in a reply',
      '    - llm: { prompt: p, labels: [a, b] }',
      'branches.a[0].llm.labels',
      4,
      25,
      /belongs to mode: classify/,
    ],
    [
      'a classify without save',
      '    - llm: { prompt: p, mode: classify, labels: [a, b] }',
      'branches.a[0].llm.labels',
      4,
      41,
      /needs labels and save/,
    ],
    [
      'one label',
      '    - llm: { prompt: p, mode: classify, labels: [a], save: t }',
      'branches.a[0].llm.labels',
      4,
      49,
      /2 to 20 labels/,
    ],
    [
      'a duplicate label',
      '    - llm: { prompt: p, mode: classify, labels: [a, A], save: t }',
      'branches.a[0].llm.labels[1]',
      4,
      53,
      /duplicate label/,
    ],
    [
      'a fallback not a label',
      '    - llm: { prompt: p, mode: classify, labels: [a, b], fallback: c, save: t }',
      'branches.a[0].llm.fallback',
      4,
      67,
      /not one of the labels/,
    ],
    [
      'a history too long',
      '    - llm: { prompt: p, history: 21 }',
      'branches.a[0].llm.history',
      4,
      34,
      /0 to 20/,
    ],
    [
      'a temperature too high',
      '    - llm: { prompt: p, temperature: 3 }',
      'branches.a[0].llm.temperature',
      4,
      38,
      /0 to 2/,
    ],
    [
      'max_tokens as text',
      "    - llm: { prompt: p, max_tokens: '10' }",
      'branches.a[0].llm.max_tokens',
      4,
      37,
      /without quotes/,
    ],
    [
      'a secret in the prompt',
      '    - llm: { prompt: "{{secret.K}}" }',
      'branches.a[0].llm.prompt',
      4,
      22,
      /only in a call's url/,
    ],
  ])('reports %s at its line and column', (_what, step, path, line, column, message) => {
    const error = onlyError(withStep(step as string), path as string);
    expect(error).toMatchObject({ line, column });
    expect(error.message).toMatch(message as RegExp);
  });

  it('reports mistakes in the llm block', () => {
    const source = (block: string) => `llm: ${block}\n${withStep('    - say: x')}`;
    expect(onlyError(source('{ url: "https://{{h}}/v1" }'), 'llm.url')).toMatchObject({
      line: 1,
      column: 13,
    });
    expect(onlyError(source('{ auth: { bearer: "sk-1" } }'), 'llm.auth.bearer').message).toMatch(
      /not a secret name/,
    );
    expect(onlyError(source('{ key: x }'), 'llm.key').message).toMatch(/unknown key "key"/);
  });
});
