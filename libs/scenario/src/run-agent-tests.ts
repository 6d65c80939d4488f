import { testChatVars } from './channel-variables';
import type { CompileOptions } from './compile-agent';
import { ScenarioError } from './errors';
import type {
  AgentTest,
  BotMessage,
  Button,
  CompiledAgent,
  ConversationState,
  ExpectedMessage,
  IoOutcome,
  IoRequest,
  TestExchange,
  TestInput,
  TestReturn,
  TurnInput,
  TurnResult,
} from './model';
import { resumeTurn, runTurn } from './run-turn';
import { showSecretText } from './secret-text';
import type { Vars } from './vars';

/** Why one exchange of a test failed. `expected`/`actual` are one message per line. */
export interface TestFailure {
  /** 1-based number of the exchange in its conversation. */
  exchange: number;
  /** 1-based line of the exchange in the agent's source. */
  line: number;
  message: string;
  expected?: string;
  actual?: string;
}

export interface AgentTestResult {
  name: string;
  passed: boolean;
  failures: TestFailure[];
}

export interface AgentTestOptions extends CompileOptions {
  /** The step limit of each turn; the worker's default (SCENARIO_MAX_STEPS) when absent. */
  maxSteps?: number;
}

export const DEFAULT_TEST_MAX_STEPS = 1000;

/**
 * Runs the agent's `tests:`, each in a fresh conversation through `runTurn`, as the channel
 * would: pure and deterministic. A test stops at its first failing exchange, since what
 * follows a diverged conversation says nothing new.
 */
export function runAgentTests(agent: CompiledAgent, opts: AgentTestOptions): AgentTestResult[] {
  const maxSteps = opts.maxSteps ?? DEFAULT_TEST_MAX_STEPS;
  const chatVars = testChatVars(opts.channel);
  const tests: unknown = agent.tests;
  return Array.isArray(tests)
    ? tests.map((test: AgentTest) => runAgentTest(agent, test, maxSteps, chatVars))
    : [];
}

function runAgentTest(
  agent: CompiledAgent,
  test: AgentTest,
  maxSteps: number,
  chatVars: Vars,
): AgentTestResult {
  let state: ConversationState | null = null;
  let keyboard: Button[][] | undefined;
  // Timers the conversation has started and not cancelled: only those can fire, as in production.
  let timers = new Set<string>();
  const failures: TestFailure[] = [];
  for (const [i, exchange] of test.exchanges.entries()) {
    const at = { exchange: i + 1, line: exchange.line };
    const where = `exchange ${at.exchange} (line ${at.line})`;
    const input = exchange.input;
    if (input.kind === 'new_chat') {
      keyboard = undefined;
      timers = new Set();
    }
    if (input.kind === 'timer' && !timers.has(input.name)) {
      failures.push({
        ...at,
        message: `${where}: timer "${input.name}" cannot fire: it was never started, or it was cancelled`,
      });
      break;
    }
    if (input.kind === 'timer') timers.delete(input.name);
    let result: TurnResult;
    try {
      const run = runExchange(agent, state, turnInput(exchange.input, keyboard, chatVars), {
        maxSteps,
        returns: exchange.returns ?? [],
      });
      if ('unmet' in run) {
        failures.push({ ...at, message: `${where}: ${run.unmet}` });
        break;
      }
      result = run;
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      failures.push({
        ...at,
        message: `${where}: the turn failed (${error.code}): ${error.message}`,
      });
      break;
    }
    for (const failure of check(exchange, result))
      failures.push({ ...at, ...failure, message: `${where}: ${failure.message}` });
    if (failures.length > 0) break;
    state = result.state;
    keyboard = lastKeyboard(result.messages) ?? keyboard;
    for (const effect of result.effects) {
      if (effect.type === 'start_timer') timers.add(effect.name);
      else timers.delete(effect.name);
    }
  }
  return { name: test.name, passed: failures.length === 0, failures };
}

