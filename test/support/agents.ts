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
