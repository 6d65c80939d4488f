import { Module } from '@nestjs/common';
import { SecretBox } from '@app/catalog';
import { InstanceIdModule } from '../turns/instance-id.module';
import { ActivationChecks } from './activation-checks.service';
import { ChannelLifecycle } from './channel-lifecycle.service';
import { ChannelRegistry } from './channel-registry.service';
import { ChannelsController } from './channels.controller';
import { DemoSeeder } from './demo-seeder.service';
import { secretBoxProvider } from './secret-box.provider';

/** Webim channels: their management API, and the registry every other concern reads them from. */
@Module({
  imports: [InstanceIdModule],
  controllers: [ChannelsController],
  providers: [ChannelRegistry, ChannelLifecycle, ActivationChecks, secretBoxProvider, DemoSeeder],
  // The one SecretBox of the process: stored secrets are sealed with it as Webim passwords are.
  exports: [ChannelRegistry, SecretBox],
})
export class ChannelsModule {}
