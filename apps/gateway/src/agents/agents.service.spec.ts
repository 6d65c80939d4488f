import { ConflictException, UnprocessableEntityException } from '@nestjs/common';
import type {
  AgentRecord,
  AgentTestSummary,
  AgentVersionRecord,
  CatalogStore,
  ChannelRecord,
} from '@app/catalog';
import type { ChannelRegistry } from '../channels/channel-registry.service';
import { refusal } from '../http/spec-helpers';
import { AgentNotTrained, AgentsService } from './agents.service';
import train from './training/agent-training-thread';
import type { AgentTrainer } from './training/agent-trainer.service';

const GREETER = ['start: a', 'branches:', '  a:', '    - say: "Hi"', '    - wait: {}'];
const source = (...lines: string[]) => [...GREETER, ...lines].join('\n') + '\n';
const PASSING = source(
  'tests:',
  '  - { name: greets, conversation: [{ new_chat: {}, bot: ["Hi"] }] }',
);
const FAILING = source(
  'tests:',
  '  - { name: greets, conversation: [{ new_chat: {}, bot: ["Hi"] }] }',
  '  - { name: wrong, conversation: [{ new_chat: {}, bot: ["Bye"] }] }',
);
const BROKEN = 'start: a\nbranches:\n  a:\n    - say: "x" y\n';

/** The catalog's agents and channels in memory, as CatalogStore keeps them in Redis. */
class FakeCatalog {
  readonly agents = new Map<string, AgentRecord>();
  readonly versions = new Map<string, AgentVersionRecord[]>();
  channels: Pick<ChannelRecord, 'id' | 'agentId'>[] = [];

  listChannels() {
    return Promise.resolve(this.channels);
  }

  listAgents() {
    const agents = [...this.agents.values()].sort((a, b) => a.id.localeCompare(b.id));
    return Promise.resolve(
      agents.map(({ id, version, trainedAt }) => ({ id, version, trainedAt })),
    );
  }

  getAgent(id: string) {
    return Promise.resolve(this.agents.get(id) ?? null);
  }

  agentVersions(id: string) {
    return Promise.resolve(this.versions.get(id) ?? []);
  }

  putAgent(id: string, source: string, tests: { report: unknown[]; summary: AgentTestSummary }) {
    const version = (this.agents.get(id)?.version ?? 0) + 1;
    const trainedAt = `2026-01-0${version}T00:00:00.000Z`;
    const record = { id, version, source, trainedAt, tests: tests.report };
    this.agents.set(id, record);
    this.versions.set(id, [
      { version, trainedAt, tests: tests.summary },
      ...(this.versions.get(id) ?? []),
    ]);
    return Promise.resolve(record);
  }

  deleteAgent(id: string) {
    this.versions.delete(id);
    return Promise.resolve(this.agents.delete(id));
  }
}

/** The training thread's function, run on the spec's own thread. */
const trainer = { train: (_agentId: string, source: string) => Promise.resolve(train(source)) };

class FakeRegistry {
  readonly trained: [string, number][] = [];

  agentTrained(agentId: string, version: number): void {
    this.trained.push([agentId, version]);
  }
}

