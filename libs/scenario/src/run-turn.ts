/**
 * The interpreter: one call runs one turn of one conversation, from an input to the next point
 * where the bot waits for the visitor (or the end). Pure: no I/O, no clock, and neither the
 * agent, the state nor the input is mutated; a new state is returned. Timers are not kept
 * here: the turn returns `effects` (start or cancel a timer) and the I/O layer keeps the clock.
 *
 * Semantics
 * - A `waiting` state points AT the `wait` step where the previous turn stopped.
 * - A fresh conversation starts with vars = { ...agent.variables, ...input.vars }.
 * - `chat_started` always begins a fresh conversation (a pending hand-off of the old one is
 *   dropped). Without text (absent or only whitespace), `onChatStarted`'s `set` steps run first
 *   (other steps there are skipped), then `start`. With text (the pre-chat messages), `start`
 *   runs with that text as the pending input.
 * - `text`/`button` first emit a `cancel_timer` effect for every declared timer with
 *   `cancelOnMessage` (whether it runs or not: the I/O layer ignores timers that do not run).
 * - `text`/`button` with no state, or a state that is `ended`/`handed_off`, or one that is not
 *   recognisable, begin a fresh conversation at `start` with the input pending.
 *   `onChatStarted` does not run: it is only for chats started without text.
 * - `text`/`button` with a `waiting` state: vars = state.vars merged with input.vars (the
 *   input wins). If the state has `pendingHandoff`, nothing runs: the turn hands off with that
 *   reason (status `handed_off` at the same position, no messages, 0 steps). Otherwise the
 *   input is applied at that wait. If the state's position no longer is a `wait` of this agent
 *   (the agent was changed), the conversation keeps its vars, restarts at `start` with the
 *   input pending, and result.restarted = { from: '<branch>[<step>]' }.
 * - `timer`/`event` are proactive: nobody waits for the answer. With no state, a state that is
 *   not `waiting`, or one with a `pendingHandoff`, nothing runs: result.ignored = true, the
 *   state is returned as it was (for no state, an `ended` one with 0 turns, which every input
 *   treats like no state), 0 steps, no messages, no effects. Otherwise a timer runs its
 *   declared branch, an event the branch of `agent.events[name]`, from step 0 with nothing
 *   pending (so only `if` and else route cases can hold), until a wait, end or hand-off; an
 *   event first sets `event_<key>` = data[key] (characters other than A-Za-z0-9_ in the key
 *   become `_`). A name the agent does not declare throws ScenarioError('unknown_event').
 *   A `handoff` reached in a proactive turn cannot answer anyone: result.handoff stays null,
 *   the state keeps status `waiting` at the position it had before the turn, with
 *   pendingHandoff = the reason, so the chat's next `text`/`button` hands off.
 * - A `wait` with an input pending consumes it: vars.client_message = its text (a button's
 *   text), vars[save] too if `save` is set, and it becomes the turn's input for the `route`
 *   steps that follow, in any branch, for the rest of the turn. Execution goes on. A `wait`
 *   with nothing pending stops the turn in status `waiting` there. So a pending input is taken
 *   by the first wait reached, and the second wait ends the turn. An input no wait consumed is
 *   dropped.
 * - `route` tries its cases in order and jumps to step 0 of the first case that holds. A case
 *   holds when every condition it has holds: `button` (the turn's input is a button whose id
 *   is listed), `text` (a regular expression with flags `iu`, searched anywhere in the input's
 *   text: the visitor's text or the pressed button's text) and `if` (every test on variables,
 *   see VarCondition). A case with no condition is the else and always holds. Before an input
 *   was consumed in this turn, `button` and `text` do not hold. No case holds: next step.
 * - `say` and `buttons` render `{{ var }}` templates (button texts, not ids) and emit messages
 *   in order; each `say` is its own message, even when the text renders empty. `file` emits
 *   the text "<name>: <url>" (just the url when the name renders empty). `set` renders all its
 *   values against the vars as they were before the step. `goto` jumps to step 0. `pause` adds
 *   to pauseMs. `start_timer` emits { type: 'start_timer', name, delayMs }, `cancel_timer`
 *   { type: 'cancel_timer', name }; effects keep the order of the steps. `end` ends; `handoff`
 *   ends as `handed_off` and sets result.handoff. Falling off the end of a branch ends.
 * - Every step executed counts toward `steps`, including a wait that consumes the input and the
 *   wait that stops the turn, and so does a costly pattern match (MATCH_COST_PER_STEP). More
 *   than `opts.maxSteps` throws ScenarioError('step_limit').
 *   A jump to a branch the agent lacks throws ScenarioError('unknown_branch'), a step the
 *   engine does not know ScenarioError('invalid_agent'); compiled agents never do that.
 *   `turns` counts the runTurn calls that ran in this conversation (a fresh one gets 1;
 *   ignored proactive inputs do not count).
 * - An ended state keeps the position where it ended (a branch's length when it fell off).
 * - A `call` or `llm` step (counted as a step) stops the turn: result.await holds the rendered
 *   request (see io-steps.ts) and the suspension that `resumeTurn` takes with its outcome;
 *   result.state is positioned at the step with status `awaiting`. Nothing is sent here.
 *   After a step with `then: later` the turn is over: the executor stores that state, marked
 *   with `later` (the id of the turn that finishes the branch). A visitor's message to such a
 *   state is held: nothing is said, the state stays at the step, and the input is kept in
 *   `state.pending` (texts joined by a line break, at most MAX_HELD_CHARS) for the first wait
 *   of the rest of the branch. A state `awaiting` without `later` is not resumable.
 * - An agent whose llm steps read history (`agent.historyLimit`) keeps in `state.history` the
 *   last that many messages: the visitor's inputs as waits take them, the bot's texts. Other
 *   agents' states have no `history`, so their results are what they always were.
 */
