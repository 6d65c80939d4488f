import { isAlias, isMap, isScalar, isSeq, visit } from 'yaml';
import type { Alias, Document, LineCounter, Node, YAMLMap, YAMLSeq } from 'yaml';
import type { ChannelVariables } from './channel-variables';
import { describe } from './compile-values';
import type { AgentIssue } from './model';
import { mentionsSecret } from './secret-text';
import { templateNames } from './template';

/** What the whole agent defines; checks that need it run after every branch is compiled. */
export interface AgentFacts {
  branchNames: readonly string[];
  /** Every button id offered by any `buttons` step. */
  buttonIds: ReadonlySet<string>;
  /** The names under `timers:` and `events:`. */
  timerNames: readonly string[];
  eventNames: readonly string[];
}

/** Where the agent reads a variable, for the unknown-variable warning. */
export interface VarUse {
  name: string;
  node: Node | null;
  path: string;
}

export type DeferredCheck = (facts: AgentFacts) => void;

/** One key of a mapping, with what is needed to report on it. */
export interface Entry {
  key: string;
  keyNode: Node;
  value: Node | null;
  path: string;
}

// Aliases can expand a small source into a huge tree; stop long before that hurts a worker.
const MAX_ALIAS_EXPANSIONS = 1_000;

/** Thrown to stop compiling when going on would only add noise (or cost). */
export class CompileAborted extends Error {}

/**
 * Collects issues with their positions while the compiler walks the YAML tree. Every reader
 * reports what it expected and returns undefined on a mismatch, so one mistake in the source
 * yields one issue and the walk goes on to find the others.
 */
export class CompileContext {
  readonly issues: AgentIssue[] = [];
  readonly buttonIds = new Set<string>();
  /** Variables the agent gives a value (`variables:`, `set`, `wait: { save }`). */
  readonly definedVars = new Set<string>();
  /** Variables the agent reads (templates, `if.var`). */
  readonly varUses: VarUse[] = [];
  private readonly deferred: DeferredCheck[] = [];
  private aliasBudget = MAX_ALIAS_EXPANSIONS;
  private readonly anchors: Map<Alias, Node>;

  constructor(
    doc: Document,
    private readonly lines: LineCounter,
    /** The variables of the channel the agent is compiled for. */
    readonly channel: ChannelVariables,
    /** The deployment's REPLY_BUDGET_MS, when known (see CompileOptions). */
    readonly replyBudgetMs?: number,
  ) {
    this.anchors = resolveAliases(doc);
  }

  error(node: Node | null | undefined, path: string, message: string): void {
    this.report('error', node, path, message);
  }

  warning(node: Node | null | undefined, path: string, message: string): void {
    this.report('warning', node, path, message);
  }

  defineVar(name: string): void {
    this.definedVars.add(name);
  }

  /**
   * Records the `{{ names }}` of a template at `node`. A secret may not appear here: only a
   * call's url, headers and auth name secrets, so that no value can reach a message or a body.
   */
  useTemplate(node: Node | null, path: string, text: string): void {
    if (mentionsSecret(text))
      this.error(
        node,
        path,
        "secrets may be named only in a call's url, headers and auth (e.g. auth: { bearer: SHOP_TOKEN }); they never go into a message, a variable or a body",
      );
    for (const name of templateNames(text)) this.varUses.push({ name, node, path });
  }

  useVar(node: Node | null, path: string, name: string): void {
    this.varUses.push({ name, node, path });
  }

  /** Runs `check` once the whole agent is known (e.g. to resolve branch names). */
  later(check: DeferredCheck): void {
    this.deferred.push(check);
  }

  runDeferred(facts: AgentFacts): void {
    for (const check of this.deferred) check(facts);
  }

  get hasErrors(): boolean {
    return this.issues.some((issue) => issue.severity === 'error');
  }

  /** Follows `*alias` to its anchored node, so authors may reuse keyboards and routes. */
  deref(node: unknown, path: string): Node | null {
    if (!isAlias(node)) return (node as Node | null | undefined) ?? null;
    if (--this.aliasBudget < 0) {
      this.error(
        node,
        path,
        `more than ${MAX_ALIAS_EXPANSIONS} aliases are used; the agent is too large`,
      );
      throw new CompileAborted();
    }
    const target = this.anchors.get(node);
    if (target === undefined) this.error(node, path, `unknown alias *${node.source}`);
    return target ?? null;
  }

  mapping(node: Node | null, path: string, expected: string): YAMLMap | undefined {
    if (isMap(node)) return node;
    this.error(node, path, `${describe(node)} does not fit here; expected ${expected}`);
    return undefined;
  }

  sequence(node: Node | null, path: string, expected: string): YAMLSeq | undefined {
    if (isSeq(node)) return node;
    this.error(node, path, `${describe(node)} does not fit here; expected ${expected}`);
    return undefined;
  }

  /** The string keys of a mapping; other keys are reported. */
  entries(map: YAMLMap, path: string): Entry[] {
    const out: Entry[] = [];
    for (const pair of map.items) {
      const keyNode = this.deref(pair.key, path);
      if (!isScalar(keyNode) || typeof keyNode.value !== 'string' || keyNode.value === '') {
        this.error(keyNode ?? map, path, 'keys must be non-empty strings; quote the key');
        continue;
      }
      const key = keyNode.value;
      const entryPath = childPath(path, key);
      out.push({ key, keyNode, value: this.deref(pair.value, entryPath), path: entryPath });
    }
    return out;
  }

  /**
   * The entries of a mapping whose keys must come from `allowed`; unknown keys are reported
   * with the list of allowed ones. Returns undefined when `node` is not a mapping.
   */
  fields(
    node: Node | null,
    path: string,
    allowed: readonly string[],
    expected: string,
  ): Map<string, Entry> | undefined {
    const map = this.mapping(node, path, expected);
    if (!map) return undefined;
    const out = new Map<string, Entry>();
    for (const entry of this.entries(map, path)) {
      if (allowed.includes(entry.key)) out.set(entry.key, entry);
      else
        this.error(
          entry.keyNode,
          entry.path,
          `unknown key "${entry.key}"; allowed keys: ${allowed.join(', ')}`,
        );
    }
    return out;
  }

  /** The 1-based line where a node starts, for reports made after compiling (agent tests). */
  lineOf(node: Node | null): number {
    return Math.max(this.lines.linePos(node?.range?.[0] ?? 0).line, 1);
  }

  /** Reports at a source offset, for problems found by the YAML parser itself. */
  reportAt(severity: AgentIssue['severity'], offset: number, path: string, message: string): void {
    const { line, col } = this.lines.linePos(offset);
    this.issues.push({
      severity,
      message,
      line: Math.max(line, 1),
      column: Math.max(col, 1),
      path,
    });
  }

  private report(
    severity: AgentIssue['severity'],
    node: Node | null | undefined,
    path: string,
    message: string,
  ): void {
    this.reportAt(severity, node?.range?.[0] ?? 0, path, message);
  }
}

/**
 * Each alias's node, found in one pass in document order (an alias refers to the latest anchor
 * of its name before it). yaml's own Alias.resolve walks the document on every call.
 */
function resolveAliases(doc: Document): Map<Alias, Node> {
  const latest = new Map<string, Node>();
  const out = new Map<Alias, Node>();
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) {
        const target = latest.get(node.source);
        if (target) out.set(node, target);
      } else if (node.anchor) {
        latest.set(node.anchor, node);
      }
    },
  });
  return out;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `branches.welcome`, or `branches["my branch"]` when the key is not a plain name. */
export function childPath(path: string, key: string): string {
  if (!PLAIN_KEY.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}
