/**
 * The interpreter: one call runs one turn of one conversation, from the visitor's input to the
 * next point where the bot waits for them (or the end). Pure: no I/O, no clock, and neither the
 * agent, the state nor the input is mutated; a new state is returned.
 *
 * Semantics
 * - A `waiting` state points AT the `wait` step where the previous turn stopped.
 * - `chat_started` always begins a fresh conversation (vars = input.vars). Without text (absent
 *   or only whitespace), `onChatStarted`'s `set` steps run first (other steps there are
 *   skipped), then `start`. With text (the pre-chat messages), `start` runs with that text as
 *   the pending input.
 * - `text`/`button` with no state, or a state that is `ended`/`handed_off`, or one that is not
 *   recognisable, begin a fresh conversation (vars = input.vars) at `start` with the input
 *   pending. `onChatStarted` does not run: it is only for chats started without text.
 * - `text`/`button` with a `waiting` state: vars = state.vars merged with input.vars (the
 *   input wins), and the input is applied at that wait. If the state's position no longer is a
 *   `wait` of this agent (the agent was changed), the conversation keeps its vars and restarts
 *   at `start` with the input pending.
 * - A `wait` with an input pending consumes it: vars.client_message = its text (a button's
 *   text), vars[save] too if `save` is set, and it becomes the turn's input for the `route`
 *   steps that follow, in any branch, for the rest of the turn. Execution goes on. A `wait`
 *   with nothing pending stops the turn in status `waiting` there. So a pending input is taken
 *   by the first wait reached, and the second wait ends the turn. An input no wait consumed is
 *   dropped.
 * - `route` tries its cases in order and jumps to step 0 of the first match's branch. A case
 *   matches when it has no condition (else), or when the turn's input is a button whose id is
 *   in `button`, or when `text` (a regular expression with flags `iu`, searched anywhere) finds
 *   a match in the input's text (the visitor's text or the pressed button's text). A case with
 *   both `button` and `text` matches if either does. Before an input was consumed in this turn,
 *   only an else case matches. No match: go on with the next step.
 * - `say` and `buttons` render `{{ var }}` templates (button texts, not ids) and emit messages
 *   in order; each `say` is its own message, even when the text renders empty. `set` renders
 *   all its values against the vars as they were before the step. `goto` jumps to step 0.
 *   `pause` adds to pauseMs. `end` ends; `handoff` ends as `handed_off` and sets
 *   result.handoff. Falling off the end of a branch ends the conversation.
 * - Every step executed counts toward `steps`, including a wait that consumes the input and the
 *   wait that stops the turn. More than `opts.maxSteps` throws ScenarioError('step_limit').
 *   A jump to a branch the agent lacks throws ScenarioError('unknown_branch'); compiled agents
 *   never do that. `turns` counts runTurn calls in this conversation (a fresh one gets 1).
 * - An ended state keeps the position where it ended (a branch's length when it fell off).
 */
import { ScenarioError } from './errors';
import type {
  BotMessage,
  CompiledAgent,
  ConversationState,
  RouteCase,
  RunOptions,
  Step,
  TurnInput,
  TurnResult,
} from './model';
import { renderTemplate } from './template';
import { mergeVars } from './vars';
import type { Vars } from './vars';

/** What the visitor sent, as a wait consumes it and routes match it. */
type VisitorInput = { kind: 'text'; text: string } | { kind: 'button'; id: string; text: string };

type Status = ConversationState['status'];

/** Where a step sends execution next. */
type Flow = { to: 'next' } | { to: 'branch'; branch: string } | { to: 'stop'; status: Status };

/** The mutable scratchpad of one turn; nothing in it is shared with the caller's objects. */
interface Turn {
  agent: CompiledAgent;
  vars: Vars;
  messages: BotMessage[];
  pauseMs: number;
  steps: number;
  maxSteps: number;
  handoff: { reason: string } | null;
  pending: VisitorInput | undefined;
  input: VisitorInput | undefined;
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
  const turn: Turn = {
    agent,
    vars: mergeVars(input.vars),
    messages: [],
    pauseMs: 0,
    steps: 0,
    maxSteps,
    handoff: null,
    pending: undefined,
    input: undefined,
  };

  let turns = 1;
  let at: { branch: string; step: number };
  const prior = input.kind === 'chat_started' ? null : resumable(state);
  if (input.kind === 'chat_started') {
    const text = input.text ?? '';
    if (text.trim() === '') runChatStarted(turn);
    else turn.pending = { kind: 'text', text };
    at = { branch: agent.start, step: 0 };
  } else {
    turn.pending = visitorInput(input);
    if (prior) {
      turn.vars = mergeVars(prior.vars, input.vars);
      turns = prior.turns + 1;
      at = isWaitAt(agent, prior.branch, prior.step) ? prior : { branch: agent.start, step: 0 };
    } else {
      at = { branch: agent.start, step: 0 };
    }
  }

  const end = execute(turn, at.branch, at.step);
  return {
    state: { v: 1, status: end.status, branch: end.branch, step: end.step, vars: turn.vars, turns },
    messages: turn.messages,
    handoff: turn.handoff,
    pauseMs: turn.pauseMs,
    steps: turn.steps,
  };
}

/** A stored state that can take the visitor's input, or null when a new conversation begins. */
function resumable(
  state: ConversationState | null,
): { branch: string; step: number; vars: unknown; turns: number } | null {
  if (typeof state !== 'object' || state === null || state.status !== 'waiting') return null;
  const turns = Number.isSafeInteger(state.turns) && state.turns >= 0 ? state.turns : 0;
  return { branch: String(state.branch), step: Number(state.step), vars: state.vars, turns };
}

function visitorInput(input: Exclude<TurnInput, { kind: 'chat_started' }>): VisitorInput {
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

type Handler<S extends Step> = (step: S, turn: Turn) => Flow;

const NEXT: Flow = { to: 'next' };

/** One handler per step kind; adding a kind to the model fails to type-check until it has one. */
const STEP_HANDLERS: { readonly [K in Step['kind']]: Handler<Extract<Step, { kind: K }>> } = {
  say: (step, turn) => {
    turn.messages.push({ type: 'text', text: renderTemplate(String(step.text), turn.vars) });
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
    return NEXT;
  },
  route: (step, turn) => {
    const match = step.cases.find((c) => matches(c, turn.input));
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
};

function runStep(step: Step, turn: Turn): Flow {
  const kind: unknown = step?.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(STEP_HANDLERS, kind)) {
    throw new ScenarioError('invalid_agent', `unknown step kind "${String(kind)}"`);
  }
  return (STEP_HANDLERS[kind as Step['kind']] as Handler<Step>)(step, turn);
}

function matches(c: RouteCase, input: VisitorInput | undefined): boolean {
  if (c.button === undefined && c.text === undefined) return true;
  if (!input) return false;
  if (input.kind === 'button' && Array.isArray(c.button) && c.button.includes(input.id))
    return true;
  return c.text !== undefined && pattern(c.text).test(input.text);
}

// Agents are compiled once per version but routes run on every turn, so keep their regexps.
const PATTERNS = new Map<string, RegExp>();
const MAX_PATTERNS = 1000;

function pattern(source: string): RegExp {
  let compiled = PATTERNS.get(source);
  if (!compiled) {
    try {
      compiled = new RegExp(source, 'iu');
    } catch (error) {
      throw new ScenarioError(
        'invalid_agent',
        `invalid route pattern: ${(error as Error).message}`,
      );
    }
    if (PATTERNS.size >= MAX_PATTERNS) PATTERNS.clear();
    PATTERNS.set(source, compiled);
  }
  return compiled;
}
