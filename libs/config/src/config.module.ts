import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { validateEnv } from './validate-env';
import { SharedEnv } from './shared.env';

const VALIDATED = '__validated_env';

/**
 * Loads `.env` (if present) and the process environment once, validates them against the app's
 * env class, and provides the validated instance under that class (and SharedEnv) as the
 * injection token.
 */
@Module({})
export class AppConfigModule {
  static forEnv<T extends SharedEnv>(cls: new () => T): DynamicModule {
    return {
      module: AppConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          cache: true,
          validate: (raw) => ({ [VALIDATED]: validateEnv(cls, raw as Record<string, string>) }),
        }),
      ],
      providers: [
        {
          provide: cls,
          inject: [ConfigService],
          useFactory: (c: ConfigService) => c.get(VALIDATED),
        },
        // Shared libs depend on the variables every app has, whatever its own env class.
        { provide: SharedEnv, useExisting: cls },
      ],
      exports: [cls, SharedEnv],
    };
  }
}