import { eventVarName } from './channel-variables';
import { caseHolds } from './conditions';
import { ScenarioError } from './errors';
import { applyOutcome, remember, requestOf, trimHistory } from './io-steps';
import type {
  BotMessage,
  CompiledAgent,
  ConversationState,
  HistoryEntry,
  IoOutcome,
  IoRequest,
  RunOptions,
  Step,
  Suspension,
  TimerDeclaration,
  TurnEffect,
  TurnInput,
  TurnResult,
  VisitorInput,
} from './model';
import { renderTemplate } from './template';
import { emptyVars, mergeVars } from './vars';
import type { Vars } from './vars';

type Status = ConversationState['status'];
type VisitorTurnInput = Extract<TurnInput, { kind: 'chat_started' | 'text' | 'button' }>;
type ProactiveInput = Extract<TurnInput, { kind: 'timer' | 'event' }>;

/** Where a step sends execution next. */
export type Flow =
  { to: 'next' } | { to: 'branch'; branch: string } | { to: 'stop'; status: Status };

/** The mutable scratchpad of one turn; nothing in it is shared with the caller's objects. */
export interface Turn {
  agent: CompiledAgent;
  vars: Vars;
  messages: BotMessage[];
  effects: TurnEffect[];
  pauseMs: number;
  steps: number;
  maxSteps: number;
  handoff: { reason: string } | null;
  pending: VisitorInput | undefined;
  input: VisitorInput | undefined;
  /** Recent messages, when the agent keeps them (its llm steps read them back). */
  history: HistoryEntry[] | undefined;
  /** Set by a call or llm step: the request the turn stops for. */
  request: IoRequest | undefined;
}

/** Where the turn's result goes beyond the messages: what a suspension must carry on. */
interface Finish {
  turns: number;
  /** A proactive turn's hand-off waits for the visitor here. */
  deferHandoffTo?: { branch: string; step: number };
  restarted?: { from: string };
}

