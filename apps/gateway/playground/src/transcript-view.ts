import { el } from './dom.js';
import type {
  BotMessage,
  Button,
  Handoff,
  StepRequestTrace,
  TranscriptEntry,
  TurnInput,
} from './types.js';

// How a chat looks to the visitor in Webim: their lines on the right, the bot's on the left,
// keyboards as rows of buttons, and a hand-off as the moment the chat goes to an operator.

export function visitorLine(text: string, note?: string): HTMLElement {
  return el('div', { class: 'line visitor' }, el('div', { class: 'bubble' }, text), noteOf(note));
}

export function botLine(text: string, note?: string): HTMLElement {
  return el('div', { class: 'line bot' }, el('div', { class: 'bubble' }, text), noteOf(note));
}

/** A keyboard; `press` makes its buttons answer as the visitor pressing them would. */
export function keyboard(buttons: Button[][], press?: (button: Button) => void): HTMLElement {
  return el(
    'div',
    { class: 'line bot keyboard' },
    ...buttons.map((row) =>
      el(
        'div',
        { class: 'row' },
        ...row.map((button) =>
          el(
            'button',
            {
              type: 'button',
              'data-button': button.id,
              disabled: !press,
              onclick: press ? () => press(button) : undefined,
            },
            button.text,
          ),
        ),
      ),
    ),
  );
}

export function handoffLine(handoff: Handoff | null | undefined): HTMLElement {
  const reason = handoff
    ? `${handoff.reason}${handoff.detail ? `: ${handoff.detail}` : ''}`
    : 'reason not recorded: decided without Redis, see the gateway logs';
  return el(
    'div',
    { class: 'line system handoff' },
    `Chat handed to an operator (${reason}). Webim puts it in the operators' queue.`,
  );
}

/** A call's or an llm step's request: what was sent and what came back, secrets as names. */
export function requestLine(request: StepRequestTrace): HTMLElement {
  const status = request.status === undefined ? '' : ` ${request.status}`;
  const later = request.later ? ', after the answer' : '';
  return el(
    'details',
    { class: 'line system request', 'data-outcome': request.outcome },
    el(
      'summary',
      {},
      `${request.step} ${request.sent} → ${request.outcome}${status} in ${request.ms} ms${later}`,
    ),
    ...(request.headers ?? []).map((header) => el('pre', { class: 'sent' }, header)),
    request.body === undefined ? null : el('pre', { class: 'sent' }, request.body),
    request.received === undefined ? null : el('pre', { class: 'received' }, request.received),
  );
}

export function systemLine(text: string): HTMLElement {
  return el('div', { class: 'line system' }, text);
}

export function botMessage(message: BotMessage, note?: string): HTMLElement {
  return message.type === 'text' ? botLine(message.text, note) : keyboard(message.buttons);
}

/** One transcript entry as the lines of a conversation, read-only. */
export function entryLines(entry: TranscriptEntry): HTMLElement[] {
  const lines: HTMLElement[] = [];
  const at = new Date(entry.at).toLocaleString();
  if (entry.source === 'webim') {
    const input = inputText(entry.input);
    if (input) lines.push(visitorLine(input, at));
    for (const message of entry.delivered ?? []) {
      lines.push(botMessage(message, 'buffered earlier, delivered with this answer'));
    }
  } else {
    const what =
      entry.source === 'timer'
        ? `Timer "${entry.name}" fired`
        : entry.source === 'later'
          ? `The ${entry.step ?? 'call'} of a "then: later" step came back`
          : `Incoming request "${entry.name}"${entry.data ? ` ${JSON.stringify(entry.data)}` : ''}`;
    const dropped = entry.dropped ? `; ${entry.dropped} older message(s) dropped` : '';
    lines.push(systemLine(`${what} at ${at}: its messages wait for the next answer${dropped}`));
  }
  for (const request of entry.requests ?? []) lines.push(requestLine(request));
  for (const message of entry.messages) {
    lines.push(botMessage(message, entry.source === 'webim' ? undefined : 'buffered'));
  }
  if (entry.handoff) lines.push(handoffLine(entry.handoff));
  return lines;
}

function inputText(input: TurnInput | undefined): string | null {
  if (!input) return null;
  switch (input.kind) {
    case 'chat_started':
      return input.text ? `(new chat) ${input.text}` : '(new chat)';
    case 'text':
      return input.text;
    case 'button':
      return `[${input.text}]`;
  }
}

function noteOf(note: string | undefined): HTMLElement | null {
  return note ? el('div', { class: 'note' }, note) : null;
}
