import type { TrainingReport } from '@app/scenario';

/** What training found, as it crosses from the training thread: the report without the agent. */
export type TrainingVerdict = Omit<TrainingReport, 'agent'>;

/** What the training thread is started with: the deployment's settings its warnings use. */
export interface TrainingThreadData {
  replyBudgetMs?: number;
}