/** A stored state that can go on, as far as it can be trusted. */
interface Prior {
  branch: string;
  step: number;
  vars: unknown;
  turns: number;
  pendingHandoff: string | undefined;
  history: unknown;
}

export function runTurn(
  agent: CompiledAgent,
  state: ConversationState | null,
  input: TurnInput,
  opts: RunOptions,
): TurnResult {
  const maxSteps = opts.maxSteps;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new RangeError(`maxSteps must be a positive integer, got ${String(maxSteps)}`);
  }
  return input.kind === 'timer' || input.kind === 'event'
    ? proactiveTurn(agent, state, input, maxSteps)
    : visitorTurn(agent, state, input, maxSteps);
}

function newTurn(agent: CompiledAgent, vars: Vars, maxSteps: number, history?: unknown): Turn {
  const limit = agent.historyLimit;
  return {
    history: typeof limit === 'number' && limit > 0 ? trimHistory(history, limit) : undefined,
    request: undefined,
    agent,
    vars,
    messages: [],
    effects: [],
    pauseMs: 0,
    steps: 0,
    maxSteps,
    handoff: null,
    pending: undefined,
    input: undefined,
  };
}

function visitorTurn(
  agent: CompiledAgent,
  state: ConversationState | null,
  input: VisitorTurnInput,
  maxSteps: number,
): TurnResult {
  const turn = newTurn(agent, mergeVars(agent.variables, input.vars), maxSteps, []);
  let turns = 1;
  let at = { branch: agent.start, step: 0 };
  let restarted: TurnResult['restarted'];
  if (input.kind === 'chat_started') {
    const text = input.text ?? '';
    if (text.trim() === '') runChatStarted(turn);
    else turn.pending = { kind: 'text', text };
  } else {
    turn.effects.push(...cancelOnMessage(agent));
    turn.pending = visitorInput(input);
    if (isHeld(state)) return heldTurn(turn, state, input.vars);
    const prior = resumable(state);
    if (prior) {
      turn.vars = mergeVars(prior.vars, input.vars);
      turns = prior.turns + 1;
      if (turn.history) turn.history = trimHistory(prior.history, agent.historyLimit ?? 0);
      if (prior.pendingHandoff !== undefined) return deferredHandoff(turn, prior, turns);
      if (isWaitAt(agent, prior.branch, prior.step)) at = prior;
      else restarted = { from: `${prior.branch}[${prior.step}]` };
    }
  }

  const end = execute(turn, at.branch, at.step);
  return finish(turn, end, restarted ? { turns, restarted } : { turns });
}

/** Whether the request of a `then: later` step is out, the rest of its branch still to run. */
function isHeld(state: ConversationState | null): state is ConversationState {
  return state?.status === 'awaiting' && typeof state.later === 'object' && state.later !== null;
}

/**
 * The visitor wrote while the request of a `then: later` step was out: the conversation stays
 * at that step and the message waits for the rest of the branch, which takes it at its first
 * `wait`. Nothing is said; the answer carries only what the outbox holds.
 */
function heldTurn(turn: Turn, state: ConversationState, vars: Record<string, string>): TurnResult {
  turn.vars = mergeVars(state.vars, vars);
  const turns = (Number.isSafeInteger(state.turns) && state.turns >= 0 ? state.turns : 0) + 1;
  turn.history = turn.history && trimHistory(state.history, turn.agent.historyLimit ?? 0);
  const pending = joinInputs(state.pending, turn.pending);
  turn.pending = undefined;
  return resultOf(turn, { ...state, vars: turn.vars, turns, ...(pending && { pending }) });
}

/** The most characters of texts held for a branch still running; older text goes first. */
export const MAX_HELD_CHARS = 4_000;

/** Texts held one after another read as one message, as pre-chat messages do; a button wins. */
function joinInputs(
  held: VisitorInput | undefined,
  next: VisitorInput | undefined,
): VisitorInput | undefined {
  if (!next) return held;
  if (held?.kind !== 'text' || next.kind !== 'text') return next;
  return { kind: 'text', text: `${String(held.text)}\n${next.text}`.slice(-MAX_HELD_CHARS) };
}

