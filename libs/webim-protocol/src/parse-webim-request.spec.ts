import { idForLog } from '@app/ids';
import { parseWebimRequest, VisitorTurnInput } from './parse-webim-request';
import { FieldProblem, WebimRequestError } from './webim-request';
import { toWebimResponse } from './to-webim-response';

const CHAT_VARS = { channel_conversation_id: 'chat-1', channel_chat_id: 'chat-1|webim' };

function newChat(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { event: 'new_chat', chat: { id: 'chat-1' }, ...extra };
}

function newMessage(extra: Record<string, unknown>): Record<string, unknown> {
  return { event: 'new_message', chat: { id: 'chat-1' }, ...extra };
}

/** The turn input of a request that must parse as a turn. */
function inputOf(body: unknown): VisitorTurnInput {
  const parsed = parseWebimRequest(body);
  if (parsed.kind !== 'turn') throw new Error(`expected a turn, got ${JSON.stringify(parsed)}`);
  return parsed.input;
}

function varsOf(body: unknown): Record<string, string> {
  return inputOf(body).vars;
}

/** The problems of a request that must be rejected; fails the test for any other outcome. */
function problemsOf(body: unknown): FieldProblem[] {
  try {
    parseWebimRequest(body);
  } catch (error) {
    if (error instanceof WebimRequestError) return error.problems;
    throw error;
  }
  throw new Error(`expected a WebimRequestError for ${JSON.stringify(body)}`);
}

