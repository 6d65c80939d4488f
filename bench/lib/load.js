'use strict';
// The load generator: virtual Webim chats, each on its own keep-alive HTTP/1.1 connection,
// one request at a time (Webim is synchronous per chat). A chat sends `new_chat`, then a
// scripted mix of button presses and free text, and ends after `turns` requests; the virtual
// user then starts a new chat. Closed loop by default; with `rate` each chat is paced so that
// all of them together send `rate` requests per second.
//
// Runs as a child process of bench/run.js (its CPU is then measured apart from the stack's):
// it receives {type: 'run', config} over IPC and answers {type: 'result', result}. The HTTP
// client is a few lines over node:net rather than http.Agent or undici: on a 2-core machine
// every microsecond the generator spends is taken from the stack it measures.
const net = require('node:net');
const { Buffer } = require('node:buffer');
const { performance } = require('node:perf_hooks');
const { setTimeout: sleep } = require('node:timers/promises');

const HEADER_END = Buffer.from('\r\n\r\n');

/** One keep-alive HTTP/1.1 connection that carries one request at a time. */
class Connection {
  /** @param {string} host @param {number} port */
  constructor(host, port) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.buffer = null;
    this.pending = null;
    this.closed = false;
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.socket.on('data', (chunk) => {
      this.buffer = this.buffer ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.parse();
    });
    const fail = (error) => {
      this.closed = true;
      const pending = this.pending;
      this.pending = null;
      pending?.reject(error ?? new Error('connection closed'));
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(null));
  }

  /** @param {Buffer} bytes a whole request @returns {Promise<{status: number, body: string}>} */
  request(bytes) {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(bytes);
    });
  }

  parse() {
    if (!this.pending || !this.buffer) return;
    const end = this.buffer.indexOf(HEADER_END);
    if (end < 0) return;
    const head = this.buffer.toString('latin1', 0, end);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!length) {
      this.pending.reject(new Error(`response without content-length: ${head.slice(0, 200)}`));
      this.pending = null;
      this.socket.destroy();
      return;
    }
    const total = end + 4 + Number(length[1]);
    if (this.buffer.length < total) return;
    const body = this.buffer.toString('utf8', end + 4, total);
    this.buffer = this.buffer.length > total ? this.buffer.subarray(total) : null;
    const pending = this.pending;
    this.pending = null;
    if (/\r\nconnection:\s*close/i.test(head)) this.closed = true;
    pending.resolve({ status: Number(head.slice(9, 12)), body });
  }

  close() {
    this.closed = true;
    this.socket.destroy();
  }
}

const TEXT = (text) => ({ kind: 'visitor', text });
const PRESS = (id, text) => ({ kind: 'keyboard_response', response: { button: { id, text } } });

/**
 * The demo agent's conversation: what each request says and a piece of the answer it must get.
 * The last turn is free text the agent does not understand: its fallback cancels the reminder
 * timer and starts none, so that a finished chat leaves no timer to fire into a later run.
 */
const DEMO_MIDDLE = [
  { message: PRESS('hours', 'Opening hours'), expect: 'We are open' },
  { message: TEXT('Do you do shipping to Berlin?'), expect: 'We deliver' },
  { message: PRESS('delivery', 'Delivery'), expect: 'We deliver' },
  { message: TEXT('blue banana'), expect: 'Sorry, I did not get that' },
  { message: PRESS('hours', 'Opening hours'), expect: 'We are open' },
  { message: TEXT('When are you open on Saturday?'), expect: 'We are open' },
];
const DEMO_LAST = { message: TEXT('thanks, that is all'), expect: 'Sorry, I did not get that' };
const DEMO_HANDOFF = { message: PRESS('human', 'Talk to a person'), handoff: true };

/**
 * The requests of one chat.
 * @param {'demo'|'reference'|'backend'} script
 * @param {number} turns requests per chat, new_chat included
 * @param {boolean} handoff whether the chat ends by asking for a person
 */