/** The hand-off a proactive turn reached, given now that someone waits for the answer. */
function deferredHandoff(turn: Turn, prior: Prior, turns: number): TurnResult {
  const { branch, step } = prior;
  turn.handoff = { reason: String(prior.pendingHandoff) };
  return resultOf(turn, { v: 1, status: 'handed_off', branch, step, vars: turn.vars, turns });
}

function proactiveTurn(
  agent: CompiledAgent,
  state: ConversationState | null,
  input: ProactiveInput,
  maxSteps: number,
): TurnResult {
  const prior = resumable(state);
  if (!prior || prior.pendingHandoff !== undefined) return ignored(agent, state);
  const branch = proactiveBranch(agent, input);
  const turn = newTurn(agent, mergeVars(prior.vars), maxSteps, prior.history);
  if (input.kind === 'event') {
    const data = mergeVars(input.data);
    for (const key of Object.keys(data)) turn.vars[eventVarName(key)] = data[key];
  }
  const end = execute(turn, branch, 0);
  const turns = prior.turns + 1;
  return finish(turn, end, {
    turns,
    deferHandoffTo: { branch: prior.branch, step: prior.step },
  });
}

/** The result of a turn (or of its last segment) that stopped at `end`. */
function finish(turn: Turn, end: Position & { status: Status }, meta: Finish): TurnResult {
  const { turns, deferHandoffTo, restarted } = meta;
  let result: TurnResult;
  if (end.status === 'awaiting' && turn.request) {
    const state: ConversationState = { v: 1, ...end, vars: turn.vars, turns };
    // The turn ends here for now: what the visitor sent and no wait took waits with it.
    if (turn.request.detach && turn.pending) state.pending = turn.pending;
    result = resultOf(turn, state);
    result.await = { request: turn.request, resume: suspensionOf(turn, result.state, meta) };
  } else if (end.status === 'handed_off' && turn.handoff && deferHandoffTo) {
    // v1 answers only requests: the hand-off waits for the chat's next one, where it was.
    const pendingHandoff = turn.handoff.reason;
    turn.handoff = null;
    result = resultOf(turn, {
      v: 1,
      status: 'waiting',
      branch: deferHandoffTo.branch,
      step: deferHandoffTo.step,
      vars: turn.vars,
      turns,
      pendingHandoff,
    });
  } else {
    result = resultOf(turn, { v: 1, ...end, vars: turn.vars, turns });
  }
  if (restarted) result.restarted = restarted;
  return result;
}

interface Position {
  branch: string;
  step: number;
}

function suspensionOf(turn: Turn, state: ConversationState, meta: Finish): Suspension {
  const out: Suspension = {
    state,
    steps: turn.steps,
    messages: turn.messages,
    effects: turn.effects,
    pauseMs: turn.pauseMs,
  };
  if (turn.input) out.input = turn.input;
  if (turn.pending) out.pending = turn.pending;
  if (meta.deferHandoffTo) out.deferHandoffTo = meta.deferHandoffTo;
  if (meta.restarted) out.restarted = meta.restarted;
  return out;
}

/**
 * Goes on with a turn that stopped at a call or llm step, given how its request ended: routes
 * to the outcome's branch (or the next step on `ok` without one; a hand-off with reason
 * `<kind>_failed` / `<kind>_timeout` on `error` / `timeout` without one), with the saved
 * variables, and runs until the next wait, end, hand-off or awaiting step. Pure, like runTurn.
 * Messages, effects and pauseMs accumulate across the segments, except after a step with
 * `then: later`: its segment was the answer, so what follows is a turn of its own whose
 * messages go out like a timer's, and whose hand-off waits for the visitor's next message.
 * `steps` counts every segment, so the step limit holds for the whole turn.
 */
