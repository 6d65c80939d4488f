import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import type { TurnInput } from '@app/scenario/model';
import {
  WebimEnvelopeDto,
  WebimMessageDto,
  WebimNewChatDto,
  WebimNewMessageDto,
  WebimVisitorDto,
} from './webim-request.dto';
import { chatVariables, visitorVariables } from './channel-variables';

export interface FieldProblem {
  path: string;
  message: string;
}

/** The request is not a valid v1 request: the webhook answers 400 with these details. */
export class WebimRequestError extends Error {
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; '));
    this.name = 'WebimRequestError';
  }
}

/** What a Webim request can start: a visitor's turn (timers and events are not Webim's). */
export type VisitorTurnInput = Exclude<TurnInput, { kind: 'timer' | 'event' }>;

export type ParsedWebimRequest =
  | { kind: 'turn'; event: 'new_chat' | 'new_message'; chatId: string; input: VisitorTurnInput }
  /** Valid JSON we cannot run a turn for; answered with a hand-off, never with an error. */
  | {
      kind: 'unsupported';
      event: string;
      chatId?: string;
      reason: 'unknown_event' | 'unsupported_message';
    };

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      path,
      // class-validator starts messages with the property name; the path already says it.
      message: message.startsWith(`${error.property} `)
        ? message.slice(error.property.length + 1)
        : message,
    }));
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/**
 * The event name. A valid one is read directly: the envelope DTO would copy and walk the whole
 * body once more on every request. An invalid one goes through the DTO for its usual errors.
 */
function envelope(body: object): WebimEnvelopeDto {
  const event = (body as { event?: unknown }).event;
  if (typeof event === 'string' && event.length >= 1 && event.length <= 64) return { event };
  return validated(WebimEnvelopeDto, body);
}

function validated<T extends object>(cls: new () => T, body: object): T {
  const dto = plainToInstance(cls, body);
  const errors = validateSync(dto, { forbidUnknownValues: false });
  if (errors.length > 0) throw new WebimRequestError(flatten(errors));
  return dto;
}

/** Text of one visitor message: typed text, or the caption of the button they pressed. */
function messageText(message: WebimMessageDto): string | undefined {
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
  const { event } = envelope(body);

  if (event === 'new_chat') {
    const request = validated(WebimNewChatDto, body);
    const chatId = request.chat.id;
    const vars = {
      ...chatVariables(chatId),
      ...visitorVariables(request.visitor as WebimVisitorDto | undefined, request.location),
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
    const request = validated(WebimNewMessageDto, body);
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

  const chat = (body as { chat?: { id?: unknown } }).chat;
  const chatId = typeof chat?.id === 'string' ? chat.id : undefined;
  return { kind: 'unsupported', event, chatId, reason: 'unknown_event' };
}
