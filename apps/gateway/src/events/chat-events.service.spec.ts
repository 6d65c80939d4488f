import type { JobsOptions, Queue } from 'bullmq';
import type { AgentCache, ChannelRecord } from '@app/catalog';
import {
  ConversationStore,
  eventJobId,
  ProactiveJobData,
  proactiveJobOptions,
} from '@app/conversation';
import { ReplicaAck } from '@app/redis';
import type { ChannelRegistry } from '../channels/channel-registry.service';
import { refusal } from '../http/spec-helpers';
import { ChatEventsService } from './chat-events.service';

class FakeRegistry {
  readonly channels = new Map<string, Pick<ChannelRecord, 'id' | 'agentId'>>([
    ['shop', { id: 'shop', agentId: 'seller' }],
  ]);
  readonly versions = new Map([['seller', 3]]);

  get(channelId: string) {
    return this.channels.get(channelId);
  }

  agentVersion(agentId: string): number {
    return this.versions.get(agentId) ?? 0;
  }
}

/** Each agent's declared events; `asked` records the minimum version each lookup asked for. */
class FakeAgentCache {
  readonly events = new Map([['seller', { shipped: 'on_shipped' }]]);
  readonly asked: [string, number][] = [];

  get(agentId: string, minVersion: number) {
    this.asked.push([agentId, minVersion]);
    const events = this.events.get(agentId);
    return Promise.resolve(events ? { id: agentId, version: minVersion, agent: { events } } : null);
  }
}

class FakeConversations {
  readonly chats = new Set(['shop/c1']);

  exists(channelId: string, chatId: string) {
    return Promise.resolve(this.chats.has(`${channelId}/${chatId}`));
  }
}

/** Like BullMQ: adding a job id that is already there keeps the first job. */
class FakeQueue {
  readonly jobs = new Map<string, { name: string; data: ProactiveJobData; opts: JobsOptions }>();
  /** Replicas the queue's connection's WAIT answers, and the WAITs it was sent. */
  acked = 1;
  readonly waits: [number, number][] = [];
  readonly backend = {
    client: Promise.resolve({
      wait: (n: number, ms: number) => {
        this.waits.push([n, ms]);
        return Promise.resolve(this.acked);
      },
    }),
  };

  add(name: string, data: ProactiveJobData, opts: JobsOptions) {
    if (!this.jobs.has(opts.jobId!)) this.jobs.set(opts.jobId!, { name, data, opts });
    return Promise.resolve({ id: opts.jobId });
  }
}

