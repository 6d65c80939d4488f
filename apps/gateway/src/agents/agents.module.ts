import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';
import { AgentTrainer } from './training/agent-trainer.service';

/** Training, storing and deleting agents. */
@Module({
  imports: [ChannelsModule],
  controllers: [AgentsController],
  providers: [AgentsService, AgentTrainer],
})
export class AgentsModule {}
