import Ajv, { ErrorObject, JSONSchemaType, SchemaValidateFunction, ValidateFunction } from 'ajv';
import { idProblem } from '@app/ids';

// Webim External Bot API 1.0 requests (docs/webhook.md) as JSON Schema, compiled once by Ajv:
// the webhook validates every request, and class-validator's copy-then-walk of a DTO cost a
// tenth of the gateway's CPU per request. Unknown keys are accepted everywhere: Webim adds
// fields between releases, and rejecting them would hand chats off for nothing. Ids are opaque
// strings (UUIDs and 32-hex are seen) under the id rule of libs/ids; other bounds only stop
// abuse.
/** Button ids are the bot's own, echoed back by Webim. */
const BUTTON_ID_MAX = 256;
const FIELD_MAX = 4096;

export interface WebimChat {
  id: string;
}

/** Optional profile fields are strings in practice; numbers (a phone) are tolerated. */
export interface WebimVisitor {
  id: string;
  firstname?: string | null;
  lastname?: string | null;
  username?: string | null;
  email?: string | null;
  phone?: string | number | null;
  /** A string or an object (`{address: ...}` is seen); mapped to text either way. */
  location?: unknown;
}

/** A message as it appears flat in `new_message` and as an item of `new_chat.messages`. */
export interface WebimMessage {
  kind: string;
  text?: string;
  response?: { button: { id: string; text?: string | null } };
}

export interface WebimNewChat {
  event: 'new_chat';
  chat: WebimChat;
  visitor?: WebimVisitor | null;
  messages?: WebimMessage[] | null;
  location?: unknown;
}

export type WebimNewMessage = WebimMessage & { event: 'new_message'; chat: WebimChat };

/** A Webim id: the `webimId` keyword below applies the id rule. */
const id = { type: 'string', webimId: true } as const;
const profileField = { type: ['string', 'null'], maxLength: FIELD_MAX } as const;
const chat = { type: 'object', required: ['id'], properties: { id } } as const;

/** The kind decides what else a message must carry; other kinds carry nothing we read. */
const messageRules = {
  required: ['kind'],
  properties: { kind: { type: 'string', minLength: 1, maxLength: 64 } },
  allOf: [
    {
      if: { properties: { kind: { const: 'visitor' } } },
      then: { required: ['text'], properties: { text: { type: 'string' } } },
    },
    {
      if: { properties: { kind: { const: 'keyboard_response' } } },
      then: {
        required: ['response'],
        properties: {
          response: {
            type: 'object',
            required: ['button'],
            properties: {
              button: {
                type: 'object',
                required: ['id'],
                properties: {
                  id: { type: 'string', minLength: 1, maxLength: BUTTON_ID_MAX },
                  text: { type: ['string', 'null'] },
                },
              },
            },
          },
        },
      },
    },
  ],
} as const;

export const WEBIM_NEW_CHAT_SCHEMA = {
  type: 'object',
  required: ['event', 'chat'],
  properties: {
    event: { const: 'new_chat' },
    chat,
    visitor: {
      type: ['object', 'null'],
      required: ['id'],
      properties: {
        id,
        firstname: profileField,
        lastname: profileField,
        username: profileField,
        email: profileField,
        phone: { type: ['string', 'number', 'null'], maxLength: FIELD_MAX },
      },
    },
    messages: { type: ['array', 'null'], items: { type: 'object', ...messageRules } },
  },
} as const;

export const WEBIM_NEW_MESSAGE_SCHEMA = {
  type: 'object',
  ...messageRules,
  required: ['event', 'chat', ...messageRules.required],
  properties: { event: { const: 'new_message' }, chat, ...messageRules.properties },
} as const;

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

const ajv = new Ajv({ allErrors: true, strictTypes: false });
/** The id rule as a keyword, so that an id's problem is reported with every other one. */
const webimId: SchemaValidateFunction = (_schema: boolean, value: string) => {
  const problem = idProblem('webim', value);
  webimId.errors =
    problem === undefined ? [] : [{ keyword: 'webimId', message: problem, params: {} }];
  return problem === undefined;
};
ajv.addKeyword({
  keyword: 'webimId',
  type: 'string',
  schemaType: 'boolean',
  errors: true,
  validate: webimId,
});

const compile = <T>(schema: object): ValidateFunction<T> =>
  ajv.compile(schema as JSONSchemaType<T>);

const validators = {
  new_chat: compile<WebimNewChat>(WEBIM_NEW_CHAT_SCHEMA),
  new_message: compile<WebimNewMessage>(WEBIM_NEW_MESSAGE_SCHEMA),
};

/** The body as a request of `event`, or WebimRequestError with every problem found. */
export function validateWebimRequest(event: 'new_chat', body: object): WebimNewChat;
export function validateWebimRequest(event: 'new_message', body: object): WebimNewMessage;
export function validateWebimRequest(event: keyof typeof validators, body: object): object {
  const validate = validators[event];
  if (validate(body)) return body;
  throw new WebimRequestError(problems(validate.errors ?? []));
}

/** Ajv's errors as paths (`messages.1.text`) and short sentences, without its if/then noise. */
function problems(errors: ErrorObject[]): FieldProblem[] {
  return errors
    .filter((error) => error.keyword !== 'if')
    .map((error) => {
      const path = error.instancePath.slice(1).replaceAll('/', '.');
      if (error.keyword === 'required') {
        const missing = (error.params as { missingProperty: string }).missingProperty;
        return { path: path ? `${path}.${missing}` : missing, message: 'is required' };
      }
      return { path, message: problemMessage(error) };
    });
}

function problemMessage(error: ErrorObject): string {
  switch (error.keyword) {
    case 'type': {
      const types = ([] as string[]).concat((error.params as { type: string | string[] }).type);
      const named = types
        .filter((type) => type !== 'null')
        .map((type) => `${article(type)} ${type}`);
      return `must be ${named.join(' or ')}`;
    }
    case 'minLength':
      return `must be at least ${(error.params as { limit: number }).limit} characters long`;
    case 'maxLength':
      return `must be at most ${(error.params as { limit: number }).limit} characters long`;
    case 'const':
      return `must be "${String((error.params as { allowedValue: unknown }).allowedValue)}"`;
    default:
      return error.message ?? 'is invalid';
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? 'an' : 'a';
}
