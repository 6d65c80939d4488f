import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { AgentsController } from './agents.controller';

/** Training, storing and deleting agents. */
@Module({
  imports: [ChannelsModule],
  controllers: [AgentsController],
})
export class AgentsModule {}
