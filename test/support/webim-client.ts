import { performance } from 'node:perf_hooks';

/** What Webim gets back, with how long it took. */
export interface WebimExchange {
  status: number;
  body: WebimAnswer;
  ms: number;
}

export type WebimAnswer =
  | { has_answer: false }
  | {
      has_answer: true;
      messages: (
        | { kind: 'operator'; text: string }
        | { kind: 'keyboard'; buttons: { id: string; text: string }[][] }
      )[];
    };

/**
 * A simulated Webim: sends External Bot API 1.0 requests the way Webim does and checks every
 * answer against the protocol (HTTP 200, a JSON object of the documented shape).
 */
export class WebimClient {
  constructor(readonly webhookUrl: string) {}

  async post(body: unknown, raw = false): Promise<WebimExchange> {
    const started = performance.now();
    const response = await fetch(this.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-bot-api-version': '1.0',
        'x-bot-api-dialect': 'Webim Standard',
      },
      body: raw ? (body as string) : JSON.stringify(body),
    });
    const text = await response.text();
    const ms = performance.now() - started;
    const parsed = JSON.parse(text) as WebimAnswer;
    if (response.status === 200) assertWebimAnswer(parsed);
    return { status: response.status, body: parsed, ms };
  }

  newChat(
    chatId: string,
    options: {
      visitor?: Record<string, unknown>;
      messages?: unknown[];
      extra?: Record<string, unknown>;
    } = {},
  ): Promise<WebimExchange> {
    return this.post({
      event: 'new_chat',
      chat: { id: chatId },
      visitor: options.visitor ?? { id: `visitor-${chatId}` },
      ...(options.messages ? { messages: options.messages } : {}),
      ...options.extra,
    });
  }

  say(chatId: string, text: string): Promise<WebimExchange> {
    return this.post({ event: 'new_message', chat: { id: chatId }, kind: 'visitor', text });
  }

  press(chatId: string, id: string, text: string): Promise<WebimExchange> {
    return this.post({
      event: 'new_message',
      chat: { id: chatId },
      kind: 'keyboard_response',
      response: { button: { id, text } },
    });
  }
}

/** Throws unless `body` is a valid v1 answer. */
export function assertWebimAnswer(body: unknown): asserts body is WebimAnswer {
  const fail = (why: string) => {
    throw new Error(`Not a valid Webim v1 answer (${why}): ${JSON.stringify(body)}`);
  };
  if (typeof body !== 'object' || body === null) return fail('not an object');
  const answer = body as Record<string, unknown>;
  if (answer.has_answer === false) {
    if (Object.keys(answer).length !== 1) fail('a hand-off carries nothing else');
    return;
  }
  if (answer.has_answer !== true) return fail('has_answer must be a boolean');
  if (!Array.isArray(answer.messages)) return fail('messages must be an array');
  for (const message of answer.messages as Record<string, unknown>[]) {
    if (message.kind === 'operator') {
      if (typeof message.text !== 'string' || message.text === '') fail('operator text');
    } else if (message.kind === 'keyboard') {
      const rows = message.buttons;
      if (!Array.isArray(rows) || rows.length === 0) fail('keyboard rows');
      for (const row of rows as unknown[]) {
        if (!Array.isArray(row) || row.length === 0) fail('keyboard row');
        for (const b of row as Record<string, unknown>[]) {
          if (typeof b.id !== 'string' || typeof b.text !== 'string') fail('button');
        }
      }
    } else {
      fail(`unknown message kind ${String(message.kind)}`);
    }
  }
}

/** The texts of an answer, in order; keyboards as `[id,id|id]` rows. */
export function transcript(answer: WebimAnswer): string[] {
  if (!answer.has_answer) return ['<handoff>'];
  return answer.messages.map((m) =>
    m.kind === 'operator'
      ? m.text
      : `[${m.buttons.map((r) => r.map((b) => b.id).join(',')).join('|')}]`,
  );
}
