import { ConfigValidationError, validateEnv } from './validate-env';
import { WorkerEnv } from './worker.env';

// The worker's settings include egress's and those of the requests it sends; all of them are
// validated with the rest, in one pass, and a secret is never echoed.

describe('WorkerEnv', () => {
  const problems = (raw: Record<string, string>): string[] => {
    try {
      validateEnv(WorkerEnv, raw);
      return [];
    } catch (error) {
      return (error as ConfigValidationError).problems;
    }
  };

  it('takes the egress, secrets and LLM settings with their defaults', () => {
    const env = validateEnv(WorkerEnv, {
      EGRESS_ALLOWED_HOSTS: 'api.shop.example, 127.0.0.1:4000',
      EGRESS_ALLOWED_PRIVATE: '127.0.0.1',
      SECRETS_KEY: 'ab'.repeat(32),
      LLM_BASE_URL: 'https://api.openai.com/v1',
      LLM_MODEL: 'gpt-4o-mini',
      LLM_API_KEY_SECRET: 'OPENAI_KEY',
    });
    expect(env).toMatchObject({
      EGRESS_ALLOWED_HOSTS: 'api.shop.example, 127.0.0.1:4000',
      EGRESS_DEADLINE_MARGIN_MS: 250,
      PROACTIVE_CALL_MAX_MS: 10_000,
      WORKER_CONCURRENCY: 500,
      LLM_API_KEY_SECRET: 'OPENAI_KEY',
    });
    expect(validateEnv(WorkerEnv, {}).SECRETS_KEY).toBeUndefined();
  });

  it('reports every bad setting at once, the key without its value', () => {
    const found = problems({
      EGRESS_ALLOWED_HOSTS: 'http://not-a-host/',
      SECRETS_KEY: 'short-key-value',
      LLM_BASE_URL: 'ftp://models',
      LLM_API_KEY_SECRET: 'not a name',
      PROACTIVE_CALL_MAX_MS: '600000',
    });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual([
      'EGRESS_ALLOWED_HOSTS',
      'LLM_API_KEY_SECRET',
      'LLM_BASE_URL',
      'PROACTIVE_CALL_MAX_MS',
      'SECRETS_KEY',
    ]);
    expect(found.join('\n')).not.toContain('short-key-value');
  });
});
