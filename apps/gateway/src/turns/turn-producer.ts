import type { Admission, TurnJobData } from '@app/conversation';

/** What admission needs besides the job: the request's fingerprint, to spot a re-send. */
export interface AdmissionRequest {
  requestHash: string;
  dedupWindowMs: number;
}

/**
 * Puts a visitor's turn on its way to the executor: admits the request as the turn its job
 * names (or finds the turn it repeats) and hands the job over. The reply comes back on the
 * gateway's reply channel either way (see ReplyListener). Chosen by TURN_DRIVER: BullMQ to the
 * workers, or the executor in this process.
 */
export abstract class TurnProducer {
  abstract submit(request: AdmissionRequest, job: TurnJobData, jobId: string): Promise<Admission>;
}