describe('ChatEventsService', () => {
  let registry: FakeRegistry;
  let agents: FakeAgentCache;
  let conversations: FakeConversations;
  let queue: FakeQueue;
  let events: ChatEventsService;

  beforeEach(() => {
    registry = new FakeRegistry();
    agents = new FakeAgentCache();
    conversations = new FakeConversations();
    queue = new FakeQueue();
    events = new ChatEventsService(
      registry as unknown as ChannelRegistry,
      agents as unknown as AgentCache,
      conversations as unknown as ConversationStore,
      queue as unknown as Queue<ProactiveJobData>,
    );
  });

  it("adds the event's job with its data as text, the event options and the key's id", async () => {
    const shipped = { name: 'shipped', data: { order_id: 7, note: 'fast' } };
    const { id } = await events.enqueue('shop', 'c1', shipped, 'order-7');
    expect(id).toBe(eventJobId('shop', 'c1', 'order-7'));
    expect([...queue.jobs.values()]).toEqual([
      {
        name: 'event',
        data: {
          v: 1,
          kind: 'event',
          channelId: 'shop',
          chatId: 'c1',
          agentId: 'seller',
          name: 'shipped',
          data: { order_id: '7', note: 'fast' },
        },
        opts: { ...proactiveJobOptions('event'), jobId: id },
      },
    ]);
  });

  it("looks the agent up at the registry's newest version", async () => {
    await events.enqueue('shop', 'c1', { name: 'shipped' });
    expect(agents.asked).toEqual([['seller', 3]]);
  });

  it('gives a reused Idempotency-Key the same id and adds one job', async () => {
    const first = await events.enqueue('shop', 'c1', { name: 'shipped' }, 'k');
    const again = await events.enqueue('shop', 'c1', { name: 'shipped' }, 'k');
    expect(again).toEqual(first);
    expect(queue.jobs.size).toBe(1);
  });

  it('gives each request without a key a job of its own', async () => {
    const first = await events.enqueue('shop', 'c1', { name: 'shipped' });
    const second = await events.enqueue('shop', 'c1', { name: 'shipped' });
    expect(first.id).not.toBe(second.id);
    expect(first.id.startsWith(eventJobId('shop', 'c1', ''))).toBe(true);
    expect(queue.jobs.size).toBe(2);
  });

  it('answers 404 for an unknown channel, before looking at the data', async () => {
    expect(
      await refusal(events.enqueue('nope', 'c1', { name: 'shipped', data: { nested: {} } })),
    ).toEqual([404, 'No channel "nope"']);
    expect(queue.jobs.size).toBe(0);
  });

  it('answers 400 for data that is not flat scalars', async () => {
    expect(
      await refusal(events.enqueue('shop', 'c1', { name: 'shipped', data: { nested: { a: 1 } } })),
    ).toEqual([400, 'data.nested must be a string, a number or a boolean']);
    expect(queue.jobs.size).toBe(0);
  });

  it("answers 404 for an event the channel's agent does not declare, or a missing agent", async () => {
    expect(await refusal(events.enqueue('shop', 'c1', { name: 'refunded' }))).toEqual([
      404,
      `The channel's agent declares no event "refunded"`,
    ]);
    agents.events.clear();
    expect(await refusal(events.enqueue('shop', 'c1', { name: 'shipped' }))).toEqual([
      404,
      `The channel's agent declares no event "shipped"`,
    ]);
    expect(queue.jobs.size).toBe(0);
  });

  it('answers 404 for a chat with no conversation', async () => {
    expect(await refusal(events.enqueue('shop', 'c2', { name: 'shipped' }))).toEqual([
      404,
      'No conversation in chat "c2"',
    ]);
    expect(queue.jobs.size).toBe(0);
  });

  it('answers 400 for an Idempotency-Key that is empty, too long or not visible ASCII', async () => {
    for (const key of ['', 'a'.repeat(129), 'with space', 'ключ']) {
      expect(await refusal(events.enqueue('shop', 'c1', { name: 'shipped' }, key))).toEqual([
        400,
        'Idempotency-Key must be 1 to 128 visible ASCII characters',
      ]);
    }
    expect(queue.jobs.size).toBe(0);
    await events.enqueue('shop', 'c1', { name: 'shipped' }, 'a'.repeat(128));
    expect(queue.jobs.size).toBe(1);
  });

  describe('with REDIS_MIN_REPLICAS_ACK', () => {
    const withReplicas = () =>
      new ChatEventsService(
        registry as unknown as ChannelRegistry,
        agents as unknown as AgentCache,
        conversations as unknown as ConversationStore,
        queue as unknown as Queue<ProactiveJobData>,
        new ReplicaAck(1, 250),
      );

    it('accepts once the replicas have the job, waiting on the connection that added it', async () => {
      expect(await withReplicas().enqueue('shop', 'c1', { name: 'shipped' }, 'k1')).toEqual({
        id: eventJobId('shop', 'c1', 'k1'),
      });
      expect(queue.waits).toEqual([[1, 250]]);
    });

    it('answers 503 when they do not have it in time, for a retry with the same key', async () => {
      queue.acked = 0;
      expect(
        await refusal(withReplicas().enqueue('shop', 'c1', { name: 'shipped' }, 'k1')),
      ).toEqual([
        503,
        'The request was not replicated in time; retry it with the same Idempotency-Key',
      ]);
    });

    it('sends no WAIT when off', async () => {
      await events.enqueue('shop', 'c1', { name: 'shipped' }, 'k1');
      expect(queue.waits).toEqual([]);
    });
  });
});
