import type { HandoffReason } from './turn-contracts';

// What a turn came to. A turn job returns its outcome (Bull Board shows it), the worker's
// metrics count it, and its log line says it: one set of words for all three.

/** A visitor turn (one Webim request). */
export type VisitorTurnStatus =
  | 'answered' // committed; the gateway got the reply
  | 'expired' // picked up after its deadline, or the chat stayed busy until then: not run
  | 'settled' // the gateway had already handed the chat off: not run
  | 'late' // ran, but the gateway handed off first: result discarded, conversation unchanged
  | 'lost' // ran, but a later turn took over after this one's lease: result discarded
  | 'gone'; // its place in the chat's order is gone (expired while waiting): not run

/** A visitor turn job's return value. */
export interface TurnJobResult {
  status: VisitorTurnStatus;
  handoff?: HandoffReason;
  steps?: number;
  waitedMs?: number;
  ranMs?: number;
  /** Buffered messages of timers and incoming requests that went out at the head of the answer. */
  delivered?: number;
}

/** A proactive turn (a timer's or an incoming request's). */
export type ProactiveTurnStatus =
  | 'delivered' // its messages are in the chat's outbox
  | 'dropped' // not run: no conversation with its agent, the conversation ended, or an error
  | 'settled' // already committed by a worker that died before its job completed
  | 'lost' // its place in the chat's order was taken: not committed
  | 'cancelled' // a timer's job that found its timer cancelled
  | 'superseded'; // a timer's job that found another job armed for its timer

/** A proactive turn job's return value. */
export interface ProactiveOutcome {
  status: ProactiveTurnStatus;
  messages?: number;
  dropped?: number;
  scenarioError?: boolean;
}
