import { Logger, Provider } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { parseSecretsKey, SecretBox } from '@app/catalog';
import { GatewayEnv } from '@app/config';

/**
 * SECRETS_KEY seals stored Webim passwords and secrets (API keys). Production requires it (config validation says so);
 * in development a key for the process's lifetime keeps the quick start free of setup.
 */
export const secretBoxProvider: Provider = {
  provide: SecretBox,
  inject: [GatewayEnv],
  useFactory: (env: GatewayEnv) => {
    const key = env.SECRETS_KEY ? parseSecretsKey(env.SECRETS_KEY) : null;
    if (key) return new SecretBox(key);
    new Logger(SecretBox.name).warn(
      'SECRETS_KEY is not set: Webim passwords and secrets saved now cannot be read after a restart',
    );
    return new SecretBox(randomBytes(32));
  },
};
