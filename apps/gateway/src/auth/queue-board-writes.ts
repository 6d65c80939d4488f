import type { BeforeHookResult, HookContext } from '@bull-board/api/typings/app';

/** Bull Board's API routes, as it declares them (relative to the board's prefix). */
const RETRY_ALL_ROUTE = '/api/queues/:queueName/retry/:queueStatus';
const RETRY_JOB_ROUTE = '/api/queues/:queueName/:jobId/retry';

const REFUSED: BeforeHookResult = {
  allow: false,
  status: 405,
  errorKey: 'ERRORS.QUEUE_READ_ONLY',
  message: 'The board only reads, except for retrying failed jobs of the queues that allow it',
};

/**
 * What the board may change: nothing but retrying *failed* jobs of `retryable` queues, one or
 * all of them. Every read is allowed; every other write (add, pause, resume, clean, empty,
 * obliterate, promote, edit a job's data, delay or priority, concurrency, rate limits,
 * schedulers, and the board-wide pause and resume) is refused, whatever the queue's own
 * read-only flag says. A completed job is never run again from here: for a proactive job that
 * would say its message to the visitor a second time once its outcome has expired.
 *
 * A Bull Board handler hook, so that it sees the route the board matched, its parameters and
 * the queues the board holds; `jobState` reads a job's state only for a retry that would
 * otherwise be allowed.
 */
export function queueBoardWrites(
  retryable: readonly string[],
): (context: HookContext) => Promise<BeforeHookResult> {
  return async ({ method, route, request }) => {
    if (method === 'get') return undefined;
    const { queueName, queueStatus, jobId } = request.params as Record<string, string>;
    if (!retryable.includes(queueName)) return REFUSED;
    if (route === RETRY_ALL_ROUTE && queueStatus === 'failed') return undefined;
    if (route === RETRY_JOB_ROUTE) {
      const job = await request.queues.get(queueName)?.getJob(jobId);
      if (job && (await job.getState()) === 'failed') return undefined;
    }
    return REFUSED;
  };
}
