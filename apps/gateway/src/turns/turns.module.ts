import { DynamicModule, Module, Type } from '@nestjs/common';
import type { GatewayEnv } from '@app/config';
import { TurnEngineModule } from '@app/turn-engine';
import { ChannelsModule } from '../channels/channels.module';
import { BullmqTurnProducer } from './bullmq-turn-producer';
import { InProcessTurnProducer } from './in-process-turn-producer';
import { InstanceIdModule } from './instance-id.module';
import { ReplyListener } from './reply-listener.service';
import { TurnDispatcher } from './turn-dispatcher.service';
import { TurnProducer } from './turn-producer';

/**
 * Turns run here send no requests: call and llm steps are a worker's, which has the egress
 * settings and the secrets' key. Here they fail, taking their `error` branch or handing off.
 */
const IN_PROCESS_ENGINE = TurnEngineModule.withoutIo(
  'call and llm steps are sent by workers only (TURN_DRIVER=bullmq)',
);

/** What the webhook needs of whatever stands in the TurnDispatcher's place. */
export type TurnDispatcherClass = Type<Pick<TurnDispatcher, 'answer' | 'refuse'>>;

/** A Webim request as a turn, and its reply or hand-off within the reply budget. */
@Module({})
export class TurnsModule {
  /** Turns go to the workers through BullMQ, or run in this process (TURN_DRIVER). */
  static register(
    env: Pick<GatewayEnv, 'TURN_DRIVER'>,
    dispatcher: TurnDispatcherClass = TurnDispatcher,
  ): DynamicModule {
    const inProcess = env.TURN_DRIVER === 'in-process';
    return {
      module: TurnsModule,
      imports: [InstanceIdModule, ChannelsModule, ...(inProcess ? [IN_PROCESS_ENGINE] : [])],
      providers: [
        { provide: TurnProducer, useClass: inProcess ? InProcessTurnProducer : BullmqTurnProducer },
        { provide: TurnDispatcher, useClass: dispatcher },
        ReplyListener,
      ],
      exports: [TurnDispatcher],
    };
  }
}
