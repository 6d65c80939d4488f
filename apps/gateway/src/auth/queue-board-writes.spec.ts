import type { HookContext } from '@bull-board/api/typings/app';
import { queueBoardWrites } from './queue-board-writes';

describe('queueBoardWrites', () => {
  const states: Record<string, string> = { f1: 'failed', c1: 'completed', w1: 'waiting' };
  const queue = {
    getJob: async (id: string) => (id in states ? { getState: async () => states[id] } : undefined),
  };
  const decide = queueBoardWrites(['retryable']);
  const context = (method: string, route: string, params: Record<string, string>) =>
    ({
      method,
      route,
      request: {
        params,
        queues: new Map([
          ['retryable', queue],
          ['fixed', queue],
        ]),
      },
    }) as unknown as HookContext;
  const allowed = async (method: string, route: string, params: Record<string, string> = {}) =>
    (await decide(context(method, route, params))) === undefined;

  it('lets every read through', async () => {
    expect(await allowed('get', '/api/queues')).toBe(true);
    expect(
      await allowed('get', '/api/queues/:queueName/:jobId', { queueName: 'fixed', jobId: 'f1' }),
    ).toBe(true);
  });

  it('retries failed jobs of a retryable queue, one or all', async () => {
    const all = '/api/queues/:queueName/retry/:queueStatus';
    const one = '/api/queues/:queueName/:jobId/retry';
    expect(await allowed('put', all, { queueName: 'retryable', queueStatus: 'failed' })).toBe(true);
    expect(await allowed('put', one, { queueName: 'retryable', jobId: 'f1' })).toBe(true);
    // Never a completed job, a job in another state or a missing one.
    expect(await allowed('put', all, { queueName: 'retryable', queueStatus: 'completed' })).toBe(
      false,
    );
    expect(await allowed('put', one, { queueName: 'retryable', jobId: 'c1' })).toBe(false);
    expect(await allowed('put', one, { queueName: 'retryable', jobId: 'w1' })).toBe(false);
    expect(await allowed('put', one, { queueName: 'retryable', jobId: 'none' })).toBe(false);
    // Nor any job of another queue.
    expect(await allowed('put', all, { queueName: 'fixed', queueStatus: 'failed' })).toBe(false);
    expect(await allowed('put', one, { queueName: 'fixed', jobId: 'f1' })).toBe(false);
  });

  it("refuses every other write, with 405 and the board's read-only message", async () => {
    const writes: [string, string, Record<string, string>][] = [
      ['post', '/api/queues/:queueName/add', { queueName: 'retryable' }],
      ['put', '/api/queues/:queueName/pause', { queueName: 'retryable' }],
      ['put', '/api/queues/:queueName/obliterate', { queueName: 'retryable' }],
      [
        'put',
        '/api/queues/:queueName/clean/:queueStatus',
        { queueName: 'retryable', queueStatus: 'failed' },
      ],
      ['put', '/api/queues/:queueName/:jobId/promote', { queueName: 'retryable', jobId: 'f1' }],
      [
        'patch',
        '/api/queues/:queueName/:jobId/update-data',
        { queueName: 'retryable', jobId: 'f1' },
      ],
      ['put', '/api/queues/pause', {}],
      ['put', '/api/queues/resume', {}],
    ];
    for (const [method, route, params] of writes) {
      expect([route, await decide(context(method, route, params))]).toEqual([
        route,
        expect.objectContaining({ allow: false, status: 405, errorKey: 'ERRORS.QUEUE_READ_ONLY' }),
      ]);
    }
  });
});
