import type { Redis } from 'ioredis';

/** Fewer replicas than asked had a write when the wait ended: a failover now could lose it. */
export class ReplicasBehindError extends Error {
  constructor(
    readonly acked: number,
    readonly wanted: number,
    timeoutMs: number,
  ) {
    super(`${acked} of ${wanted} replica(s) acknowledged the write within ${timeoutMs} ms`);
    this.name = 'ReplicasBehindError';
  }
}

/**
 * Makes "accepted" mean "on the replicas too" (REDIS_MIN_REPLICAS_ACK): Redis replicates
 * asynchronously, so a write the master acknowledged and then died with is gone after a
 * failover. WAIT holds the connection that wrote until that many replicas have every write it
 * sent, and everything the master wrote before them (one replication stream), so it is sent on
 * the connection of the last write. Off (0), it costs nothing.
 */
export class ReplicaAck {
  constructor(
    readonly minReplicas: number,
    private readonly timeoutMs: number,
  ) {}

  get enabled(): boolean {
    return this.minReplicas > 0;
  }

  /** Resolves once enough replicas have `writer`'s writes; throws ReplicasBehindError if not. */
  async confirm(writer: Redis): Promise<void> {
    if (!this.enabled) return;
    const acked = await writer.wait(this.minReplicas, this.timeoutMs);
    if (acked < this.minReplicas) {
      throw new ReplicasBehindError(acked, this.minReplicas, this.timeoutMs);
    }
  }
}
