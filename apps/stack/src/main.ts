import { ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { loadEnv, StackEnv } from '@app/config';
import { LocalRedisServer } from '@app/redis';

// `npm start`: the whole product on one machine. Without REDIS_URL an embedded redis-server is
// started (ephemeral: nothing is kept on disk); then one gateway and one worker process. Ctrl-C
// stops them all, the gateway and worker first so they finish what they are doing. The children
// inherit this environment and working directory, so they read the same `.env`.

function start(app: 'gateway' | 'worker', env: NodeJS.ProcessEnv): ChildProcess {
  return fork(join(__dirname, '..', app, 'main.js'), [], { env, stdio: 'inherit' });
}

async function ready(child: ChildProcess, name: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    child.on('message', (message: { type?: string }) => message?.type === 'ready' && resolve());
    child.once('exit', (code) =>
      reject(new Error(`${name} exited with code ${code} while starting`)),
    );
  });
}

async function main(): Promise<void> {
  // REDIS_URL in `.env` counts as set: an embedded Redis would override it.
  const settings = loadEnv(StackEnv);
  let redis: LocalRedisServer | undefined;
  const env = { ...process.env };
  if (!settings.REDIS_URL) {
    redis = await LocalRedisServer.start({ binary: settings.REDIS_SERVER_BIN });
    env.REDIS_URL = redis.url;
    console.log(`Embedded Redis on ${redis.url} (ephemeral; set REDIS_URL to use your own)`);
  }
  const worker = start('worker', env);
  const gateway = start('gateway', env);
  const children = [gateway, worker];

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(
      children
        .filter((c) => c.exitCode === null && c.signalCode === null)
        .map(async (c) => {
          const exited = once(c, 'exit');
          c.kill('SIGTERM');
          await exited;
        }),
    );
    await redis?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  for (const child of children) {
    child.once('exit', (code) => {
      if (!stopping) {
        console.error(`A process of the stack exited (code ${code}); stopping the rest.`);
        void stop(code || 1);
      }
    });
  }
  await Promise.all([ready(worker, 'worker'), ready(gateway, 'gateway')]).catch((error: Error) => {
    console.error(error.message);
    return stop(1);
  });
}

main().catch((error: unknown) => {
  console.error((error as Error).message ?? error);
  process.exit(1);
});
