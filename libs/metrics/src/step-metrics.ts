import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import { outcomeName } from '@app/scenario';
import type { IoOutcome, IoRequest } from '@app/scenario';

/** A call's or a model's answer takes from milliseconds to the 60 s a step may wait. */
const STEP_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 10, 30, 60];

/** A model's name as a label: the provider says it, so it is cut and kept to plain characters. */
const MODEL_LABEL_MAX = 64;

/**
 * What the scenarios' `call` and `llm` steps did, by outcome as the scenario routes on it
 * (`ok`, `error`, `timeout`), and what the models were paid in tokens. Per target host, the
 * egress metrics (`webim_egress_*`) say the same of every request; these say it per kind of
 * step, in whichever process runs turns.
 */
@Injectable()
export class StepMetrics {
  private readonly requests: Counter<'step' | 'outcome'>;
  private readonly duration: Histogram<'step' | 'outcome'>;
  private readonly tokens: Counter<'model' | 'kind'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.requests = new Counter({
      name: 'webim_step_requests_total',
      help: 'Requests of call and llm steps, by step kind and outcome: ok, error, timeout.',
      labelNames: ['step', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'webim_step_request_duration_seconds',
      help: 'Time from a call or llm step sending its request to its outcome, secrets resolved included.',
      labelNames: ['step', 'outcome'],
      buckets: STEP_BUCKETS,
      registers,
    });
    this.tokens = new Counter({
      name: 'webim_llm_tokens_total',
      help: "Tokens of llm steps' requests as the provider counted them, by model and kind: prompt, completion.",
      labelNames: ['model', 'kind'],
      registers,
    });
    for (const step of ['call', 'llm'])
      for (const outcome of ['ok', 'error', 'timeout']) this.requests.inc({ step, outcome }, 0);
  }

  requestEnded(request: IoRequest, outcome: IoOutcome, seconds: number): void {
    const labels = { step: request.kind, outcome: outcomeName(outcome) };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
    if (outcome.kind === 'text' && outcome.usage) {
      const { model, promptTokens, completionTokens } = outcome.usage;
      const label = modelLabel(model);
      this.tokens.inc({ model: label, kind: 'prompt' }, promptTokens);
      this.tokens.inc({ model: label, kind: 'completion' }, completionTokens);
    }
  }
}

function modelLabel(model: string): string {
  const plain = model.replace(/[^\w.:/-]/g, '_').slice(0, MODEL_LABEL_MAX);
  return plain === '' ? 'unknown' : plain;
}
