// Variables the channel sets on its own (see the Webim mapping in libs/webim-protocol) and
// those the engine sets, so the compiler knows they exist without the agent setting them.

export const CHANNEL_VARIABLES: readonly string[] = [
  'channel_conversation_id',
  'channel_chat_id',
  'channel_visitor_id',
  'channel_visitor_firstname',
  'channel_visitor_lastname',
  'channel_visitor_account',
  'channel_visitor_phone',
  'channel_visitor_email',
  'channel_visitor_location',
  'client_message',
];

/** An incoming request's data arrives as `event_<key>` variables. */
export const EVENT_VAR_PREFIX = 'event_';

export function isBuiltInVariable(name: string): boolean {
  return CHANNEL_VARIABLES.includes(name) || name.startsWith(EVENT_VAR_PREFIX);
}

/** `event_<key>`, with every character a variable name cannot hold replaced by `_`. */
export function eventVarName(key: string): string {
  return EVENT_VAR_PREFIX + key.replace(/[^A-Za-z0-9_]/g, '_');
}

/** A test's `new_chat` visitor fields and the channel variables Webim maps them to. */
export const VISITOR_FIELDS: Readonly<Record<string, string>> = {
  firstname: 'channel_visitor_firstname',
  lastname: 'channel_visitor_lastname',
  username: 'channel_visitor_account',
  phone: 'channel_visitor_phone',
  email: 'channel_visitor_email',
  location: 'channel_visitor_location',
};

/** The chat every agent test runs in, as Webim would describe it. */
export const TEST_CHAT_ID = 'test-chat';

/** Variables of every request of a test's chat. */
export const TEST_CHAT_VARS: Readonly<Record<string, string>> = {
  channel_conversation_id: TEST_CHAT_ID,
  channel_chat_id: `${TEST_CHAT_ID}|webim`,
};

/** Variables of a test's `new_chat`, before its visitor fields and vars. */
export const TEST_NEW_CHAT_VARS: Readonly<Record<string, string>> = {
  ...TEST_CHAT_VARS,
  channel_visitor_id: 'test-visitor',
};
