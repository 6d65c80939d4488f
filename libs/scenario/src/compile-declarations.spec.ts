import { compileAgent } from './compile-agent';
import { issuesOf, onlyError, WEBIM, yaml } from './spec-helpers';

/** An agent with the given top-level lines first (from line 1), then branches a and b. */
const agentWith = (...top: string[]) =>
  yaml(...top, 'start: a', 'branches:', '  a:', '    - wait: {}', '  b:', '    - end: true');

/** An agent whose branch a holds the given steps (from line 4), with one timer declared. */
const withSteps = (...steps: string[]) =>
  yaml(
    'start: a',
    'timers: { t: { after: 1m, goto: a } }',
    'branches:',
    '  a:',
    ...steps,
    '    - wait: {}',
  );

describe('compileAgent: variables', () => {
  it('stores initial values as text, as written', () => {
    const { agent } = compileAgent(
      agentWith(
        'variables:',
        '  tries: 0',
        '  code: 007',
        "  name: 'Ann'",
        '  vip: false',
        '  r: 1.50',
      ),
      WEBIM,
    );
    expect(agent.variables).toEqual({
      tries: '0',
      code: '007',
      name: 'Ann',
      vip: 'false',
      r: '1.50',
    });
  });

  it('keeps names like __proto__ as plain data', () => {
    const { agent } = compileAgent(agentWith('variables: { __proto__: x }'), WEBIM);
    expect(Object.keys(agent.variables)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(agent.variables)).toBeNull();
  });

  it.each([
    [
      'variables: [a]',
      'variables',
      /a list does not fit here; expected a mapping of variable names/,
    ],
    ['variables: { 1x: a }', 'variables["1x"]', /invalid variable name "1x"/],
    ['variables: { x: [1] }', 'variables.x', /a list cannot be stored/],
    ['variables: { x: }', 'variables.x', /an empty value cannot be stored/],
  ])('rejects `%s`', (line, path, message) => {
    const error = onlyError(agentWith(line), path);
    expect(error.message).toMatch(message);
    expect(error.line).toBe(1);
  });
});

