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
      imports: [InstanceIdModule, ChannelsModule, ...(inProcess ? [TurnEngineModule] : [])],
      providers: [
        { provide: TurnProducer, useClass: inProcess ? InProcessTurnProducer : BullmqTurnProducer },
        { provide: TurnDispatcher, useClass: dispatcher },
        ReplyListener,
      ],
      exports: [TurnDispatcher],
    };
  }
}