/** A stubbed reply later than this, for a step without a timeout of its own, is a timeout. */
export const DEFAULT_TEST_IO_TIMEOUT_MS = 4_000;

/**
 * Runs one exchange's turn, answering each call or llm step it stops at with the next of the
 * exchange's `returns`. The messages of every segment count, those said after a `then: later`
 * step too (the visitor sees them a moment later). Secrets are never resolved: requests are
 * shown with `<secret NAME>`.
 */
function runExchange(
  agent: CompiledAgent,
  state: ConversationState | null,
  input: TurnInput,
  opts: { maxSteps: number; returns: readonly TestReturn[] },
): TurnResult | { unmet: string } {
  let result = runTurn(agent, state, input, { maxSteps: opts.maxSteps });
  const said: BotMessage[] = [];
  const effects: TurnResult['effects'] = [];
  let used = 0;
  while (result.await) {
    const { request, resume } = result.await;
    const stub = opts.returns[used];
    if (stub === undefined) {
      return {
        unmet: `the ${describeRequest(request)} was not described; add its outcome to this exchange's returns, e.g. returns: [${request.kind === 'call' ? '{ status: 200, json: { ... } }' : "{ text: '...' }"}]`,
      };
    }
    const outcome = outcomeOf(stub, request);
    if ('unmet' in outcome) return { unmet: `returns[${used}]: ${outcome.unmet}` };
    used += 1;
    if (request.detach) {
      said.push(...result.messages);
      effects.push(...result.effects);
    }
    result = resumeTurn(agent, resume, outcome, { maxSteps: opts.maxSteps });
  }
  if (used < opts.returns.length) {
    return {
      unmet: `returns describes ${opts.returns.length} outcomes but the exchange reached ${used === 1 ? '1 call or llm step' : `${used} call or llm steps`}`,
    };
  }
  if (said.length === 0 && effects.length === 0) return result;
  return {
    ...result,
    messages: [...said, ...result.messages],
    effects: [...effects, ...result.effects],
  };
}

function describeRequest(request: IoRequest): string {
  if (request.kind === 'call') return `call ${request.method} ${showSecretText(request.url)}`;
  const prompt = request.messages[request.messages.length - 1]?.content ?? '';
  return `llm request (${request.mode}) with the prompt ${JSON.stringify(prompt.slice(0, 80))}`;
}

function outcomeOf(stub: TestReturn, request: IoRequest): IoOutcome | { unmet: string } {
  const deadline = request.timeoutMs ?? DEFAULT_TEST_IO_TIMEOUT_MS;
  switch (stub.kind) {
    case 'error':
      return { kind: 'error', message: stub.message };
    case 'timeout':
      return { kind: 'timeout' };
    case 'response':
      if (request.kind !== 'call')
        return {
          unmet: `a status answers a call, but the ${describeRequest(request)} came; write { text: '...' } or { label: ... }`,
        };
      if ((stub.delayMs ?? 0) >= deadline) return { kind: 'timeout' };
      return { kind: 'response', status: stub.status, body: stub.json };
    case 'text':
      if (request.kind !== 'llm')
        return {
          unmet: `a text answers an llm step, but the ${describeRequest(request)} came; write { status: 200, json: { ... } }`,
        };
      if ((stub.delayMs ?? 0) >= deadline) return { kind: 'timeout' };
      return { kind: 'text', text: stub.text };
  }
}

/** The request the channel would send; a press carries the caption of the button on screen. */
function turnInput(input: TestInput, keyboard: Button[][] | undefined, chatVars: Vars): TurnInput {
  switch (input.kind) {
    case 'new_chat':
      return input.text === undefined
        ? { kind: 'chat_started', vars: { ...input.vars } }
        : { kind: 'chat_started', vars: { ...input.vars }, text: input.text };
    case 'say':
      return { kind: 'text', text: input.text, vars: { ...chatVars } };
    case 'press': {
      const button = keyboard?.flat().find((b) => b.id === input.id);
      return {
        kind: 'button',
        id: input.id,
        text: button?.text ?? input.id,
        vars: { ...chatVars },
      };
    }
    case 'timer':
      return { kind: 'timer', name: input.name };
    case 'event':
      return { kind: 'event', name: input.name, data: { ...input.data } };
  }
}