export function resumeTurn(
  agent: CompiledAgent,
  suspension: Suspension,
  outcome: IoOutcome,
  opts: RunOptions,
): TurnResult {
  const maxSteps = opts.maxSteps;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new RangeError(`maxSteps must be a positive integer, got ${String(maxSteps)}`);
  }
  const state = suspension.state;
  const at = { branch: String(state.branch), step: Number(state.step) };
  const step = stepsOf(agent, at.branch)?.[at.step];
  if (state.status !== 'awaiting' || (step?.kind !== 'call' && step?.kind !== 'llm')) {
    throw new ScenarioError(
      'invalid_agent',
      `the suspended turn is not at a call or llm step (${at.branch}[${at.step}])`,
    );
  }
  const turn = newTurn(agent, mergeVars(state.vars), maxSteps, state.history);
  turn.steps = Number(suspension.steps) || 0;
  turn.input = suspension.input;
  // After a `then: later` step the visitor may have written meanwhile: the state holds it.
  turn.pending = step.detach ? (state.pending ?? suspension.pending) : suspension.pending;
  const meta: Finish = { turns: Number(state.turns) || 0 };
  if (suspension.restarted) meta.restarted = suspension.restarted;
  if (step.detach) {
    meta.deferHandoffTo = at;
  } else {
    turn.messages = Array.isArray(suspension.messages) ? [...suspension.messages] : [];
    turn.effects = Array.isArray(suspension.effects) ? [...suspension.effects] : [];
    turn.pauseMs = Number(suspension.pauseMs) || 0;
    if (suspension.deferHandoffTo) meta.deferHandoffTo = suspension.deferHandoffTo;
  }
  const flow = applyOutcome(step, outcome, turn);
  let end: Position & { status: Status };
  if (flow.to === 'stop') end = { status: flow.status, ...at };
  else if (flow.to === 'branch') end = execute(turn, flow.branch, 0);
  else end = execute(turn, at.branch, at.step + 1);
  return finish(turn, end, meta);
}

function proactiveBranch(agent: CompiledAgent, input: ProactiveInput): string {
  const name = String(input.name);
  if (input.kind === 'timer') {
    const timer = own<TimerDeclaration>(agent.timers, name);
    if (timer) return String(timer.branch);
    throw new ScenarioError('unknown_event', `the agent declares no timer "${name}"`);
  }
  const branch = own<string>(agent.events, name);
  if (branch !== undefined) return String(branch);
  throw new ScenarioError('unknown_event', `the agent declares no event "${name}"`);
}

/** Nothing ran: the state as it was; no state reads as an ended one, which acts the same. */
function ignored(agent: CompiledAgent, state: ConversationState | null): TurnResult {
  const same: ConversationState =
    typeof state === 'object' && state !== null && !Array.isArray(state)
      ? { ...state, vars: mergeVars(state.vars) }
      : { v: 1, status: 'ended', branch: agent.start, step: 0, vars: emptyVars(), turns: 0 };
  return {
    state: same,
    messages: [],
    handoff: null,
    pauseMs: 0,
    steps: 0,
    effects: [],
    ignored: true,
  };
}

function resultOf(turn: Turn, state: ConversationState): TurnResult {
  if (turn.history) state.history = turn.history;
  return {
    state,
    messages: turn.messages,
    handoff: turn.handoff,
    pauseMs: turn.pauseMs,
    steps: turn.steps,
    effects: turn.effects,
  };
}

/** Agents cached before a field existed lack it; a missing record reads as empty. */
function own<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  if (typeof record !== 'object' || record === null || !Object.hasOwn(record, key))
    return undefined;
  return record[key] ?? undefined;
}

