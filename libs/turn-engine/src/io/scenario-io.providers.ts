import {
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleInit,
  Provider,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import { parseSecretsKey, SecretBox, SecretResolver, SecretStore } from '@app/catalog';
import { Egress, EgressEnv } from '@app/egress';
import { SUBSCRIBER_REDIS } from '@app/redis';
import { EgressScenarioIo } from './egress-scenario-io';
import { ScenarioIo } from './scenario-io';

/** What the port reads of the process's settings (the worker's WorkerEnv has them all). */
export interface ScenarioIoSettings extends EgressEnv {
  SECRETS_KEY?: string;
  LLM_BASE_URL?: string;
  LLM_MODEL?: string;
  LLM_API_KEY_SECRET?: string;
}

/** The process's secret resolver; null without SECRETS_KEY, when no secret can be read. */
export const SECRET_SOURCE = Symbol('SECRET_SOURCE');

/** Follows the catalog's changes while the app runs, so that a replaced secret is read anew. */
@Injectable()
class SecretSourceLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(SECRET_SOURCE) private readonly resolver: SecretResolver | null) {}

  async onModuleInit(): Promise<void> {
    await this.resolver?.start();
  }

  onApplicationShutdown(): void {
    this.resolver?.stop();
  }
}

export function scenarioIoProviders(env: ScenarioIoSettings): Provider[] {
  return [
    {
      provide: SECRET_SOURCE,
      inject: [SecretStore, SUBSCRIBER_REDIS],
      useFactory: (store: SecretStore, subscriber: Redis) => {
        const key = env.SECRETS_KEY ? parseSecretsKey(env.SECRETS_KEY) : null;
        if (key) return new SecretResolver(store, new SecretBox(key), subscriber);
        new Logger(ScenarioIo.name).warn(
          'SECRETS_KEY is not set: call and llm steps that name a secret will fail',
        );
        return null;
      },
    },
    SecretSourceLifecycle,
    {
      provide: ScenarioIo,
      inject: [Egress, SECRET_SOURCE],
      useFactory: (egress: Egress, secrets: SecretResolver | null) =>
        new EgressScenarioIo(
          egress,
          secrets,
          {
            baseUrl: env.LLM_BASE_URL,
            model: env.LLM_MODEL,
            keySecret: env.LLM_API_KEY_SECRET,
          },
          new Logger(ScenarioIo.name),
        ),
    },
  ];
}
