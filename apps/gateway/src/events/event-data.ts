export const MAX_EVENT_DATA_KEYS = 50;
export const MAX_EVENT_VALUE_LENGTH = 4096;

/** An event's data as the branch's variables, or why it cannot be. */
export type EventVariables = { variables: Record<string, string> } | { refused: string };

/**
 * Flat scalars only, stored as text: a value becomes the variable `event_<key>`, and a
 * scenario's variables are strings. The first offending key is named.
 */
export function eventVariables(data: Record<string, unknown> | undefined): EventVariables {
  const entries = Object.entries(data ?? {});
  if (entries.length > MAX_EVENT_DATA_KEYS) {
    return { refused: `data may have at most ${MAX_EVENT_DATA_KEYS} keys` };
  }
  const variables: [string, string][] = [];
  for (const [key, value] of entries) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      return { refused: `data.${key} must be a string, a number or a boolean` };
    }
    const text = String(value);
    if (text.length > MAX_EVENT_VALUE_LENGTH) {
      return { refused: `data.${key} is longer than ${MAX_EVENT_VALUE_LENGTH} characters` };
    }
    variables.push([key, text]);
  }
  return { variables: Object.fromEntries(variables) };
}