/** Every timer the visitor's message cancels; the I/O layer ignores those not running. */
function cancelOnMessage(agent: CompiledAgent): TurnEffect[] {
  const timers: unknown = agent.timers;
  if (typeof timers !== 'object' || timers === null) return [];
  return Object.keys(timers)
    .filter((name) => own<TimerDeclaration>(agent.timers, name)?.cancelOnMessage !== false)
    .map((name) => ({ type: 'cancel_timer', name }));
}

/** A stored state that can take an input, or null when a new conversation begins. */
function resumable(state: ConversationState | null): Prior | null {
  if (typeof state !== 'object' || state === null || state.status !== 'waiting') return null;
  const turns = Number.isSafeInteger(state.turns) && state.turns >= 0 ? state.turns : 0;
  const pending: unknown = state.pendingHandoff;
  return {
    branch: String(state.branch),
    step: Number(state.step),
    vars: state.vars,
    turns,
    pendingHandoff: typeof pending === 'string' ? pending : undefined,
    history: state.history,
  };
}

function visitorInput(input: Exclude<VisitorTurnInput, { kind: 'chat_started' }>): VisitorInput {
  const text = String(input.text ?? '');
  return input.kind === 'button'
    ? { kind: 'button', id: String(input.id), text }
    : { kind: 'text', text };
}

function stepsOf(agent: CompiledAgent, branch: string): Step[] | undefined {
  if (!Object.hasOwn(agent.branches, branch)) return undefined;
  const steps = agent.branches[branch];
  return Array.isArray(steps) ? steps : undefined;
}

function isWaitAt(agent: CompiledAgent, branch: string, step: number): boolean {
  return Number.isInteger(step) && stepsOf(agent, branch)?.[step]?.kind === 'wait';
}

/** `onChatStarted` only prepares variables, so only its `set` steps are run. */
function runChatStarted(turn: Turn): void {
  const name = turn.agent.onChatStarted;
  if (name === undefined) return;
  const steps = stepsOf(turn.agent, name);
  if (!steps)
    throw new ScenarioError('unknown_branch', `on_chat_started names unknown branch "${name}"`);
  for (const step of steps) {
    if (step?.kind !== 'set') continue;
    count(turn, name);
    STEP_HANDLERS.set(step, turn);
  }
}

function execute(
  turn: Turn,
  branch: string,
  step: number,
): { status: Status; branch: string; step: number } {
  for (;;) {
    const steps = stepsOf(turn.agent, branch);
    if (!steps) throw new ScenarioError('unknown_branch', `goto names unknown branch "${branch}"`);
    if (step >= steps.length) return { status: 'ended', branch, step: steps.length };
    const current = steps[step];
    count(turn, branch);
    const flow = runStep(current, turn);
    if (flow.to === 'stop') return { status: flow.status, branch, step };
    if (flow.to === 'branch') {
      branch = flow.branch;
      step = 0;
    } else {
      step += 1;
    }
  }
}

function count(turn: Turn, branch: string): void {
  turn.steps += 1;
  if (turn.steps > turn.maxSteps) {
    throw new ScenarioError(
      'step_limit',
      `the turn ran more than ${turn.maxSteps} steps (last in branch "${branch}"); the scenario probably loops`,
    );
  }
}

/**
 * A pattern match costs up to (pattern instructions × text characters); this much of it counts
 * as one more step (about a millisecond at worst). Typical matches (a keyword list on a message)
 * cost a few thousand and count nothing extra; a large pattern on a long text counts hundreds,
 * so that a loop of matches stays within the step limit too.
 */
export const MATCH_COST_PER_STEP = 5_000;

function chargeMatch(turn: Turn, cost: number): void {
  const steps = Math.floor(cost / MATCH_COST_PER_STEP);
  if (steps === 0) return;
  turn.steps += steps;
  if (turn.steps > turn.maxSteps) {
    throw new ScenarioError(
      'step_limit',
      `the turn ran more than ${turn.maxSteps} steps, where pattern matches count as steps (one per ${MATCH_COST_PER_STEP} of pattern size × text length); a route matching a large pattern against a long text probably loops`,
    );
  }
}