function lastKeyboard(messages: BotMessage[]): Button[][] | undefined {
  const keyboards = messages.flatMap((m) => (m.type === 'keyboard' ? [m.buttons] : []));
  return keyboards[keyboards.length - 1];
}

type Finding = Omit<TestFailure, 'exchange' | 'line'>;

function check(exchange: TestExchange, result: TurnResult): Finding[] {
  const findings: Finding[] = [];
  const kind = exchange.input.kind;
  const ignored = result.ignored
    ? ` (the conversation was not waiting, so the ${kind} was ignored)`
    : '';
  if (exchange.bot) {
    const expected = exchange.bot.map(showExpected);
    const actual = result.messages.map(showMessage);
    const difference = firstDifference(expected, actual);
    if (difference)
      findings.push({
        message: difference + ignored,
        expected: render(expected),
        actual: render(actual),
      });
  }
  if (exchange.handoff !== undefined) {
    const wanted = exchange.handoff;
    const reason = result.handoff?.reason;
    const held =
      wanted === true
        ? reason !== undefined
        : wanted === false
          ? reason === undefined
          : reason === wanted;
    if (!held) {
      const deferred =
        result.state.pendingHandoff !== undefined
          ? ` (a hand-off reached by ${kind === 'event' ? 'an' : 'a'} ${kind} waits for the visitor's next message; expect it there)`
          : '';
      findings.push({
        message: handoffDifference(wanted, reason) + (deferred || ignored),
        expected: showHandoff(wanted),
        actual: showHandoff(reason ?? false),
      });
    }
  }
  return findings;
}

// Texts are quoted (line breaks show as \n), keyboards are rows of ids: `[yes, no | human]`.
const showText = (text: string) => JSON.stringify(text);
const showKeyboard = (rows: string[][]) => `[${rows.map((row) => row.join(', ')).join(' | ')}]`;

function showExpected(message: ExpectedMessage): string {
  return 'text' in message ? showText(message.text) : showKeyboard(message.buttons);
}

function showMessage(message: BotMessage): string {
  return message.type === 'text'
    ? showText(message.text)
    : showKeyboard(message.buttons.map((row) => row.map((b) => b.id)));
}

const render = (lines: string[]) => (lines.length === 0 ? '(no messages)' : lines.join('\n'));
const count = (n: number) => (n === 1 ? '1 message' : `${n} messages`);

function firstDifference(expected: string[], actual: string[]): string | undefined {
  const length = Math.max(expected.length, actual.length);
  for (let k = 0; k < length; k++) {
    if (expected[k] === actual[k]) continue;
    const counts = `expected ${count(expected.length)}, got ${count(actual.length)}`;
    if (k >= actual.length) return `${counts}; missing message ${k + 1}: ${expected[k]}`;
    if (k >= expected.length) return `${counts}; unexpected message ${k + 1}: ${actual[k]}`;
    return `message ${k + 1}: expected ${expected[k]}, got ${actual[k]}`;
  }
  return undefined;
}

function showHandoff(handoff: boolean | string): string {
  if (handoff === false) return 'no hand-off';
  return handoff === true ? 'a hand-off (any reason)' : `a hand-off, reason ${handoff}`;
}

function handoffDifference(wanted: boolean | string, reason: string | undefined): string {
  if (reason === undefined) return `expected ${showHandoff(wanted)}, got none`;
  if (wanted === false) return `expected no hand-off, got one with reason ${reason}`;
  return `expected hand-off reason ${String(wanted)}, got ${reason}`;
}
