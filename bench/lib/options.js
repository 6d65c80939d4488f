'use strict';
// The command line of bench/run.js. Every option has a default, so that `npm run bench` alone is
// the standard scenario that docs/performance.md reports.
const { MODES } = require('./stack');

const HELP = `Usage: node bench/run.js [options]     (npm run bench -- [options])
  --modes queue,direct,inproc  what to run (default all three):
       queue   ${MODES.queue}
       direct  ${MODES.direct}
       inproc  ${MODES.inproc}
  --concurrency 2,64     concurrent chats, one request at a time each (default 2,64)
  --workers 1            worker processes of the queue mode; a list (1,2,4) runs each
  --duration 10          measured seconds per run        --warmup 3   seconds before it
  --turns 8              requests per chat, new_chat included
  --handoffs 0           share of chats that end by pressing "human" (counted apart)
  --idle-chats 10000     memory per idle chat (queue mode, first worker count); 0 skips
  --idle-wait 0          seconds to wait, then measure the idle chats again (timers fire at 30 s)
  --soak <seconds>       soak instead: fixed rate on the queue mode, per-interval report
  --rate 500             soak: requests per second      --soak-interval 60  seconds per row
  --soak-concurrency 64  soak: concurrent chats
  --chat-pool <n>        soak: each chat reuses n chat ids (no new Redis keys), to tell growth
                         with the data set from growth with time
  --reference            also run the reference in BENCH_REFERENCE_DIR (wrk if installed, and this generator)
                         for ratios
  --backend-ms <ms>      every visitor turn calls a local backend (its own process) that answers
                         after <ms> with a small JSON, and says what it answered: turns waiting
                         on a slow backend. Queue mode only; idle chats skipped. The stack gets
                         EGRESS_ALLOWED_HOSTS/EGRESS_ALLOWED_PRIVATE=127.0.0.1; raise the limits
                         with --env WORKER_CONCURRENCY=1000 --env EGRESS_MAX_CONCURRENT_PER_HOST=1000
  --no-timers            the demo agent without its reminder timer (what the timers cost)
  --profile              node --cpu-prof for the stack's Node processes; prints where CPU went
                         (the .cpuprofile files open in Chrome DevTools; they include start-up)
  --log-level info       LOG_LEVEL of the stack (production default: info)
  --env KEY=VALUE        more environment for the stack's processes (repeatable), e.g.
                         --env WORKER_CONCURRENCY=100
  --out <dir>            results and logs (default bench/results/<timestamp>)`;

function parseArgs(argv) {
  const options = {
    modes: ['queue', 'direct', 'inproc'],
    concurrency: [2, 64],
    workers: [1],
    duration: 10,
    warmup: 3,
    turns: 8,
    handoffs: 0,
    idleChats: 10000,
    idleWait: 0,
    soak: 0,
    rate: 500,
    soakInterval: 60,
    soakConcurrency: 64,
    chatPool: 0,
    backendMs: 0,
    reference: false,
    timers: true,
    profile: false,
    logLevel: 'info',
    env: {},
    out: '',
  };
  const list = (v) => v.split(',').filter(Boolean);
  const numbers = (v) => list(v).map(Number);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--help':
      case '-h':
        console.log(HELP);
        process.exit(0);
        break;
      case '--modes':
        options.modes = list(value());
        break;
      case '--concurrency':
        options.concurrency = numbers(value());
        break;
      case '--workers':
        options.workers = numbers(value());
        break;
      case '--duration':
        options.duration = Number(value());
        break;
      case '--warmup':
        options.warmup = Number(value());
        break;
      case '--turns':
        options.turns = Number(value());
        break;
      case '--handoffs':
        options.handoffs = Number(value());
        break;
      case '--idle-chats':
        options.idleChats = Number(value());
        break;
      case '--idle-wait':
        options.idleWait = Number(value());
        break;
      case '--soak':
        options.soak = Number(value());
        break;
      case '--rate':
        options.rate = Number(value());
        break;
      case '--soak-interval':
        options.soakInterval = Number(value());
        break;
      case '--soak-concurrency':
        options.soakConcurrency = Number(value());
        break;
      case '--chat-pool':
        options.chatPool = Number(value());
        break;
      case '--reference':
        options.reference = true;
        break;
      case '--backend-ms':
        options.backendMs = Number(value());
        if (!(options.backendMs >= 0)) throw new Error('--backend-ms needs milliseconds');
        break;
      case '--no-timers':
        options.timers = false;
        break;
      case '--profile':
        options.profile = true;
        break;
      case '--env': {
        const [key, ...rest] = value().split('=');
        if (!key || rest.length === 0) throw new Error('--env needs KEY=VALUE');
        options.env[key] = rest.join('=');
        break;
      }
      case '--log-level':
        options.logLevel = value();
        break;
      case '--out':
        options.out = value();
        break;
      default:
        throw new Error(`unknown option ${arg}\n${HELP}`);
    }
  }
  if (options.backendMs > 0) {
    // Only workers send a turn's requests; a gateway running turns itself fails them.
    options.modes = ['queue'];
    options.idleChats = 0;
  }
  for (const mode of options.modes) {
    if (!MODES[mode]) throw new Error(`unknown mode ${mode} (queue, direct, inproc)`);
  }
  return options;
}

module.exports = { HELP, parseArgs };