function declaredTimer(turn: Turn, name: string, kind: string): TimerDeclaration {
  const timer = own<TimerDeclaration>(turn.agent.timers, name);
  if (!timer) throw new ScenarioError('invalid_agent', `${kind} names unknown timer "${name}"`);
  return timer;
}

type Handler<S extends Step> = (step: S, turn: Turn) => Flow;

const NEXT: Flow = { to: 'next' };

/** One handler per step kind; adding a kind to the model fails to type-check until it has one. */
const STEP_HANDLERS: { readonly [K in Step['kind']]: Handler<Extract<Step, { kind: K }>> } = {
  say: (step, turn) => {
    const text = renderTemplate(String(step.text), turn.vars);
    turn.messages.push({ type: 'text', text });
    remember(turn, 'bot', text);
    return NEXT;
  },
  buttons: (step, turn) => {
    const rows = step.rows.map((row) =>
      row.map((button) => ({
        id: button.id,
        text: renderTemplate(String(button.text), turn.vars),
      })),
    );
    turn.messages.push({ type: 'keyboard', buttons: rows });
    return NEXT;
  },
  wait: (step, turn) => {
    const input = turn.pending;
    if (!input) return { to: 'stop', status: 'waiting' };
    turn.pending = undefined;
    turn.input = input;
    turn.vars.client_message = input.text;
    if (step.save !== undefined) turn.vars[step.save] = input.text;
    remember(turn, 'visitor', input.text);
    return NEXT;
  },
  route: (step, turn) => {
    const charge = (cost: number) => chargeMatch(turn, cost);
    const match = step.cases.find((c) => caseHolds(c, turn.input, turn.vars, charge));
    return match ? { to: 'branch', branch: match.goto } : NEXT;
  },
  set: (step, turn) => {
    const before = turn.vars;
    const after = mergeVars(before);
    for (const name of Object.keys(step.values)) {
      after[name] = renderTemplate(String(step.values[name]), before);
    }
    turn.vars = after;
    return NEXT;
  },
  goto: (step) => ({ to: 'branch', branch: step.branch }),
  handoff: (step, turn) => {
    turn.handoff = { reason: step.reason };
    return { to: 'stop', status: 'handed_off' };
  },
  end: () => ({ to: 'stop', status: 'ended' }),
  pause: (step, turn) => {
    turn.pauseMs += step.ms;
    return NEXT;
  },
  // v1 cannot send files, so a file travels as a link.
  file: (step, turn) => {
    const url = renderTemplate(String(step.url), turn.vars);
    const name = renderTemplate(String(step.name ?? ''), turn.vars);
    turn.messages.push({ type: 'text', text: name.trim() === '' ? url : `${name}: ${url}` });
    return NEXT;
  },
  start_timer: (step, turn) => {
    const timer = declaredTimer(turn, step.timer, 'start_timer');
    turn.effects.push({ type: 'start_timer', name: step.timer, delayMs: timer.afterMs });
    return NEXT;
  },
  cancel_timer: (step, turn) => {
    declaredTimer(turn, step.timer, 'cancel_timer');
    turn.effects.push({ type: 'cancel_timer', name: step.timer });
    return NEXT;
  },
  call: (step, turn) => suspend(requestOf(step, turn), turn),
  llm: (step, turn) => suspend(requestOf(step, turn), turn),
};

/** The turn stops here, positioned at the step, until resumeTurn brings the outcome. */
function suspend(request: IoRequest, turn: Turn): Flow {
  turn.request = request;
  return { to: 'stop', status: 'awaiting' };
}

function runStep(step: Step, turn: Turn): Flow {
  const kind: unknown = step?.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(STEP_HANDLERS, kind)) {
    throw new ScenarioError('invalid_agent', `unknown step kind "${String(kind)}"`);
  }
  return (STEP_HANDLERS[kind as Step['kind']] as Handler<Step>)(step, turn);
}
