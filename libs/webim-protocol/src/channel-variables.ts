import type { ChannelVariables } from '@app/scenario';
import type { WebimVisitor } from './webim-request';

// The channel variables a Webim request sets (docs/scenario-language.md lists them). A field
// that is absent from the request leaves its variable unset rather than set to "".

export function chatVariables(chatId: string): Record<string, string> {
  return { channel_conversation_id: chatId, channel_chat_id: `${chatId}|webim` };
}

/** The text of a location (a string, or an object's `address`); empty counts as absent. */
function locationText(location: unknown): string | undefined {
  const text =
    location && typeof location === 'object'
      ? (location as { address?: unknown }).address
      : location;
  return typeof text === 'string' && text !== '' ? text : undefined;
}

export function visitorVariables(
  visitor: WebimVisitor | undefined,
  requestLocation?: unknown,
): Record<string, string> {
  const vars: Record<string, string> = {};
  const put = (name: string, value: unknown) => {
    if (typeof value === 'string' && value !== '') vars[name] = value;
    else if (typeof value === 'number') vars[name] = String(value);
  };
  put('channel_visitor_id', visitor?.id);
  put('channel_visitor_firstname', visitor?.firstname);
  put('channel_visitor_lastname', visitor?.lastname);
  put('channel_visitor_account', visitor?.username);
  put('channel_visitor_phone', visitor?.phone);
  put('channel_visitor_email', visitor?.email);
  put('channel_visitor_location', locationText(visitor?.location) ?? locationText(requestLocation));
  return vars;
}

/**
 * Webim's variables as the agent compiler and test runner know them. An agent test's visitor
 * fields are named as in Webim's `visitor` object, and set what that object's field sets.
 */
export const WEBIM_CHANNEL_VARIABLES: ChannelVariables = {
  names: [
    'channel_conversation_id',
    'channel_chat_id',
    'channel_visitor_id',
    'channel_visitor_firstname',
    'channel_visitor_lastname',
    'channel_visitor_account',
    'channel_visitor_phone',
    'channel_visitor_email',
    'channel_visitor_location',
  ],
  visitorFields: {
    firstname: 'channel_visitor_firstname',
    lastname: 'channel_visitor_lastname',
    username: 'channel_visitor_account',
    phone: 'channel_visitor_phone',
    email: 'channel_visitor_email',
    location: 'channel_visitor_location',
  },
  chat: chatVariables,
  visitor: (id) => visitorVariables({ id }),
};