function chatSteps(script, turns, handoff) {
  if (script === 'reference') {
    // The reference bench's bot answers every visitor message with "hi" and keeps no state.
    return Array.from({ length: turns }, () => ({ message: TEXT('hello'), expect: 'hi' }));
  }
  if (script === 'backend') {
    // The --backend-ms agent answers every turn with what its backend said. Each text differs:
    // an identical message of a chat within REQUEST_DEDUP_WINDOW_MS is a re-send, not a turn.
    const expect = 'The backend says ok';
    return Array.from({ length: turns }, (_, i) =>
      i === 0 ? { newChat: true, expect } : { message: TEXT(`question ${i}`), expect },
    );
  }
  const steps = [{ newChat: true, expect: 'Hello Ann' }];
  for (let i = 0; steps.length < turns - 1; i++) steps.push(DEMO_MIDDLE[i % DEMO_MIDDLE.length]);
  if (turns > 1) steps.push(handoff ? DEMO_HANDOFF : DEMO_LAST);
  return steps;
}

/**
 * @param {object} step
 * @param {string} chatId
 * @param {string} visitorId
 */
function requestBody(step, chatId, visitorId) {
  if (step.newChat) {
    return {
      event: 'new_chat',
      chat: { id: chatId },
      visitor: { id: visitorId, firstname: 'Ann' },
    };
  }
  return { event: 'new_message', chat: { id: chatId }, ...step.message };
}

/**
 * @param {{status: number, body: string}} response
 * @param {object} step
 * @returns {'answered'|'handoff'|'expectedHandoff'|'unexpected'|'error'}
 */
function classify(response, step) {
  if (response.status !== 200) return 'error';
  let answer;
  try {
    answer = JSON.parse(response.body);
  } catch {
    return 'unexpected';
  }
  if (answer?.has_answer === false) return step.handoff ? 'expectedHandoff' : 'handoff';
  if (answer?.has_answer !== true || !Array.isArray(answer.messages)) return 'unexpected';
  if (step.handoff) return 'unexpected';
  const found = answer.messages.some(
    (m) => typeof m?.text === 'string' && m.text.includes(step.expect),
  );
  return found ? 'answered' : 'unexpected';
}

/**
 * @typedef {object} LoadConfig
 * @property {string} url the webhook URL
 * @property {number} concurrency concurrent chats (connections)
 * @property {number} warmupMs requests in this first period are not measured
 * @property {number} durationMs the measured period (ignored with maxRequests)
 * @property {number} [maxRequests] send this many requests, then stop (no warm-up)
 * @property {number} turns requests per chat
 * @property {number} [handoffShare] share of chats that end by asking for a person
 * @property {number} [rate] total requests per second (paced); closed loop when absent
 * @property {number} [bucketMs] width of the time series' buckets
 * @property {'demo'|'reference'|'backend'} [script]
 * @property {string} runId makes chat ids unique across runs against one Redis
 * @property {number} [chatPool] reuse this many chat ids per virtual user (a new chat starts
 *   again on an old id), so that Redis keeps a bounded set of conversations; new ids by default
 */

