import type { WebimExchange } from './webim-client';

// Small agents for end-to-end tests, in the documented YAML format.

/** Answers every message with the log of all messages so far: shows order and lost updates. */
export const COUNTING_AGENT = `
start: loop
branches:
  loop:
    - wait: {}
    - set: { log: "{{log}}{{client_message}};" }
    - say: "{{log}}"
    - goto: loop
`;

/** Greets, then on every message records it and pauses for longer than any test budget. */
export const HANGING_AGENT = `
start: welcome
branches:
  welcome:
    - say: "ready"
    - wait: {}
    - route:
        - { text: "^hang$", goto: hang }
        - { goto: echo }
  echo:
    - set: { last: "{{client_message}}" }
    - say: "echo {{last}} (previous hang marker: {{hung}})"
    - wait: {}
    - route:
        - { text: "^hang$", goto: hang }
        - { goto: echo }
  hang:
    - set: { hung: "yes" }
    - pause: 2500
    - say: "this answer comes too late"
    - wait: {}
    - goto: echo
`;

/**
 * The histories COUNTING_AGENT answered concurrent requests of one chat with, checked to show
 * that the turns ran one at a time in some order: each saw every turn before it, and no two saw
 * the same history. Returns them shortest first; the last is the whole history.
 */
export function expectOneAtATime(answers: WebimExchange[]): string[] {
  const logs = answers.map((a) =>
    a.body.has_answer ? (a.body.messages[0] as { text: string }).text : '',
  );
  const byLength = [...logs].sort((a, b) => a.length - b.length);
  byLength.forEach((log, i) => {
    expect(log.split(';').filter(Boolean)).toHaveLength(i + 1);
    if (i > 0) expect(log.startsWith(byLength[i - 1])).toBe(true);
  });
  return byLength;
}

/**
 * Routes on a pattern that takes a backtracking engine exponential time on a text of word
 * characters followed by something else: `^(\w+\s?)+$` on "aaaa…a!". Its test sends such a text.
 */
export const WORDS_AGENT = `
start: welcome
branches:
  welcome:
    - say: "ready"
    - wait: {}
    - route:
        - { text: '^(\\w+\\s?)+$', goto: words }
        - { goto: other }
  words:
    - say: "only words"
    - goto: welcome
  other:
    - say: "not only words"
    - goto: welcome
tests:
  - name: words and more
    conversation:
      - new_chat: {}
        bot: ["ready"]
      - say: "hello there"
        bot: ["only words", "ready"]
      - say: "${'a'.repeat(40)}!"
        bot: ["not only words", "ready"]
`;

/**
 * An agent with `tests` tests of `exchanges` exchanges each (the same conversation, by a YAML
 * alias, so the source stays small), every exchange matching a pattern: training work that
 * grows with the product. 900 × 300 takes seconds; 10 × 10, milliseconds.
 */
export function manyTestsAgent(tests: number, exchanges: number): string {
  const exchange = (i: number) => `      - { say: "hello there ${i}", bot: [ok] }`;
  return [
    'start: a',
    'branches:',
    '  a:',
    '    - wait: {}',
    '    - route:',
    "        - { text: '^(\\w+\\s?)+$', goto: b }",
    '        - { goto: b }',
    '  b:',
    '    - say: ok',
    '    - goto: a',
    'tests:',
    '  - name: t0',
    '    conversation: &talk',
    '      - new_chat: {}',
    ...Array.from({ length: exchanges }, (_, i) => exchange(i)),
    ...Array.from({ length: tests - 1 }, (_, i) => `  - { name: t${i + 1}, conversation: *talk }`),
    '',
  ].join('\n');
}
