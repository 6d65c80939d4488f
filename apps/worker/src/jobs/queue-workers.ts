import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
  Type,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, ModuleRef } from '@nestjs/core';
import { Job, Queue, Worker } from 'bullmq';
import { WorkerEnv } from '@app/config';
import { watchWorker, workerOptions } from './worker-setup';

/** A provider that runs the jobs of one queue. */
export interface JobHandler {
  process(job: Job, token?: string): Promise<unknown>;
}

export interface QueueConsumer {
  handler: Type<JobHandler>;
  /** Names the queue in log lines: "<label> job failed". */
  label: string;
  /** Jobs of the queue one process runs at once. */
  concurrency: (env: WorkerEnv) => number;
}

/** Each queue the worker consumes, by name, and what consumes it. */
export type QueueConsumers = Record<string, QueueConsumer>;

const QUEUE_CONSUMERS = Symbol('QUEUE_CONSUMERS');

/**
 * The process's BullMQ workers, created here rather than by @nestjs/bullmq's @Processor, whose
 * options are fixed when the class is imported, before the settings are loaded: these take the
 * lock and concurrency from the validated WorkerEnv. Every queue the app registers must have a
 * consumer, or the worker refuses to start: a queue nobody consumes would fill up unnoticed.
 * Created in onModuleInit, so they are all here from onApplicationBootstrap on.
 */
@Injectable()
export class QueueWorkers implements OnModuleInit, OnApplicationShutdown {
  private workers: Worker[] = [];

  constructor(
    private readonly env: WorkerEnv,
    private readonly discovery: DiscoveryService,
    private readonly moduleRef: ModuleRef,
    @Inject(QUEUE_CONSUMERS) private readonly consumers: QueueConsumers,
  ) {}

  all(): Worker[] {
    return this.workers;
  }

  async onModuleInit(): Promise<void> {
    const queues = new Map<string, Queue>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as unknown;
      if (instance instanceof Queue) queues.set(instance.name, instance);
    }
    const unconsumed = [...queues.keys()].filter((name) => !Object.hasOwn(this.consumers, name));
    const unknown = Object.keys(this.consumers).filter((name) => !queues.has(name));
    if (unconsumed.length > 0 || unknown.length > 0) {
      throw new Error(
        [
          ...unconsumed.map((name) => `queue "${name}" has no consumer in the worker`),
          ...unknown.map(
            (name) => `the worker consumes "${name}", which is not a registered queue`,
          ),
        ].join('; '),
      );
    }
    this.workers = [...queues.values()].map((queue) => this.start(queue));
    await Promise.all(
      this.workers.map((worker) => {
        const consumer = this.consumers[worker.name];
        return watchWorker(worker, new Logger(consumer.handler.name), consumer.label);
      }),
    );
  }

  /** What it opened, it closes; WorkerDrain has normally closed them already (a no-op then). */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }

  private start(queue: Queue): Worker {
    const consumer = this.consumers[queue.name];
    const handler = this.moduleRef.get(consumer.handler, { strict: false });
    return new Worker(queue.name, (job, token) => handler.process(job, token), {
      // Redis and key prefix as the queue's, as @nestjs/bullmq gave its workers.
      connection: queue.opts.connection,
      prefix: queue.opts.prefix,
      ...workerOptions(this.env, consumer.concurrency(this.env)),
    });
  }
}

@Global()
@Module({})
export class QueueWorkersModule {
  static forConsumers(consumers: QueueConsumers): DynamicModule {
    return {
      module: QueueWorkersModule,
      imports: [DiscoveryModule],
      providers: [{ provide: QUEUE_CONSUMERS, useValue: consumers }, QueueWorkers],
      exports: [QueueWorkers],
    };
  }
}
