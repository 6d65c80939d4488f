import type { EgressOutcome, EgressRequest } from '@app/egress';
import type { IoOutcome, IoRequest } from '@app/scenario';
import { secretsOf, toEgressRequest } from './egress-request';
import { toIoOutcome } from './io-outcome';
import type { LlmProvider } from './llm-provider';
import { IoBudget, ScenarioIo } from './scenario-io';

/** What the port sends through: `Egress` fits. */
export interface EgressPort {
  send(request: EgressRequest): Promise<EgressOutcome>;
}

/** Secrets' values by name: `SecretResolver` fits. Throws naming what it cannot resolve. */
export interface SecretSource {
  resolve(names: string[]): Promise<Map<string, string>>;
}

export interface IoLog {
  warn(fields: object, message: string): void;
}

/**
 * Sends a scenario's requests through egress, with the secrets they name resolved just before
 * and never written back: not into the outcome, not into a log line. Without a secret source
 * (no SECRETS_KEY) a request that names a secret fails as `error`; the others go out.
 */
export class EgressScenarioIo extends ScenarioIo {
  constructor(
    private readonly egress: EgressPort,
    private readonly secrets: SecretSource | null,
    private readonly provider: LlmProvider,
    private readonly log: IoLog,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  async perform(request: IoRequest, budget: IoBudget): Promise<IoOutcome> {
    const names = secretsOf(request, this.provider);
    let values = new Map<string, string>();
    if (names.length > 0) {
      if (!this.secrets) {
        this.log.warn(
          { step: request.kind, secrets: names },
          'A request names secrets, but SECRETS_KEY is not set',
        );
        return { kind: 'error', message: 'secrets cannot be read: SECRETS_KEY is not set' };
      }
      try {
        values = await this.secrets.resolve(names);
      } catch (error) {
        // The resolver's messages name secrets, never values.
        const message = (error as Error).message;
        this.log.warn(
          { step: request.kind, err: message },
          'A request’s secrets could not be resolved',
        );
        return { kind: 'error', message };
      }
    }
    const prepared = toEgressRequest(request, {
      secrets: values,
      provider: this.provider,
      deadline: budget.deadline,
      now: this.now(),
    });
    if ('problem' in prepared) {
      this.log.warn({ step: request.kind, problem: prepared.problem }, 'A request cannot be sent');
      return { kind: 'error', message: prepared.problem };
    }
    const outcome = await this.egress.send(prepared.request);
    return toIoOutcome(request, outcome, values.values());
  }
}
