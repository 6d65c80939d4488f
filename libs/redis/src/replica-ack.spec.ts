import type { Redis } from 'ioredis';
import { ReplicaAck, ReplicasBehindError } from './replica-ack';

// WAIT goes on the connection that wrote, with the count and timeout of the settings; fewer
// replicas than asked is an error the caller turns into "not accepted" or "run again".

describe('ReplicaAck', () => {
  const writer = (acked: number) => {
    const calls: [number, number][] = [];
    const client = {
      wait: (n: number, ms: number) => {
        calls.push([n, ms]);
        return Promise.resolve(acked);
      },
    };
    return { calls, client: client as unknown as Redis };
  };

  it('sends nothing when off', async () => {
    const { calls, client } = writer(0);
    await new ReplicaAck(0, 500).confirm(client);
    expect(calls).toEqual([]);
  });

  it('resolves once enough replicas acknowledged', async () => {
    const { calls, client } = writer(2);
    await new ReplicaAck(2, 300).confirm(client);
    expect(calls).toEqual([[2, 300]]);
  });

  it('throws ReplicasBehindError with the count when fewer did in time', async () => {
    const { client } = writer(1);
    const confirmed = new ReplicaAck(2, 300).confirm(client);
    await expect(confirmed).rejects.toBeInstanceOf(ReplicasBehindError);
    await expect(confirmed).rejects.toThrow(
      '1 of 2 replica(s) acknowledged the write within 300 ms',
    );
  });
});