/** @param {LoadConfig} config */
async function runLoad(config) {
  const url = new URL(config.url);
  const host = url.hostname;
  const port = Number(url.port);
  const head = `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n`;
  const script = config.script ?? 'demo';
  const bucketMs = config.bucketMs ?? 1000;
  const interval = config.rate ? (1000 * config.concurrency) / config.rate : 0;

  const t0 = performance.now();
  const measureStart = config.maxRequests ? t0 : t0 + config.warmupMs;
  const measureEnd = config.maxRequests ? Infinity : measureStart + config.durationMs;
  let stopping = false;
  let issued = 0;
  let lastCompletion = t0;

  const counts = { answered: 0, handoff: 0, expectedHandoff: 0, unexpected: 0, error: 0 };
  const samples = [];
  const buckets = [];
  const problems = [];
  let chats = 0;
  let lateSends = 0;
  let reconnects = 0;

  const record = (latency, outcome, completedAt, detail) => {
    if (completedAt < measureStart || completedAt > measureEnd) return;
    lastCompletion = completedAt;
    counts[outcome]++;
    if (outcome === 'error' || outcome === 'unexpected') {
      if (problems.length < 5) problems.push(detail);
      return;
    }
    samples.push(latency);
    const b = Math.floor((completedAt - measureStart) / bucketMs);
    (buckets[b] ??= []).push(latency);
  };

  async function virtualUser(index) {
    let connection = null;
    let slot = t0 + (index * interval) / config.concurrency;
    for (let n = 0; !stopping; n++) {
      const chatId = `${config.runId}-${index}-${config.chatPool ? n % config.chatPool : n}`;
      const handoff = config.handoffShare ? Math.random() < config.handoffShare : false;
      const steps = chatSteps(script, config.turns, handoff);
      for (const step of steps) {
        if (stopping) break;
        if (config.maxRequests && ++issued > config.maxRequests) {
          stopping = true;
          break;
        }
        if (interval) {
          const now = performance.now();
          if (now > slot + interval) {
            if (now >= measureStart) lateSends++;
            slot = now; // behind schedule: carry on from now, no burst to catch up
          } else if (slot > now) {
            await sleep(slot - now);
          }
          slot += interval;
        }
        if (step.newChat) chats++;
        const body = Buffer.from(JSON.stringify(requestBody(step, chatId, `v-${index}-${n}`)));
        const bytes = Buffer.concat([
          Buffer.from(`${head}Content-Length: ${body.length}\r\n\r\n`),
          body,
        ]);
        const started = performance.now();
        try {
          if (!connection || connection.closed) {
            if (connection) reconnects++;
            connection = new Connection(host, port);
            await connection.ready;
          }
          const response = await connection.request(bytes);
          const done = performance.now();
          const outcome = classify(response, step);
          record(
            done - started,
            outcome,
            done,
            `${response.status} ${response.body.slice(0, 300)}`,
          );
        } catch (error) {
          record(0, 'error', performance.now(), error.message);
          connection?.close();
          connection = null;
        }
        if (!config.maxRequests && performance.now() > measureEnd) stopping = true;
      }
    }
    connection?.close();
  }

  const users = Array.from({ length: config.concurrency }, (_, i) => virtualUser(i));
  if (!config.maxRequests) {
    const endTimer = setTimeout(() => (stopping = true), measureEnd - t0 + 10);
    await Promise.all(users);
    clearTimeout(endTimer);
  } else {
    await Promise.all(users);
  }
  const seconds = ((config.maxRequests ? lastCompletion : measureEnd) - measureStart) / 1000;
  const measured = samples.length + counts.error + counts.unexpected;
  return {
    seconds,
    requests: measured,
    rps: measured / seconds,
    counts,
    chats,
    lateSends,
    reconnects,
    problems,
    samples: Float64Array.from(samples),
    buckets: buckets.map((b, i) => ({ index: i, samples: Float64Array.from(b ?? []) })),
  };
}

module.exports = { runLoad, chatSteps, classify };

if (require.main === module) {
  // Stays alive after its result until the parent disconnects, so that the parent can still read
  // its CPU and memory from /proc at the end of the measured period.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message) => {
    if (message?.type !== 'run') return;
    runLoad(message.config).then(
      (result) =>
        process.send({
          type: 'result',
          result: {
            ...result,
            samples: Array.from(result.samples),
            buckets: result.buckets.map((b) => ({
              index: b.index,
              samples: Array.from(b.samples),
            })),
          },
        }),
      (error) => process.send({ type: 'error', error: error.stack }, () => process.exit(1)),
    );
  });
}
