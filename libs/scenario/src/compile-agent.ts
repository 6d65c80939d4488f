import { LineCounter, parseDocument } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
import type { ChannelVariables } from './channel-variables';
import { CompileAborted, CompileContext, indexPath } from './compile-context';
import type { Entry } from './compile-context';
import { compileEvents, compileTimers, compileVariables } from './compile-declarations';
import { emptyDraft } from './compile-draft';
import type { Draft } from './compile-draft';
import { checkBranchRef } from './compile-refs';
import { compileLlmDefaults } from './compile-io-steps';
import { compileStep } from './compile-steps';
import { compileTests } from './compile-tests';
import { readNonEmptyString, readString } from './compile-values';
import { AgentCompileError } from './errors';
import { lintAgent } from './lint-agent';
import { lintBranch } from './lint-branch';
import type { BranchDraft } from './lint-branch';
import type { AgentIssue, CompiledAgent, Step, TimerDeclaration } from './model';

interface TopLevelKey {
  /** Reported (with this hint) when the key is absent; optional keys have none. */
  required?: string;
  compile: (entry: Entry, ctx: CompileContext, draft: Draft) => void;
}

/**
 * The top-level keys. Their order does not matter: checks that need other keys (such as branch
 * names) go through `ctx.later` and run once the whole agent has been read.
 */
const TOP_LEVEL: Readonly<Record<string, TopLevelKey>> = {
  name: {
    compile: ({ value, path }, ctx, draft) => {
      draft.name = readString(ctx, value, path, 'write the display name, e.g. name: Support bot');
    },
  },
  start: {
    required: 'add start: <branch> to say where conversations begin',
    compile: ({ value, path }, ctx, draft) => {
      draft.start = readBranchName(ctx, value, path, 'start: welcome');
    },
  },
  on_chat_started: {
    compile: ({ value, path }, ctx, draft) => {
      const name = readBranchName(ctx, value, path, 'on_chat_started: init');
      draft.onChatStarted = name;
      if (name !== undefined) ctx.later(() => onlySetSteps(draft.branches.get(name), ctx));
    },
  },
  variables: { compile: compileVariables },
  timers: { compile: compileTimers },
  events: { compile: compileEvents },
  branches: {
    required: 'add branches: a mapping of branch names to lists of steps',
    compile: compileBranches,
  },
  tests: { compile: compileTests },
  llm: {
    compile: (entry, ctx, draft) => {
      draft.llm = compileLlmDefaults(entry, ctx);
    },
  },
};

function readBranchName(ctx: CompileContext, node: Node | null, path: string, example: string) {
  const name = readNonEmptyString(ctx, node, path, `name a branch, e.g. ${example}`);
  if (name !== undefined)
    ctx.later(({ branchNames }) => checkBranchRef(ctx, node, path, name, branchNames));
  return name;
}

function compileBranches({ value, path }: Entry, ctx: CompileContext, draft: Draft): void {
  const map = ctx.mapping(value, path, 'a mapping of branch names to lists of steps');
  if (!map) return;
  const entries = ctx.entries(map, path);
  if (map.items.length === 0) ctx.error(map, path, 'there are no branches; add at least one');
  for (const entry of entries) {
    const branch: BranchDraft = { name: entry.key, path: entry.path, steps: [] };
    draft.branches.set(entry.key, branch);
    const list = ctx.sequence(entry.value, entry.path, 'a list of steps, e.g. - say: "Hello"');
    if (!list) continue;
    if (list.items.length === 0) {
      ctx.error(
        entry.value ?? entry.keyNode,
        entry.path,
        `branch "${entry.key}" has no steps; add at least one`,
      );
      continue;
    }
    list.items.forEach((item, i) => {
      const stepPath = indexPath(entry.path, i);
      const node = ctx.deref(item, stepPath);
      branch.steps.push({ step: compileStep(node, stepPath, ctx), node, path: stepPath });
    });
    lintBranch(branch, ctx);
  }
}

// The branch runs before anything is said to the visitor, and only to prepare variables.
function onlySetSteps(branch: BranchDraft | undefined, ctx: CompileContext): void {
  for (const { step, node, path } of branch?.steps ?? []) {
    if (step && step.kind !== 'set')
      ctx.error(
        node,
        path,
        `"${branch?.name}" is the on_chat_started branch, which may contain only set steps; move this ${step.kind} to the start branch`,
      );
  }
}

