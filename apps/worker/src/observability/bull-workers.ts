import { WorkerHost } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Worker } from 'bullmq';

/**
 * The process's BullMQ workers, one per @Processor, found the way @nestjs/bullmq finds them:
 * health and metrics follow every queue this app consumes without a list to keep in step.
 * Available from onApplicationBootstrap (the workers are created in onModuleInit).
 */
@Injectable()
export class BullWorkers {
  constructor(private readonly discovery: DiscoveryService) {}

  all(): Worker[] {
    return this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost)
      .map((host) => host.worker);
  }
}
