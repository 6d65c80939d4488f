import { execFileSync } from 'node:child_process';

/**
 * The whole e2e run takes about two minutes on two shared cores. One still going after this
 * has hung where no test or hook timeout reaches, and is ended red rather than left to a CI
 * time-out.
 */
const RUN_LIMIT_MS = 20 * 60_000;

/** Jest's globalSetup of the e2e project: arms the run's limit (never in watch mode). */
export default function limitTheRun(globalConfig: { watch: boolean; watchAll: boolean }): void {
  if (globalConfig.watch || globalConfig.watchAll) return;
  setTimeout(() => {
    console.error(`The e2e run is still going after ${RUN_LIMIT_MS / 60_000} minutes: ending it`);
    // The stacks' redis-servers, gateways and workers are this process's children (the e2e
    // files run in band): they would outlive it.
    try {
      execFileSync('pkill', ['-KILL', '-P', String(process.pid)]);
    } catch {
      // none left, or no pkill: nothing more can be done from here
    }
    process.exit(1);
  }, RUN_LIMIT_MS).unref();
}
