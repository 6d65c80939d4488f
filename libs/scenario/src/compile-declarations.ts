import type { CompileContext, Entry } from './compile-context';
import type { Draft } from './compile-draft';
import { readBranchRef } from './compile-refs';
import {
  checkPlainName,
  checkVarName,
  readBoolean,
  readDuration,
  readSetValue,
} from './compile-values';

// The top-level declarations besides branches: `variables:`, `timers:` and `events:`.

/** `variables:` — each variable's initial value, stored as text. */
export function compileVariables({ value, path }: Entry, ctx: CompileContext, draft: Draft): void {
  const map = ctx.mapping(
    value,
    path,
    'a mapping of variable names to initial values, e.g. variables: { tries: 0, plan: basic }',
  );
  if (!map) return;
  for (const entry of ctx.entries(map, path)) {
    const name = checkVarName(ctx, entry.keyNode, entry.path, entry.key);
    const text = readSetValue(ctx, entry.value, entry.path);
    if (name === undefined || text === undefined) continue;
    draft.variables.set(name, text);
    ctx.defineVar(name);
  }
}

const TIMER_EXAMPLE = '{ after: 2m, goto: <branch> }';

/** `timers:` — name: { after, goto, cancel_on_message }. */
export function compileTimers({ value, path }: Entry, ctx: CompileContext, draft: Draft): void {
  const map = ctx.mapping(
    value,
    path,
    `a mapping of timer names to timers, e.g. timers: { reminder: ${TIMER_EXAMPLE} }`,
  );
  if (!map) return;
  for (const entry of ctx.entries(map, path)) {
    const name = checkPlainName(ctx, entry.keyNode, entry.path, entry.key, 'timer');
    if (name !== undefined) draft.timers.set(name, undefined);
    const fields = ctx.fields(
      entry.value,
      entry.path,
      ['after', 'goto', 'cancel_on_message'],
      `a timer: ${TIMER_EXAMPLE}`,
    );
    if (!fields) continue;
    const after = fields.get('after');
    const target = fields.get('goto');
    const cancel = fields.get('cancel_on_message');
    if (!after || !target) {
      const missing = after ? 'goto' : target ? 'after' : 'after and goto';
      ctx.error(
        entry.value,
        entry.path,
        `the timer has no ${missing}; write ${TIMER_EXAMPLE}: after is how long after start_timer it fires, goto the branch it runs`,
      );
      continue;
    }
    const afterMs = readDuration(ctx, after.value, after.path);
    const branch = readBranchRef(ctx, target);
    const cancelOnMessage = cancel
      ? readBoolean(
          ctx,
          cancel.value,
          cancel.path,
          'write cancel_on_message: false to keep the timer running when the visitor writes',
        )
      : true;
    if (name === undefined || afterMs === undefined || branch === undefined) continue;
    if (cancelOnMessage === undefined) continue;
    draft.timers.set(name, { afterMs, branch, cancelOnMessage });
  }
}

/** `events:` — the names of incoming requests and the branch each runs. */
export function compileEvents({ value, path }: Entry, ctx: CompileContext, draft: Draft): void {
  const map = ctx.mapping(
    value,
    path,
    'a mapping of event names to branches, e.g. events: { order_shipped: shipped }',
  );
  if (!map) return;
  for (const entry of ctx.entries(map, path)) {
    const name = checkPlainName(ctx, entry.keyNode, entry.path, entry.key, 'event');
    const branch = readBranchRef(ctx, entry);
    if (name !== undefined) draft.events.set(name, branch);
  }
}
