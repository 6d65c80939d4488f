import type { BotMessage } from '@app/scenario';
import { WEBIM_HANDOFF, WebimResponse } from './webim-response';

/**
 * Maps what the bot said to the v1 response. A hand-off is `{has_answer: false}` alone: Webim
 * does not show messages sent with it, so none are sent.
 */
export function toWebimResponse(messages: BotMessage[], handoff: boolean): WebimResponse {
  if (handoff) return WEBIM_HANDOFF;
  return {
    has_answer: true,
    messages: messages.map((m) =>
      m.type === 'text'
        ? { kind: 'operator', text: m.text }
        : { kind: 'keyboard', buttons: m.buttons },
    ),
  };
}
