import { DynamicModule, Module } from '@nestjs/common';
import { SharedEnv } from './shared.env';

/**
 * Provides the app's settings, already loaded and validated by loadEnv in main.ts, under their
 * class (and SharedEnv) as the injection token. Nothing here reads the environment again, so
 * every consumer sees the very values the process started with.
 */
@Module({})
export class AppConfigModule {
  static forEnv<T extends SharedEnv>(cls: new () => T, env: T): DynamicModule {
    return {
      module: AppConfigModule,
      global: true,
      providers: [
        { provide: cls, useValue: env },
        // Shared libs depend on the variables every app has, whatever its own env class.
        { provide: SharedEnv, useExisting: cls },
      ],
      exports: [cls, SharedEnv],
    };
  }
}