describe('compileAgent: timers', () => {
  it.each([
    ['1500ms', 1_500],
    ['30s', 30_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['168h', 604_800_000],
    ['1000', 1_000],
    ['604800000', 604_800_000],
  ])('reads after: %s as %i ms', (after, ms) => {
    const { agent } = compileAgent(agentWith(`timers: { t: { after: ${after}, goto: b } }`), WEBIM);
    expect(agent.timers).toEqual({ t: { afterMs: ms, branch: 'b', cancelOnMessage: true } });
  });

  it('reads cancel_on_message', () => {
    const { agent } = compileAgent(
      agentWith('timers:', '  keep: { after: 10s, goto: b, cancel_on_message: false }'),
      WEBIM,
    );
    expect(agent.timers.keep.cancelOnMessage).toBe(false);
  });

  it.each([
    [
      '{ t: { after: 500ms, goto: b } }',
      'timers.t.after',
      /"500ms" is out of range; a timer fires from 1s to 7 days/,
    ],
    ['{ t: { after: 169h, goto: b } }', 'timers.t.after', /out of range/],
    ['{ t: { after: 999, goto: b } }', 'timers.t.after', /number 999 is out of range/],
    [
      '{ t: { after: 1.5s, goto: b } }',
      'timers.t.after',
      /"1.5s" is not a duration; write a whole number with a unit/,
    ],
    ['{ t: { after: 2 m, goto: b } }', 'timers.t.after', /is not a duration/],
    ['{ t: { after: 1d, goto: b } }', 'timers.t.after', /is not a duration/],
    ['{ t: { after: 0s, goto: b } }', 'timers.t.after', /is not a duration/],
    ['{ t: { after: 1500.5, goto: b } }', 'timers.t.after', /is not a duration/],
    [
      '{ t: { after: 1m, goto: nowhere } }',
      'timers.t.goto',
      /unknown branch "nowhere"; known branches: a, b/,
    ],
    [
      '{ t: { after: 1m } }',
      'timers.t',
      /the timer has no goto; write \{ after: 2m, goto: <branch> \}/,
    ],
    ['{ t: { goto: b } }', 'timers.t', /the timer has no after/],
    ['{ t: {} }', 'timers.t', /the timer has no after and goto/],
    ['{ t: 2m }', 'timers.t', /"2m" does not fit here; expected a timer: \{ after: 2m/],
    [
      '{ t: { after: 1m, goto: b, cancel_on_message: no } }',
      'timers.t.cancel_on_message',
      /"no" is not true or false/,
    ],
    [
      '{ t: { after: 1m, goto: b, every: 1m } }',
      'timers.t.every',
      /allowed keys: after, goto, cancel_on_message/,
    ],
    [
      '{ "a b": { after: 1m, goto: b } }',
      'timers["a b"]',
      /invalid timer name "a b"; use 1-64 characters/,
    ],
    ['[t]', 'timers', /expected a mapping of timer names to timers/],
  ])('rejects timers: %s', (timers, path, message) => {
    const error = onlyError(agentWith(`timers: ${timers}`), path);
    expect(error.message).toMatch(message);
  });

  it('locates timer errors', () => {
    expect(
      onlyError(agentWith('timers:', '  t: { after: 10x, goto: b }'), 'timers.t.after'),
    ).toMatchObject({
      line: 2,
      column: 15,
    });
  });
});

describe('compileAgent: events', () => {
  it('maps event names to branches', () => {
    const { agent } = compileAgent(
      agentWith('events:', '  order.shipped-2_x: b', '  paid: a'),
      WEBIM,
    );
    expect(agent.events).toEqual({ 'order.shipped-2_x': 'b', paid: 'a' });
  });

  it.each([
    ['events: { shipped: nowhere }', 'events.shipped', /unknown branch "nowhere"/],
    ['events: { shipped: [b] }', 'events.shipped', /a list is not a string; name a branch/],
    ['events: { "a/b": b }', 'events["a/b"]', /invalid event name "a\/b"/],
    [`events: { ${'e'.repeat(65)}: b }`, `events.${'e'.repeat(65)}`, /invalid event name/],
    ['events: [shipped]', 'events', /expected a mapping of event names to branches/],
  ])('rejects `%s`', (line, path, message) => {
    expect(onlyError(agentWith(line), path).message).toMatch(message);
  });
});

describe('compileAgent: timer steps', () => {
  it('compiles start_timer and cancel_timer', () => {
    const { agent } = compileAgent(
      withSteps('    - start_timer: t', '    - cancel_timer: t'),
      WEBIM,
    );
    expect(agent.branches.a.slice(0, 2)).toEqual([
      { kind: 'start_timer', timer: 't' },
      { kind: 'cancel_timer', timer: 't' },
    ]);
  });

  it('rejects an unknown timer and lists the declared ones', () => {
    const error = onlyError(withSteps('    - start_timer: tt'), 'branches.a[0].start_timer');
    expect(error).toMatchObject({ line: 5, column: 20 });
    expect(error.message).toBe('unknown timer "tt"; declared timers: t');
  });

  it('says how to declare a timer when there is none', () => {
    const error = onlyError(
      yaml('start: a', 'branches:', '  a:', '    - cancel_timer: nudge', '    - wait: {}'),
      'branches.a[0].cancel_timer',
    );
    expect(error.message).toBe(
      'unknown timer "nudge"; no timers are declared; declare it at the top level, e.g. timers: { nudge: { after: 2m, goto: <branch> } }',
    );
  });

  it('does not report a reference to a timer whose declaration has errors', () => {
    const errors = issuesOf(
      yaml(
        'start: a',
        'timers: { t: { after: 1x, goto: a } }',
        'branches:',
        '  a:',
        '    - start_timer: t',
        '    - wait: {}',
      ),
    ).filter((i) => i.severity === 'error');
    expect(errors.map((e) => e.path)).toEqual(['timers.t.after']);
  });

  it.each([
    ['start_timer: [t]', 'branches.a[0].start_timer', /a list is not a string; a timer name/],
    ['cancel_timer: "a b"', 'branches.a[0].cancel_timer', /invalid timer name "a b"/],
  ])('rejects `%s`', (step, path, message) => {
    expect(onlyError(withSteps(`    - ${step}`), path).message).toMatch(message);
  });
});

describe('compileAgent: file', () => {
  it('compiles a file with and without a name; templates are allowed in both', () => {
    const { agent } = compileAgent(
      withSteps(
        '    - file: { url: "https://x.io/{{ id }}/a.pdf", name: "Invoice {{id}}" }',
        '    - file: { url: "HTTP://x.io" }',
        '    - set: { id: "1" }',
      ),
      WEBIM,
    );
    expect(agent.branches.a.slice(0, 2)).toEqual([
      { kind: 'file', url: 'https://x.io/{{ id }}/a.pdf', name: 'Invoice {{id}}' },
      { kind: 'file', url: 'HTTP://x.io', name: '' },
    ]);
  });

  it.each([
    ['file: "https://x.io"', 'branches.a[0].file', /expected file: \{ url:/],
    ['file: { name: Prices }', 'branches.a[0].file', /the file has no url/],
    [
      'file: { url: "ftp://x.io/a" }',
      'branches.a[0].file.url',
      /"ftp:\/\/x.io\/a" is not an http\(s\) address; write the full address starting with https:\/\//,
    ],
    ['file: { url: "x.io/a.pdf" }', 'branches.a[0].file.url', /not an http\(s\) address/],
    ['file: { url: "https://" }', 'branches.a[0].file.url', /not an http\(s\) address/],
    ['file: { url: "https:// x.io" }', 'branches.a[0].file.url', /not an http\(s\) address/],
    ['file: { url: "{{link}}" }', 'branches.a[0].file.url', /not an http\(s\) address/],
    ['file: { url: "" }', 'branches.a[0].file.url', /empty/],
    [
      'file: { url: "https://x.io", name: "" }',
      'branches.a[0].file.name',
      /empty; write the caption/,
    ],
    [
      'file: { url: "https://x.io", size: 1 }',
      'branches.a[0].file.size',
      /allowed keys: url, name/,
    ],
  ])('rejects `%s`', (step, path, message) => {
    expect(onlyError(withSteps(`    - ${step}`), path).message).toMatch(message);
  });
});

describe('compileAgent: Markdown in say', () => {
  it('turns Markdown into plain text at compile time and leaves templates alone', () => {
    const { agent } = compileAgent(
      withSteps(
        '    - say: "# Hi **{{first_name}}**\\n* see [prices](https://x.io/a_b_c)\\n`snake_case`"',
        '    - set: { first_name: x }',
      ),
      WEBIM,
    );
    expect(agent.branches.a[0]).toEqual({
      kind: 'say',
      text: 'Hi {{first_name}}\n- see prices (https://x.io/a_b_c)\nsnake_case',
    });
  });

  it('does not touch button texts or set values', () => {
    const { agent } = compileAgent(
      withSteps('    - buttons: [[{ id: a, text: "**A**" }]]', '    - set: { x: "*y*" }'),
      WEBIM,
    );
    expect(agent.branches.a[0]).toEqual({ kind: 'buttons', rows: [[{ id: 'a', text: '**A**' }]] });
    expect(agent.branches.a[1]).toEqual({ kind: 'set', values: { x: '*y*' } });
  });

  it('keeps a text over 1000 characters whole', () => {
    const long = 'word '.repeat(400).trim();
    const { agent } = compileAgent(withSteps(`    - say: "${long}"`), WEBIM);
    expect(agent.branches.a[0]).toEqual({ kind: 'say', text: long });
  });
});
