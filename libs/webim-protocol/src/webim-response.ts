import type { Button } from '@app/scenario';

/** The body the bot returns to Webim. `has_answer: false` hands the chat to the operator queue. */
export type WebimResponse =
  { has_answer: false } | { has_answer: true; messages: WebimOutgoingMessage[] };

export type WebimOutgoingMessage =
  { kind: 'operator'; text: string } | { kind: 'keyboard'; buttons: Button[][] };

export const WEBIM_HANDOFF: WebimResponse = Object.freeze({ has_answer: false }) as WebimResponse;
