import type { IoOutcome, IoRequest } from '@app/scenario';

/** How long a request may take: its turn's deadline (epoch ms), which no request outlives. */
export interface IoBudget {
  deadline: number;
}

/**
 * Answers a scenario's request for I/O (a `call` or an `llm` step) with its outcome. Never
 * throws for anything that can happen to the request: a failure is an `error` or `timeout`
 * outcome, which the scenario routes like any other.
 */
export abstract class ScenarioIo {
  abstract perform(request: IoRequest, budget: IoBudget): Promise<IoOutcome>;
}

/**
 * The port of a process that does not send requests (a gateway running turns itself): every
 * request fails, so the scenario takes its `error` branch or hands the chat off.
 */
export class UnavailableScenarioIo extends ScenarioIo {
  constructor(private readonly why: string) {
    super();
  }

  perform(): Promise<IoOutcome> {
    return Promise.resolve({ kind: 'error', message: this.why });
  }
}
