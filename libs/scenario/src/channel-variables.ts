import type { Vars } from './vars';

/**
 * The variables a channel sets on the requests it brings, as far as the scenario language needs
 * them: templates may read them without a warning, and agent tests describe their visitor with
 * them. The channel's own library describes them (Webim's is @app/webim-protocol) and the
 * compiler and the test runner are given that description, so that this library names no
 * channel.
 */
export interface ChannelVariables {
  /** Every variable the channel may set. */
  readonly names: readonly string[];
  /** The `new_chat` fields of agent tests that describe the visitor, each with its variable. */
  readonly visitorFields: Readonly<Record<string, string>>;
  /** The variables of every request of the chat `chatId`. */
  chat(chatId: string): Vars;
  /** The variables a new chat's request sets for its visitor `visitorId`. */
  visitor(visitorId: string): Vars;
}

/** Variables the engine sets itself (run-turn.ts), whatever the channel. */
const ENGINE_VARIABLES: readonly string[] = ['client_message'];

/** An incoming request's data arrives as `event_<key>` variables. */
export const EVENT_VAR_PREFIX = 'event_';

export function isBuiltInVariable(name: string, channel: ChannelVariables): boolean {
  return (
    channel.names.includes(name) ||
    ENGINE_VARIABLES.includes(name) ||
    name.startsWith(EVENT_VAR_PREFIX)
  );
}

/** `event_<key>`, with every character a variable name cannot hold replaced by `_`. */
export function eventVarName(key: string): string {
  return EVENT_VAR_PREFIX + key.replace(/[^A-Za-z0-9_]/g, '_');
}

/** The chat every agent test runs in, and its visitor. */
const TEST_CHAT_ID = 'test-chat';
const TEST_VISITOR_ID = 'test-visitor';

/** Variables of every request of a test's chat. */
export function testChatVars(channel: ChannelVariables): Vars {
  return channel.chat(TEST_CHAT_ID);
}

/** Variables of a test's `new_chat`, before its visitor fields and vars. */
export function testNewChatVars(channel: ChannelVariables): Vars {
  return { ...channel.chat(TEST_CHAT_ID), ...channel.visitor(TEST_VISITOR_ID) };
}
