import { IdForLog, idForLog, isValidId } from '@app/ids';
import type { TurnInput } from '@app/scenario';
import { chatVariables, visitorVariables } from './channel-variables';
import { validateWebimRequest, WebimMessage, WebimRequestError } from './webim-request';

/** What a Webim request can start: a visitor's turn (timers and events are not Webim's). */
export type VisitorTurnInput = Exclude<TurnInput, { kind: 'timer' | 'event' }>;

export type ParsedWebimRequest =
  | { kind: 'turn'; event: 'new_chat' | 'new_message'; chatId: string; input: VisitorTurnInput }
  /** Valid JSON we cannot run a turn for; answered with a hand-off, never with an error. */
  | {
      kind: 'unsupported';
      event: string;
      chatId?: string;
      /** An unknown event's chat id that breaks the id rule: dropped, only its short form kept. */
      refusedChatId?: IdForLog;
      reason: 'unknown_event' | 'unsupported_message';
    };

/** The event name: any short string; what follows depends on it. */
function eventOf(body: object): string {
  const event = (body as { event?: unknown }).event;
  if (event === undefined) throw new WebimRequestError([{ path: 'event', message: 'is required' }]);
  if (typeof event !== 'string' || event.length < 1 || event.length > 64) {
    throw new WebimRequestError([
      { path: 'event', message: 'must be a string of 1 to 64 characters' },
    ]);
  }
  return event;
}

/** Text of one visitor message: typed text, or the caption of the button they pressed. */
function messageText(message: WebimMessage): string | undefined {
  if (message.kind === 'visitor') return message.text;
  // A button without a caption is still a choice: its id stands in for the text.
  if (message.kind === 'keyboard_response')
    return message.response?.button.text || message.response?.button.id;
  return undefined;
}

/**
 * Validates a Webim v1 request body and maps it to a channel-neutral turn input.
 * Throws WebimRequestError for malformed shapes; returns `unsupported` for unknown events and
 * message kinds so that the webhook can answer them safely.
 */
export function parseWebimRequest(body: unknown): ParsedWebimRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new WebimRequestError([{ path: '', message: 'the body must be a JSON object' }]);
  }
  const event = eventOf(body);

  if (event === 'new_chat') {
    const request = validateWebimRequest(event, body);
    const chatId = request.chat.id;
    const vars = {
      ...chatVariables(chatId),
      ...visitorVariables(request.visitor ?? undefined, request.location),
    };
    const texts = (request.messages ?? [])
      .map(messageText)
      .filter((text): text is string => text !== undefined && text.trim() !== '');
    const input: VisitorTurnInput =
      texts.length > 0
        ? { kind: 'chat_started', vars, text: texts.join('\n') }
        : { kind: 'chat_started', vars };
    return { kind: 'turn', event, chatId, input };
  }

  if (event === 'new_message') {
    const request = validateWebimRequest(event, body);
    const chatId = request.chat.id;
    const vars = chatVariables(chatId);
    if (request.kind === 'visitor') {
      return { kind: 'turn', event, chatId, input: { kind: 'text', text: request.text!, vars } };
    }
    if (request.kind === 'keyboard_response') {
      const button = request.response!.button;
      const input: VisitorTurnInput = {
        kind: 'button',
        id: button.id,
        text: button.text || button.id,
        vars,
      };
      return { kind: 'turn', event, chatId, input };
    }
    return { kind: 'unsupported', event, chatId, reason: 'unsupported_message' };
  }

  // An event we do not know is answered whatever it carries; its chat id is kept (to record
  // the hand-off in the chat's transcript) only if it is one a known event could carry.
  const chat = (body as { chat?: { id?: unknown } }).chat;
  const id = chat?.id;
  if (typeof id !== 'string') return { kind: 'unsupported', event, reason: 'unknown_event' };
  if (!isValidId('webim', id)) {
    return { kind: 'unsupported', event, reason: 'unknown_event', refusedChatId: idForLog(id) };
  }
  return { kind: 'unsupported', event, chatId: id, reason: 'unknown_event' };
}
