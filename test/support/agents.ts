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
