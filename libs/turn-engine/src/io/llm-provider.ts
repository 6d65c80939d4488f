/** Where `llm` steps go unless the agent's `llm:` block says otherwise. */
export interface LlmProvider {
  /** The OpenAI-compatible API's base URL (`…/v1`); Chat Completions is `{base}/chat/completions`. */
  baseUrl?: string;
  model?: string;
  /** The stored secret holding the provider's API key, sent as `Authorization: Bearer`. */
  keySecret?: string;
}