export interface CompileOptions {
  /** The channel the agent will talk through. */
  channel: ChannelVariables;
  /**
   * The deployment's REPLY_BUDGET_MS, for warnings about steps a visitor's turn cuts short;
   * absent (the CLI), the highest budget a deployment may have.
   */
  replyBudgetMs?: number;
}

/**
 * Compiles an agent's YAML source. Returns the agent and its warnings, or throws
 * AgentCompileError listing every error (and warning) with 1-based line and column.
 */
export function compileAgent(
  source: string,
  options: CompileOptions,
): { agent: CompiledAgent; warnings: AgentIssue[] } {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false });
  const ctx = new CompileContext(doc, lines, options.channel, options.replyBudgetMs);
  // A tree with syntax errors may be cut short anywhere, so its shape is not worth checking.
  for (const problem of doc.errors) ctx.reportAt('error', problem.pos[0], '', problem.message);
  if (ctx.hasErrors) throw new AgentCompileError(ctx.issues);
  for (const problem of doc.warnings) ctx.reportAt('warning', problem.pos[0], '', problem.message);

  const draft = emptyDraft();
  const root = ctx.mapping(
    ctx.deref(doc.contents, ''),
    '',
    'the agent to be a mapping with at least start and branches, e.g. start: welcome',
  );
  try {
    if (root) compileTopLevel(root, ctx, draft);
    ctx.runDeferred({
      branchNames: [...draft.branches.keys()],
      buttonIds: ctx.buttonIds,
      timerNames: [...draft.timers.keys()],
      eventNames: [...draft.events.keys()],
    });
    lintAgent(draft, ctx);
  } catch (error) {
    if (!(error instanceof CompileAborted)) throw error;
  }

  const issues = ctx.issues
    .map((issue, order) => ({ issue, order }))
    .sort(
      (a, b) => a.issue.line - b.issue.line || a.issue.column - b.issue.column || a.order - b.order,
    )
    .map(({ issue }) => issue);
  if (ctx.hasErrors || draft.start === undefined) throw new AgentCompileError(issues);
  return { agent: build(draft, draft.start), warnings: issues };
}

function compileTopLevel(root: YAMLMap, ctx: CompileContext, draft: Draft): void {
  const entries = new Map(ctx.entries(root, '').map((entry) => [entry.key, entry]));
  for (const entry of entries.values()) {
    if (!Object.hasOwn(TOP_LEVEL, entry.key))
      ctx.error(
        entry.keyNode,
        entry.path,
        `unknown top-level key "${entry.key}"; allowed keys: ${Object.keys(TOP_LEVEL).join(', ')}`,
      );
  }
  for (const [key, spec] of Object.entries(TOP_LEVEL)) {
    const entry = entries.get(key);
    if (entry) spec.compile(entry, ctx, draft);
    else if (spec.required) ctx.error(root, key, `missing ${key}; ${spec.required}`);
  }
}

/** A record without a prototype: names like `constructor` or `__proto__` are plain data. */
function record<T>(entries: Iterable<[string, T]>): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  for (const [key, value] of entries) out[key] = value;
  return out;
}

// Only called without errors, so every step and declaration compiled.
function build(draft: Draft, start: string): CompiledAgent {
  const agent: CompiledAgent = {
    start,
    branches: record(
      [...draft.branches].map(([name, branch]) => [name, branch.steps.map((s) => s.step as Step)]),
    ),
    variables: record(draft.variables),
    timers: record(draft.timers as Map<string, TimerDeclaration>),
    events: record(draft.events as Map<string, string>),
    tests: draft.tests,
  };
  if (draft.name !== undefined) agent.name = draft.name;
  if (draft.onChatStarted !== undefined) agent.onChatStarted = draft.onChatStarted;
  if (draft.llm !== undefined) agent.llm = draft.llm;
  // Agents without llm steps that read history keep none, so their state stays as it was.
  const history = Object.values(agent.branches)
    .flat()
    .map((step) => (step.kind === 'llm' ? step.history : 0));
  const historyLimit = Math.max(0, ...history);
  if (historyLimit > 0) agent.historyLimit = historyLimit;
  return agent;
}
