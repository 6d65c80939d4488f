import { workerData } from 'node:worker_threads';
import { trainAgent } from '@app/scenario';
import { WEBIM_CHANNEL_VARIABLES } from '@app/webim-protocol';
import type { TrainingThreadData, TrainingVerdict } from './training-verdict';

/**
 * The worker thread's side of training (AgentTrainer is the other): compile the source and run
 * its tests, here rather than on the gateway's event loop. Built as a file of its own beside the
 * gateway's main.js (see webpack.config.js); the compiled agent stays here, only the verdict is
 * sent back.
 */
export default function train(source: string): TrainingVerdict {
  const { replyBudgetMs } = (workerData ?? {}) as TrainingThreadData;
  const { trained, errors, warnings, tests } = trainAgent(source, {
    channel: WEBIM_CHANNEL_VARIABLES,
    replyBudgetMs,
  });
  return { trained, errors, warnings, tests };
}