describe('parseWebimRequest', () => {
  describe('on new_chat', () => {
    it('maps a chat without visitor or messages to chat_started with only the chat variables', () => {
      expect(parseWebimRequest(newChat())).toStrictEqual({
        kind: 'turn',
        event: 'new_chat',
        chatId: 'chat-1',
        input: { kind: 'chat_started', vars: CHAT_VARS },
      });
    });

    it('derives channel_chat_id from the chat id with a "|webim" suffix, keeping the id verbatim', () => {
      const id = '9401b039-a:b|c {x}';
      expect(varsOf({ event: 'new_chat', chat: { id } })).toStrictEqual({
        channel_conversation_id: id,
        channel_chat_id: `${id}|webim`,
      });
    });

    it('maps every visitor field to its channel variable', () => {
      const visitor = {
        id: 'v-1',
        firstname: 'Ann',
        lastname: 'Lee',
        username: 'ann_l',
        phone: '+7 900 000-00-00',
        email: 'ann@example.com',
        location: 'Moscow',
      };
      expect(varsOf(newChat({ visitor }))).toStrictEqual({
        ...CHAT_VARS,
        channel_visitor_id: 'v-1',
        channel_visitor_firstname: 'Ann',
        channel_visitor_lastname: 'Lee',
        channel_visitor_account: 'ann_l',
        channel_visitor_phone: '+7 900 000-00-00',
        channel_visitor_email: 'ann@example.com',
        channel_visitor_location: 'Moscow',
      });
    });

    it('tolerates a numeric phone and stores it as a string', () => {
      const vars = varsOf(newChat({ visitor: { id: 'v-1', phone: 79001234567 } }));
      expect(vars.channel_visitor_phone).toBe('79001234567');
    });

    it('leaves the variables of absent, null or empty visitor fields unset rather than ""', () => {
      const visitor = { id: 'v-1', firstname: null, lastname: '', email: null, phone: '' };
      expect(varsOf(newChat({ visitor }))).toStrictEqual({
        ...CHAT_VARS,
        channel_visitor_id: 'v-1',
      });
    });

    it('accepts a null visitor as no visitor', () => {
      expect(varsOf(newChat({ visitor: null }))).toStrictEqual(CHAT_VARS);
    });

    it("reads the location from the visitor's address object", () => {
      const vars = varsOf(
        newChat({ visitor: { id: 'v-1', location: { address: 'Kazan', lat: 1 } } }),
      );
      expect(vars.channel_visitor_location).toBe('Kazan');
    });

    it("falls back to the request's location.address when the visitor has no location", () => {
      const vars = varsOf(newChat({ visitor: { id: 'v-1' }, location: { address: 'Omsk' } }));
      expect(vars.channel_visitor_location).toBe('Omsk');
    });

    it("uses the request's location.address on a chat without a visitor", () => {
      expect(varsOf(newChat({ location: { address: 'Omsk' } })).channel_visitor_location).toBe(
        'Omsk',
      );
    });

    it("prefers the visitor's location to the request's", () => {
      const body = newChat({
        visitor: { id: 'v-1', location: 'Tver' },
        location: { address: 'Omsk' },
      });
      expect(varsOf(body).channel_visitor_location).toBe('Tver');
    });

    it('leaves the location unset when no location has a text address', () => {
      const body = newChat({ visitor: { id: 'v-1', location: { lat: 1 } }, location: { x: 2 } });
      expect(varsOf(body)).not.toHaveProperty('channel_visitor_location');
    });

    // An empty visitor location counts as absent, so it must not hide the request's address.
    it('falls back to the request location when the visitor location is empty', () => {
      for (const location of ['', { address: '' }]) {
        const body = newChat({ visitor: { id: 'v-1', location }, location: { address: 'Omsk' } });
        expect(varsOf(body).channel_visitor_location).toBe('Omsk');
      }
    });

    it('joins pre-chat visitor texts and pressed buttons with newlines, in order', () => {
      const messages = [
        { kind: 'visitor', text: 'Hello' },
        { kind: 'keyboard_response', response: { button: { id: 'hours', text: 'Opening hours' } } },
        { kind: 'visitor', text: 'and delivery?' },
      ];
      expect(inputOf(newChat({ messages }))).toStrictEqual({
        kind: 'chat_started',
        vars: CHAT_VARS,
        text: 'Hello\nOpening hours\nand delivery?',
      });
    });

    it('uses the button id for a pre-chat button without text', () => {
      const messages = [{ kind: 'keyboard_response', response: { button: { id: 'hours' } } }];
      expect(inputOf(newChat({ messages }))).toMatchObject({ text: 'hours' });
    });

    it('skips pre-chat messages of unknown kinds and whitespace-only texts', () => {
      const messages = [
        { kind: 'operator', text: 'Hi, I am the operator' },
        { kind: 'visitor', text: '  \n\t ' },
        { kind: 'file_visitor', url: 'https://example.com/a.png' },
        { kind: 'visitor', text: ' first ' },
        { kind: 'visitor', text: '' },
        { kind: 'visitor', text: 'second' },
      ];
      // Kept texts are not trimmed: only whether a text is blank is decided here.
      expect(inputOf(newChat({ messages }))).toMatchObject({ text: ' first \nsecond' });
    });

    it('omits the text when no pre-chat message has any', () => {
      for (const messages of [
        [],
        [
          { kind: 'visitor', text: ' ' },
          { kind: 'operator', text: 'x' },
        ],
      ]) {
        expect(inputOf(newChat({ messages }))).not.toHaveProperty('text');
      }
    });

    it('accepts unknown keys at every level', () => {
      const body = {
        event: 'new_chat',
        chat: { id: 'chat-1', created: 123, tags: ['a'] },
        visitor: { id: 'v-1', avatar: 'x.png', fields: { a: 1 } },
        messages: [{ kind: 'visitor', text: 'Hi', id: 'm-1', created_at: 5 }],
        bot: { id: 'b' },
        later_field: true,
      };
      expect(inputOf(body)).toStrictEqual({
        kind: 'chat_started',
        vars: { ...CHAT_VARS, channel_visitor_id: 'v-1' },
        text: 'Hi',
      });
    });

    it('accepts a chat id of exactly 256 characters, and one of 512 bytes', () => {
      for (const id of ['x'.repeat(256), 'я'.repeat(256), '😀'.repeat(128)]) {
        expect(parseWebimRequest({ event: 'new_chat', chat: { id } })).toMatchObject({
          chatId: id,
        });
      }
    });
  });

  describe('on new_message', () => {
    it('maps visitor text to a text input with the chat variables only', () => {
      const body = newMessage({ kind: 'visitor', text: '  hi there ', visitor: { id: 'v-1' } });
      expect(parseWebimRequest(body)).toStrictEqual({
        kind: 'turn',
        event: 'new_message',
        chatId: 'chat-1',
        input: { kind: 'text', text: '  hi there ', vars: CHAT_VARS },
      });
    });

    it('maps a keyboard_response to a button input with its id and text', () => {
      const body = newMessage({
        kind: 'keyboard_response',
        response: { button: { id: 'hours', text: 'Opening hours' } },
      });
      expect(inputOf(body)).toStrictEqual({
        kind: 'button',
        id: 'hours',
        text: 'Opening hours',
        vars: CHAT_VARS,
      });
    });

    it('uses the button id as its text when the button has none, or an empty one', () => {
      for (const button of [{ id: 'hours' }, { id: 'hours', text: '' }]) {
        const body = newMessage({ kind: 'keyboard_response', response: { button } });
        expect(inputOf(body)).toMatchObject({ kind: 'button', id: 'hours', text: 'hours' });
      }
    });

    it('answers a message of an unknown kind as unsupported, keeping the chat id', () => {
      const body = newMessage({ kind: 'file_visitor', data: { url: 'https://example.com/f' } });
      expect(parseWebimRequest(body)).toStrictEqual({
        kind: 'unsupported',
        event: 'new_message',
        chatId: 'chat-1',
        reason: 'unsupported_message',
      });
    });

    it('accepts unknown keys', () => {
      const body = newMessage({
        kind: 'visitor',
        text: 'hi',
        id: 'm-1',
        chat: { id: 'chat-1', x: 1 },
      });
      expect(inputOf(body)).toStrictEqual({ kind: 'text', text: 'hi', vars: CHAT_VARS });
    });
  });

  describe('on other events', () => {
    it('answers an unknown event as unsupported, with the chat id when there is one', () => {
      expect(parseWebimRequest({ event: 'chat_closed', chat: { id: 'chat-1' } })).toStrictEqual({
        kind: 'unsupported',
        event: 'chat_closed',
        chatId: 'chat-1',
        reason: 'unknown_event',
      });
    });

    it('drops a chat id that breaks the id rule, keeping only its short form for the log', () => {
      for (const id of ['x'.repeat(255 * 1024), 'lone\ud800', 'a\nb', '']) {
        const parsed = parseWebimRequest({ event: 'chat_closed', chat: { id } });
        expect(parsed).toStrictEqual({
          kind: 'unsupported',
          event: 'chat_closed',
          reason: 'unknown_event',
          refusedChatId: idForLog(id),
        });
      }
    });

    it('does not validate the rest of an unknown event, and drops a chat id that is not a string', () => {
      for (const body of [
        { event: 'x' },
        { event: 'x', chat: { id: 7 } },
        { event: 'x', chat: 1 },
      ]) {
        const parsed = parseWebimRequest(body);
        expect(parsed).toMatchObject({ kind: 'unsupported', event: 'x', reason: 'unknown_event' });
        expect(parsed.chatId).toBeUndefined();
      }
    });
  });

  describe('on malformed bodies', () => {
    it.each<[string, unknown]>([
      ['null', null],
      ['an array', [{ event: 'new_chat', chat: { id: 'c' } }]],
      ['a string', '{"event":"new_chat"}'],
      ['a number', 42],
    ])('rejects %s as a whole, with an empty path', (_name, body) => {
      expect(problemsOf(body)).toStrictEqual([
        { path: '', message: 'the body must be a JSON object' },
      ]);
    });

    it.each<[string, unknown, string]>([
      ['a missing event', { chat: { id: 'c' } }, 'event'],
      ['a non-string event', { event: 1, chat: { id: 'c' } }, 'event'],
      ['an empty event', { event: '', chat: { id: 'c' } }, 'event'],
      ['a missing chat', { event: 'new_chat' }, 'chat'],
      ['a chat that is not an object', { event: 'new_chat', chat: 'c' }, 'chat'],
      ['a numeric chat.id', { event: 'new_chat', chat: { id: 12 } }, 'chat.id'],
      ['an empty chat.id', { event: 'new_chat', chat: { id: '' } }, 'chat.id'],
      ['a 300-character chat.id', { event: 'new_chat', chat: { id: 'x'.repeat(300) } }, 'chat.id'],
      ['a chat.id on new_message', newMessage({ kind: 'visitor', text: 'a', chat: {} }), 'chat.id'],
      ['a chat.id of 513 bytes', { event: 'new_chat', chat: { id: '中'.repeat(171) } }, 'chat.id'],
      [
        'a chat.id of 200 astral characters',
        newChat({ chat: { id: '😀'.repeat(200) } }),
        'chat.id',
      ],
      [
        'a chat.id with a lone surrogate',
        newMessage({ kind: 'visitor', text: 'a', chat: { id: 'c\ud800' } }),
        'chat.id',
      ],
      ['a visitor.id with a lone surrogate', newChat({ visitor: { id: '\udc00' } }), 'visitor.id'],
      ['a visitor without id', newChat({ visitor: { firstname: 'Ann' } }), 'visitor.id'],
      ['a boolean phone', newChat({ visitor: { id: 'v', phone: true } }), 'visitor.phone'],
      ['a numeric firstname', newChat({ visitor: { id: 'v', firstname: 5 } }), 'visitor.firstname'],
      ['messages that are not an array', newChat({ messages: { kind: 'visitor' } }), 'messages'],
      [
        'a pre-chat visitor message without text',
        newChat({ messages: [{ kind: 'visitor', text: 'ok' }, { kind: 'visitor' }] }),
        'messages.1.text',
      ],
      ['a message without kind', newMessage({ text: 'hi' }), 'kind'],
      ['a visitor message without text', newMessage({ kind: 'visitor' }), 'text'],
      ['a visitor message with numeric text', newMessage({ kind: 'visitor', text: 5 }), 'text'],
      [
        'a keyboard_response without response',
        newMessage({ kind: 'keyboard_response' }),
        'response',
      ],
      [
        'a response without button',
        newMessage({ kind: 'keyboard_response', response: {} }),
        'response.button',
      ],
      [
        'a button without id',
        newMessage({ kind: 'keyboard_response', response: { button: { text: 'Hours' } } }),
        'response.button.id',
      ],
    ])('rejects %s at its path', (_name, body, path) => {
      const problems = problemsOf(body);
      expect(problems.length).toBeGreaterThan(0);
      expect(problems.map((p) => p.path)).toContain(path);
      for (const problem of problems) expect(problem.message).not.toBe('');
    });

    it('words problems without repeating the property name, and lists them in the message', () => {
      let caught: unknown;
      try {
        parseWebimRequest({ event: 'new_chat', chat: { id: 12 } });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(WebimRequestError);
      const error = caught as WebimRequestError;
      expect(error.name).toBe('WebimRequestError');
      expect(error.problems).toContainEqual({ path: 'chat.id', message: 'must be a string' });
      expect(error.message).toContain('chat.id: must be a string');
    });

    it('says what the id rule asks of an id', () => {
      expect(
        problemsOf(newMessage({ kind: 'visitor', text: 'a', chat: { id: 'c\ud800' } })),
      ).toEqual([
        { path: 'chat.id', message: 'must be well-formed Unicode (no unpaired surrogate)' },
      ]);
      expect(problemsOf(newChat({ chat: { id: 'x'.repeat(300) } }))).toEqual([
        { path: 'chat.id', message: 'must be 1 to 256 characters and at most 512 bytes in UTF-8' },
      ]);
      expect(problemsOf(newChat({ visitor: { id: 'a\u0000' } }))).toEqual([
        { path: 'visitor.id', message: 'must not contain control characters' },
      ]);
    });
  });
});

describe('toWebimResponse', () => {
  it('maps texts to operator messages and keyboards to keyboard messages, in order', () => {
    const buttons = [[{ id: 'hours', text: 'Opening hours' }], [{ id: 'op', text: 'Operator' }]];
    expect(
      toWebimResponse(
        [
          { type: 'text', text: 'Hi' },
          { type: 'keyboard', buttons },
          { type: 'text', text: 'Bye' },
        ],
        false,
      ),
    ).toStrictEqual({
      has_answer: true,
      messages: [
        { kind: 'operator', text: 'Hi' },
        { kind: 'keyboard', buttons },
        { kind: 'operator', text: 'Bye' },
      ],
    });
  });

  it('answers an empty turn with has_answer true and no messages', () => {
    expect(toWebimResponse([], false)).toStrictEqual({ has_answer: true, messages: [] });
  });

  it('answers a hand-off with exactly {has_answer: false}, dropping any messages', () => {
    // Webim does not show messages sent along a hand-off, so none may leak into the body.
    const response = toWebimResponse([{ type: 'text', text: 'Connecting you…' }], true);
    expect(response).toStrictEqual({ has_answer: false });
    expect(JSON.stringify(response)).toBe('{"has_answer":false}');
  });
});
