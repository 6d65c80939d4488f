import { Registry } from 'prom-client';
import type { IoRequest } from '@app/scenario';
import { StepMetrics } from './step-metrics';

const LLM: IoRequest = { kind: 'llm', mode: 'reply', messages: [], detach: false, secrets: [] };

describe('StepMetrics', () => {
  it("counts an llm answer's tokens by the model its provider named, as a plain label", async () => {
    const registry = new Registry();
    const metrics = new StepMetrics(registry);
    const usage = { model: 'gpt-4o-mini"\n{evil}', promptTokens: 120, completionTokens: 30 };
    metrics.requestEnded(LLM, { kind: 'text', text: 'hi', usage }, 0.8);
    metrics.requestEnded(LLM, { kind: 'text', text: 'hi', usage: { ...usage, model: '' } }, 0.2);
    const text = await registry.metrics();
    expect(text).toContain('webim_llm_tokens_total{model="gpt-4o-mini___evil_",kind="prompt"} 120');
    expect(text).toContain(
      'webim_llm_tokens_total{model="gpt-4o-mini___evil_",kind="completion"} 30',
    );
    expect(text).toContain('webim_llm_tokens_total{model="unknown",kind="prompt"} 120');
    expect(text).toContain('webim_step_requests_total{step="llm",outcome="ok"} 2');
    expect(text).toContain(
      'webim_step_request_duration_seconds_bucket{le="1",step="llm",outcome="ok"} 2',
    );
  });
});
