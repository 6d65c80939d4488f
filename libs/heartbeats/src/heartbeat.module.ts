import { Global, Module } from '@nestjs/common';
import { HeartbeatReader } from './heartbeat-reader.service';
import { Heartbeat } from './heartbeat.service';

/** This process's heartbeat, and the reader of every process's. */
@Global()
@Module({ providers: [Heartbeat, HeartbeatReader], exports: [Heartbeat, HeartbeatReader] })
export class HeartbeatModule {}
