import { Global, Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { SharedEnv } from '@app/config';
import { COMMAND_REDIS } from '@app/redis';
import { AgentCache } from './agent-cache.service';
import { CatalogStore } from './catalog-store';
import { SecretStore } from './secret-store';

@Global()
@Module({
  providers: [
    {
      provide: CatalogStore,
      inject: [COMMAND_REDIS, SharedEnv],
      useFactory: (redis: Redis, env: SharedEnv) => new CatalogStore(redis, env.KEY_PREFIX),
    },
    {
      provide: SecretStore,
      inject: [COMMAND_REDIS, SharedEnv],
      useFactory: (redis: Redis, env: SharedEnv) => new SecretStore(redis, env.KEY_PREFIX),
    },
    AgentCache,
  ],
  exports: [CatalogStore, SecretStore, AgentCache],
})
export class CatalogModule {}
