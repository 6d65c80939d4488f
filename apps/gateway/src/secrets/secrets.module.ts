import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { SecretReferences } from './secret-references';
import { SecretsController } from './secrets.controller';
import { SecretsService } from './secrets.service';

/** API keys and tokens that agents name: stored sealed, never shown. */
@Module({
  imports: [ChannelsModule],
  controllers: [SecretsController],
  providers: [SecretsService, SecretReferences],
})
export class SecretsModule {}