describe('AgentsService', () => {
  let catalog: FakeCatalog;
  let registry: FakeRegistry;
  let agents: AgentsService;

  beforeEach(() => {
    catalog = new FakeCatalog();
    registry = new FakeRegistry();
    agents = new AgentsService(
      catalog as unknown as CatalogStore,
      registry as unknown as ChannelRegistry,
      trainer as unknown as AgentTrainer,
    );
  });

  it('trains and stores a good source with its test summary, and tells the registry', async () => {
    const trained = await agents.train('shop', PASSING);
    expect(trained).toEqual({
      id: 'shop',
      version: 1,
      trained: true,
      trainedAt: '2026-01-01T00:00:00.000Z',
      warnings: [],
      tests: [{ name: 'greets', passed: true, failures: [] }],
    });
    expect(catalog.agents.get('shop')).toMatchObject({ source: PASSING, tests: trained.tests });
    expect(catalog.versions.get('shop')).toEqual([
      { version: 1, trainedAt: trained.trainedAt, tests: { passed: 1, failed: 0 } },
    ]);
    expect(registry.trained).toEqual([['shop', 1]]);
  });

  it('stores a retraining as the next version', async () => {
    await agents.train('shop', PASSING);
    expect((await agents.train('shop', PASSING)).version).toBe(2);
    expect(registry.trained).toEqual([
      ['shop', 1],
      ['shop', 2],
    ]);
  });

  it('refuses a source that does not compile, with its errors, storing nothing', async () => {
    const refused = await agents.train('shop', BROKEN).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AgentNotTrained);
    expect(refused).toBeInstanceOf(UnprocessableEntityException);
    expect((refused as AgentNotTrained).getResponse()).toEqual({
      message: 'The agent has 1 error(s)',
      details: [expect.objectContaining({ severity: 'error', line: 4, column: 16 })],
    });
    expect(catalog.agents.size).toBe(0);
    expect(registry.trained).toEqual([]);
  });

  it('refuses a source whose tests fail, with the failing tests only, keeping the stored version', async () => {
    await agents.train('shop', PASSING);
    const refused = await agents.train('shop', FAILING).catch((error: unknown) => error);
    expect((refused as AgentNotTrained).getResponse()).toEqual({
      message: 'The agent compiles, but its tests fail',
      details: [expect.objectContaining({ name: 'wrong', passed: false })],
    });
    expect(catalog.agents.get('shop')).toMatchObject({ version: 1, source: PASSING });
    expect(registry.trained).toEqual([['shop', 1]]);
  });

  it('lists every agent with the channels that use it', async () => {
    await agents.train('shop', PASSING);
    await agents.train('idle', PASSING);
    catalog.channels = [
      { id: 'c1', agentId: 'shop' },
      { id: 'c2', agentId: 'other' },
      { id: 'c3', agentId: 'shop' },
    ];
    expect(await agents.list()).toEqual([
      { id: 'idle', version: 1, trainedAt: expect.any(String), channels: [] },
      { id: 'shop', version: 1, trainedAt: expect.any(String), channels: ['c1', 'c3'] },
    ]);
  });

  it('shows one agent with its source, versions, latest tests and channels', async () => {
    await agents.train('shop', PASSING);
    await agents.train('shop', PASSING);
    catalog.channels = [
      { id: 'c1', agentId: 'shop' },
      { id: 'c2', agentId: 'other' },
    ];
    expect(await agents.get('shop')).toEqual({
      id: 'shop',
      version: 2,
      trainedAt: '2026-01-02T00:00:00.000Z',
      channels: ['c1'],
      versions: [
        { version: 2, trainedAt: '2026-01-02T00:00:00.000Z', tests: { passed: 1, failed: 0 } },
        { version: 1, trainedAt: '2026-01-01T00:00:00.000Z', tests: { passed: 1, failed: 0 } },
      ],
      tests: [{ name: 'greets', passed: true, failures: [] }],
      source: PASSING,
    });
  });

  it('answers 404 for an unknown agent', async () => {
    expect(await refusal(agents.get('nope'))).toEqual([404, 'No agent "nope"']);
    expect(await refusal(agents.remove('nope'))).toEqual([404, 'No agent "nope"']);
  });

  it('refuses to delete an agent while a channel uses it, naming the channels', async () => {
    await agents.train('shop', PASSING);
    catalog.channels = [
      { id: 'c1', agentId: 'shop' },
      { id: 'c2', agentId: 'shop' },
    ];
    const refused = await agents.remove('shop').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConflictException);
    expect((refused as ConflictException).getResponse()).toEqual({
      message: 'Agent "shop" is used by 2 channel(s)',
      details: [{ channel: 'c1' }, { channel: 'c2' }],
    });
    expect(catalog.agents.has('shop')).toBe(true);
  });

  it('deletes an agent no channel uses', async () => {
    await agents.train('shop', PASSING);
    catalog.channels = [{ id: 'c1', agentId: 'other' }];
    await agents.remove('shop');
    expect(catalog.agents.has('shop')).toBe(false);
  });
});
