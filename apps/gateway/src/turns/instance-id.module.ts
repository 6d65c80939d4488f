import { Module } from '@nestjs/common';
import { INSTANCE_ID, instanceIdProvider } from './instance-id';

/**
 * The id of this gateway process, in a module of its own: the turns name their reply channel
 * after it and the channel registry acknowledges configurations under it, and neither of those
 * modules may depend on the other for it (the turns need the registry).
 */
@Module({
  providers: [instanceIdProvider],
  exports: [INSTANCE_ID],
})
export class InstanceIdModule {}
