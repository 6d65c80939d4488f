/** How one outbound request ended. Every kind carries `reason`: short, safe to log, no bodies. */
export type EgressOutcome =
  /** 2xx: `body` is the parsed JSON (null for an empty body) or the text, as asked. */
  | { kind: 'ok'; status: number; body: unknown; reason: string }
  /** Any other status, redirects included; `body` parsed as JSON when it is JSON, else text. */
  | { kind: 'http_error'; status: number; body: unknown; reason: string }
  /** Connection refused or reset, a DNS failure, a TLS failure. */
  | { kind: 'network_error'; reason: string }
  /** Not the JSON that was expected, or larger than the size cap. */
  | { kind: 'bad_body'; status: number; reason: string }
  /** No answer within the effective timeout, or too little time left to send at all. */
  | { kind: 'timeout'; reason: string }
  /** The egress rules said no: the host is not allowed, or it resolves to a private address. */
  | { kind: 'refused'; reason: string }
  /** The host's breaker is open: it failed too often lately, nothing was sent. */
  | { kind: 'breaker_open'; reason: string };

export type EgressOutcomeKind = EgressOutcome['kind'];

export const OUTCOME_KINDS: readonly EgressOutcomeKind[] = [
  'ok',
  'http_error',
  'network_error',
  'bad_body',
  'timeout',
  'refused',
  'breaker_open',
];

/** Outcomes that say the host is unwell, and count against its breaker; 4xx is the caller's. */
export function isHostFailure(outcome: EgressOutcome): boolean {
  return (
    outcome.kind === 'network_error' ||
    outcome.kind === 'timeout' ||
    (outcome.kind === 'http_error' && outcome.status >= 500)
  );
}
