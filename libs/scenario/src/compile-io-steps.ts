// The steps that await I/O: `call` (an HTTP request to the business's backend) and `llm` (a
// Chat Completions request). Both share a deadline, outcome branches and `then: later`.
import { isMap, isScalar, isSeq } from 'yaml';
import type { Node } from 'yaml';
import { indexPath } from './compile-context';
import type { CompileContext, Entry } from './compile-context';
import { readBranchRef } from './compile-refs';
import {
  describe,
  readNonEmptyString,
  readNumber,
  readString,
  readVarName,
  scalarText,
} from './compile-values';
import { parsePath } from './json-path';
import type {
  AwaitingStep,
  CallStep,
  HttpMethod,
  JsonTemplate,
  LlmDefaults,
  LlmStep,
  OutcomeName,
  SecretText,
  Step,
} from './model';
import { SECRET_NAME, splitSecrets } from './secret-text';
import { PLACEHOLDER_SOURCE } from './template';
import { emptyVars } from './vars';

export const MIN_IO_TIMEOUT_MS = 100;
export const MAX_IO_TIMEOUT_MS = 60_000;
/** A visitor's answer is due within Webim's 5 s window, so REPLY_BUDGET_MS is below this. */
export const MAX_REPLY_BUDGET_MS = 4_900;
export const MAX_LLM_HISTORY = 20;
export const MAX_LLM_LABELS = 20;
export const MAX_LLM_TOKENS = 4_096;

const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const OUTCOMES: readonly OutcomeName[] = ['ok', 'error', 'timeout'];
const TIMEOUT = /^([1-9][0-9]*)(ms|s)$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;
const TEMPLATE = new RegExp(PLACEHOLDER_SOURCE, 'g');
const HTTP_URL = /^https?:\/\/([^\s/?#]+)\S*$/i;

type Fields = Map<string, Entry>;

/** `timeout`: `2s`, `1500ms` or whole milliseconds, from 100 ms to 60 s. */
function readTimeout(ctx: CompileContext, { value, path }: Entry): number | undefined {
  const raw: unknown = isScalar(value) ? value.value : undefined;
  const match = typeof raw === 'string' ? TIMEOUT.exec(raw) : null;
  const ms =
    typeof raw === 'number' && Number.isInteger(raw)
      ? raw
      : match
        ? Number(match[1]) * (match[2] === 's' ? 1_000 : 1)
        : undefined;
  if (ms !== undefined && ms >= MIN_IO_TIMEOUT_MS && ms <= MAX_IO_TIMEOUT_MS) return ms;
  ctx.error(
    value,
    path,
    `${describe(value)} is not a valid timeout; write ${MIN_IO_TIMEOUT_MS}ms to ${MAX_IO_TIMEOUT_MS / 1000}s, e.g. timeout: 2s or timeout: 1500ms`,
  );
  return undefined;
}

/** `on: { ok: <branch>, error: <branch>, timeout: <branch> }`, each optional. */
function readOutcomes(ctx: CompileContext, entry: Entry): AwaitingStep['on'] | undefined {
  const fields = ctx.fields(
    entry.value,
    entry.path,
    OUTCOMES,
    'the branch of each outcome, e.g. on: { ok: found, error: sorry, timeout: slow }',
  );
  if (!fields) return undefined;
  const on: AwaitingStep['on'] = {};
  let ok = true;
  for (const name of OUTCOMES) {
    const target = fields.get(name);
    if (!target) continue;
    const branch = readBranchRef(ctx, target);
    if (branch === undefined) ok = false;
    else on[name] = branch;
  }
  return ok ? on : undefined;
}

/** The fields every awaiting step has; undefined after reporting a problem. */
function readAwaiting(ctx: CompileContext, fields: Fields): AwaitingStep | undefined {
  let ok = true;
  const out: AwaitingStep = { on: {}, detach: false };
  const timeout = fields.get('timeout');
  if (timeout) {
    const ms = readTimeout(ctx, timeout);
    if (ms === undefined) ok = false;
    else out.timeoutMs = ms;
  }
  const on = fields.get('on');
  if (on) {
    const outcomes = readOutcomes(ctx, on);
    if (outcomes === undefined) ok = false;
    else out.on = outcomes;
  }
  const then = fields.get('then');
  if (then) {
    if (isScalar(then.value) && then.value.value === 'later') out.detach = true;
    else {
      ctx.error(
        then.value,
        then.path,
        `${describe(then.value)} does not fit here; write then: later to answer at once and finish after the request, or leave then out to wait for it`,
      );
      ok = false;
    }
  }
  return ok ? out : undefined;
}

/** Warnings shared by both steps, about how long a visitor may be kept waiting. */
function lintDeadline(
  ctx: CompileContext,
  node: Node | null,
  path: string,
  fields: Fields,
  step: AwaitingStep,
  kind: string,
): void {
  if (step.detach) return;
  const timeout = fields.get('timeout');
  const budget = ctx.replyBudgetMs;
  const limit = budget ?? MAX_REPLY_BUDGET_MS;
  if (timeout && step.timeoutMs !== undefined && step.timeoutMs >= limit) {
    const due = budget === undefined ? `below ${limit} ms` : `${budget} ms in this deployment`;
    ctx.warning(
      timeout.value,
      timeout.path,
      `a visitor's answer is due within REPLY_BUDGET_MS (${due}), so in a visitor's turn this ${kind} is cut short before ${step.timeoutMs} ms; shorten the timeout or add then: later`,
    );
  }
  if (step.on.timeout === undefined)
    ctx.warning(
      fields.get('on')?.keyNode ?? node,
      fields.get('on')?.path ?? path,
      `when this ${kind} runs out of time the chat is handed off (${kind}_timeout); add on: { timeout: <branch> } to answer the visitor yourself`,
    );
}

/** A url or header: a template in which `{{secret.NAME}}` may appear. */
function readSecretTemplate(
  ctx: CompileContext,
  { value, path }: Entry,
  hint: string,
): SecretText | undefined {
  const text = readNonEmptyString(ctx, value, path, hint);
  if (text === undefined) return undefined;
  const parts = splitSecrets(text);
  for (const part of parts) if (typeof part === 'string') ctx.useTemplate(value, path, part);
  return parts;
}

/** The host, when it is obviously not the business's public backend. */
function privateHost(authority: string): string | undefined {
  const host = authority
    .replace(/^[^@]*@/, '')
    .replace(/:\d+$/, '')
    .toLowerCase();
  const isPrivate =
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host.endsWith('.local') ||
    host.endsWith('.internal') ||
    host === '[::1]' ||
    /^(127|10|0)\./.test(host) ||
    /^192\.168\./.test(host) ||
    /^169\.254\./.test(host) ||
    /^172\.(1[6-9]|2[0-9]|3[01])\./.test(host);
  return isPrivate ? host : undefined;
}

const CALL_EXAMPLE =
  "call: { method: GET, url: 'https://shop.example.com/orders/{{order}}', save: { state: body.status } }";

function readUrl(ctx: CompileContext, entry: Entry): SecretText | undefined {
  const url = readSecretTemplate(ctx, entry, `write the address, e.g. ${CALL_EXAMPLE}`);
  if (url === undefined) return undefined;
  // The host must be literal: the gateway allows hosts per deployment, and a variable there
  // would let a visitor's text choose where the request goes.
  const text = url
    .map((part) => (typeof part === 'string' ? part : '{{secret}}'))
    .join('')
    .replace(TEMPLATE, '{{x}}')
    .replace(/\{\{secret\}\}/g, '{{x}}');
  const host = HTTP_URL.exec(text)?.[1];
  if (host === undefined || host.includes('{{')) {
    ctx.error(
      entry.value,
      entry.path,
      'the address must start with http:// or https:// and a literal host, e.g. https://shop.example.com/orders/{{order}}; templates may fill in the path and query',
    );
    return undefined;
  }
  const local = privateHost(host);
  if (local !== undefined)
    ctx.warning(
      entry.value,
      entry.path,
      `"${local}" is a private or local address; the gateway calls only the hosts allowed for the deployment, and a private one is usually a mistake`,
    );
  return url;
}

function readHeaders(ctx: CompileContext, entry: Entry): CallStep['headers'] | undefined {
  const map = ctx.mapping(entry.value, entry.path, "headers by name, e.g. { X-Shop: '{{shop}}' }");
  if (!map) return undefined;
  const out: CallStep['headers'] = [];
  let ok = true;
  for (const header of ctx.entries(map, entry.path)) {
    if (!HEADER_NAME.test(header.key)) {
      ctx.error(header.keyNode, header.path, `"${header.key}" is not a valid header name`);
      ok = false;
      continue;
    }
    const value = readSecretTemplate(ctx, header, 'write the header value as text');
    if (value === undefined) ok = false;
    else out.push({ name: header.key, value });
  }
  return ok ? out : undefined;
}

/** `auth: { bearer: SECRET_NAME }`: the request carries `Authorization: Bearer <secret>`. */
function readBearer(ctx: CompileContext, entry: Entry): string | undefined {
  const fields = ctx.fields(entry.value, entry.path, ['bearer'], 'auth: { bearer: SHOP_TOKEN }');
  const bearer = fields?.get('bearer');
  if (!fields || !bearer) {
    if (fields) ctx.error(entry.value, entry.path, 'write auth: { bearer: <secret name> }');
    return undefined;
  }
  const name = readString(ctx, bearer.value, bearer.path, 'name a secret, e.g. bearer: SHOP_TOKEN');
  if (name === undefined) return undefined;
  if (SECRET_NAME.test(name)) return name;
  ctx.error(
    bearer.value,
    bearer.path,
    `"${name}" is not a secret name; name the secret (letters, digits and _), not its value`,
  );
  return undefined;
}

/** A JSON body: any YAML value; its strings are templates. */
function readJson(ctx: CompileContext, node: Node | null, path: string): JsonTemplate | undefined {
  if (isMap(node)) {
    const out: Record<string, JsonTemplate> = Object.create(null) as Record<string, JsonTemplate>;
    let ok = true;
    for (const entry of ctx.entries(node, path)) {
      const value = readJson(ctx, entry.value, entry.path);
      if (value === undefined) ok = false;
      else out[entry.key] = value;
    }
    return ok ? out : undefined;
  }
  if (isSeq(node)) {
    const items = node.items.map((item, i) =>
      readJson(ctx, ctx.deref(item, indexPath(path, i)), indexPath(path, i)),
    );
    return items.every((item) => item !== undefined) ? (items as JsonTemplate[]) : undefined;
  }
  const value: unknown = isScalar(node) ? node.value : null;
  if (typeof value === 'string') {
    ctx.useTemplate(node, path, value);
    return value;
  }
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  ctx.error(node, path, `${describe(node)} cannot be sent as JSON`);
  return undefined;
}

function readForm(ctx: CompileContext, entry: Entry): Record<string, string> | undefined {
  const map = ctx.mapping(
    entry.value,
    entry.path,
    "form fields, e.g. form: { order: '{{order}}' }",
  );
  if (!map) return undefined;
  const out = emptyVars();
  let ok = true;
  for (const field of ctx.entries(map, entry.path)) {
    // Kept as written, like `set` values: `code: 007` sends "007".
    const text = scalarText(field.value);
    if (text === undefined) {
      ctx.error(
        field.value,
        field.path,
        `${describe(field.value)} is not a form value; write text`,
      );
      ok = false;
      continue;
    }
    out[field.key] = text;
    ctx.useTemplate(field.value, field.path, text);
  }
  return ok ? out : undefined;
}

/** `save: { var: status | body | body.<path> }`. */
function readCallSave(ctx: CompileContext, entry: Entry): Record<string, string> | undefined {
  const map = ctx.mapping(
    entry.value,
    entry.path,
    "variables and what they take, e.g. save: { code: status, state: body.order.status, first: 'body.items[0].name' }",
  );
  if (!map) return undefined;
  const out = emptyVars();
  let ok = true;
  for (const field of ctx.entries(map, entry.path)) {
    const name = readVarName(ctx, field.keyNode, field.path);
    const source = readString(ctx, field.value, field.path, 'write status, body or body.<path>');
    if (name === undefined || source === undefined) {
      ok = false;
      continue;
    }
    const parts = parsePath(source);
    if (source !== 'status' && (parts === undefined || parts[0] !== 'body')) {
      ctx.error(
        field.value,
        field.path,
        `"${source}" is not something a call returns; write status (the HTTP status), body (the whole body) or a path into the JSON body such as body.order.status or body.items[0].name`,
      );
      ok = false;
      continue;
    }
    out[name] = source;
    ctx.defineVar(name);
  }
  return ok ? out : undefined;
}

const CALL_KEYS = [
  'method',
  'url',
  'headers',
  'auth',
  'json',
  'form',
  'timeout',
  'save',
  'on',
  'then',
] as const;

export function compileCall({ value, path }: Entry, ctx: CompileContext): Step | undefined {
  const fields = ctx.fields(value, path, CALL_KEYS, CALL_EXAMPLE);
  if (!fields) return undefined;
  const urlEntry = fields.get('url');
  if (!urlEntry) {
    ctx.error(value, path, `the call has no url; e.g. ${CALL_EXAMPLE}`);
    return undefined;
  }
  let ok = true;
  const awaiting = readAwaiting(ctx, fields);
  if (!awaiting) ok = false;
  let method: HttpMethod = 'GET';
  const methodEntry = fields.get('method');
  if (methodEntry) {
    const raw: unknown = isScalar(methodEntry.value) ? methodEntry.value.value : undefined;
    const upper = typeof raw === 'string' ? raw.toUpperCase() : '';
    if (METHODS.includes(upper as HttpMethod)) method = upper as HttpMethod;
    else {
      ctx.error(
        methodEntry.value,
        methodEntry.path,
        `${describe(methodEntry.value)} is not a method; write one of ${METHODS.join(', ')}`,
      );
      ok = false;
    }
  }
  const url = readUrl(ctx, urlEntry);
  if (!url) ok = false;
  const headers: CallStep['headers'] = [];
  const headersEntry = fields.get('headers');
  if (headersEntry) {
    const read = readHeaders(ctx, headersEntry);
    if (read) headers.push(...read);
    else ok = false;
  }
  const auth = fields.get('auth');
  if (auth) {
    const secret = readBearer(ctx, auth);
    if (secret === undefined) ok = false;
    else headers.push({ name: 'Authorization', value: ['Bearer ', { secret }] });
  }
  let body: CallStep['body'];
  const json = fields.get('json');
  const form = fields.get('form');
  if (json && form) {
    ctx.error(form.keyNode, form.path, 'a call sends one body: json or form, not both');
    ok = false;
  } else if (json) {
    const read = readJson(ctx, json.value, json.path);
    if (read === undefined) ok = false;
    else body = { type: 'json', value: read };
  } else if (form) {
    const read = readForm(ctx, form);
    if (read === undefined) ok = false;
    else body = { type: 'form', value: read };
  }
  if (body && (method === 'GET' || method === 'DELETE')) {
    ctx.error(
      (json ?? form)?.keyNode,
      (json ?? form)?.path ?? path,
      `a ${method} request has no body; use POST, PUT or PATCH to send one`,
    );
    ok = false;
  }
  let save = emptyVars();
  const saveEntry = fields.get('save');
  if (saveEntry) {
    const read = readCallSave(ctx, saveEntry);
    if (read === undefined) ok = false;
    else save = read;
  }
  if (!ok || !awaiting || !url) return undefined;
  lintDeadline(ctx, value, path, fields, awaiting, 'call');
  const step: CallStep = { kind: 'call', ...awaiting, method, url, headers, save };
  if (body) step.body = body;
  return step;
}

const LLM_EXAMPLE = "llm: { mode: reply, prompt: 'Answer briefly: {{client_message}}' }";
const LLM_KEYS = [
  'mode',
  'prompt',
  'system',
  'history',
  'model',
  'temperature',
  'max_tokens',
  'labels',
  'fallback',
  'save',
  'timeout',
  'on',
  'then',
] as const;

/** `model`, `temperature`, `max_tokens`: in an llm step and in the agent's `llm:` block. */
function readModelSettings(
  ctx: CompileContext,
  fields: Fields,
): Pick<LlmDefaults, 'model' | 'temperature' | 'maxTokens'> | undefined {
  const out: Pick<LlmDefaults, 'model' | 'temperature' | 'maxTokens'> = {};
  let ok = true;
  const model = fields.get('model');
  if (model) {
    const name = readNonEmptyString(
      ctx,
      model.value,
      model.path,
      'name the model, e.g. gpt-4o-mini',
    );
    if (name === undefined) ok = false;
    else out.model = name;
  }
  const temperature = fields.get('temperature');
  if (temperature) {
    const hint = 'write a number from 0 to 2, e.g. temperature: 0.2';
    const t = readNumber(ctx, temperature.value, temperature.path, hint);
    if (t !== undefined && (t < 0 || t > 2)) ctx.error(temperature.value, temperature.path, hint);
    if (t === undefined || t < 0 || t > 2) ok = false;
    else out.temperature = t;
  }
  const maxTokens = fields.get('max_tokens');
  if (maxTokens) {
    const hint = `write a whole number from 1 to ${MAX_LLM_TOKENS}, e.g. max_tokens: 300`;
    const n = readNumber(ctx, maxTokens.value, maxTokens.path, hint);
    const valid = n !== undefined && Number.isInteger(n) && n >= 1 && n <= MAX_LLM_TOKENS;
    if (n !== undefined && !valid) ctx.error(maxTokens.value, maxTokens.path, hint);
    if (!valid) ok = false;
    else out.maxTokens = n;
  }
  return ok ? out : undefined;
}

function readTemplate(ctx: CompileContext, entry: Entry, hint: string): string | undefined {
  const text = readNonEmptyString(ctx, entry.value, entry.path, hint);
  if (text !== undefined) ctx.useTemplate(entry.value, entry.path, text);
  return text;
}

function readLabels(ctx: CompileContext, entry: Entry): string[] | undefined {
  const hint = 'the labels the model picks from, e.g. labels: [order, refund, other]';
  const list = ctx.sequence(entry.value, entry.path, hint);
  if (!list) return undefined;
  if (list.items.length < 2 || list.items.length > MAX_LLM_LABELS) {
    ctx.error(entry.value, entry.path, `give 2 to ${MAX_LLM_LABELS} labels; ${hint}`);
    return undefined;
  }
  const out: string[] = [];
  let ok = true;
  list.items.forEach((item, i) => {
    const at = indexPath(entry.path, i);
    const node = ctx.deref(item, at);
    const label = readNonEmptyString(ctx, node, at, 'a label is a short word, e.g. refund');
    if (label === undefined) return void (ok = false);
    if (out.some((other) => other.toLowerCase() === label.trim().toLowerCase())) {
      ctx.error(node, at, `duplicate label "${label}"`);
      return void (ok = false);
    }
    out.push(label.trim());
  });
  return ok ? out : undefined;
}

export function compileLlm({ value, path }: Entry, ctx: CompileContext): Step | undefined {
  const fields = ctx.fields(value, path, LLM_KEYS, LLM_EXAMPLE);
  if (!fields) return undefined;
  const modeEntry = fields.get('mode');
  const promptEntry = fields.get('prompt');
  if (!promptEntry) {
    ctx.error(value, path, `the llm step has no prompt; e.g. ${LLM_EXAMPLE}`);
    return undefined;
  }
  let ok = true;
  const awaiting = readAwaiting(ctx, fields);
  const settings = readModelSettings(ctx, fields);
  if (!awaiting || !settings) ok = false;
  let mode: LlmStep['mode'] = 'reply';
  if (modeEntry) {
    const raw: unknown = isScalar(modeEntry.value) ? modeEntry.value.value : undefined;
    if (raw === 'reply' || raw === 'classify') mode = raw;
    else {
      ctx.error(
        modeEntry.value,
        modeEntry.path,
        `${describe(modeEntry.value)} is not a mode; write mode: reply (the model's text is said) or mode: classify (the model picks one of labels)`,
      );
      ok = false;
    }
  }
  const prompt = readTemplate(
    ctx,
    promptEntry,
    'write the prompt, e.g. prompt: "{{client_message}}"',
  );
  if (prompt === undefined) ok = false;
  const systemEntry = fields.get('system');
  const system = systemEntry
    ? readTemplate(
        ctx,
        systemEntry,
        'write the instructions, e.g. system: "You are a shop assistant."',
      )
    : undefined;
  if (systemEntry && system === undefined) ok = false;
  let history = 0;
  const historyEntry = fields.get('history');
  if (historyEntry) {
    const hint = `write how many recent messages go with the prompt, 0 to ${MAX_LLM_HISTORY}`;
    const n = readNumber(ctx, historyEntry.value, historyEntry.path, hint);
    if (n !== undefined && Number.isInteger(n) && n >= 0 && n <= MAX_LLM_HISTORY) history = n;
    else {
      if (n !== undefined) ctx.error(historyEntry.value, historyEntry.path, hint);
      ok = false;
    }
  }
  const classify = classifyFields(ctx, fields, mode);
  if (classify === undefined) ok = false;
  if (!ok || !awaiting || !settings || prompt === undefined || !classify) return undefined;
  lintDeadline(ctx, value, path, fields, awaiting, 'llm');
  const step: LlmStep = { kind: 'llm', ...awaiting, mode, prompt, history, ...settings };
  if (system !== undefined) step.system = system;
  return { ...step, ...classify.fields };
}

/** `labels`, `fallback` and `save`: required by classify, refused by reply. */
function classifyFields(
  ctx: CompileContext,
  fields: Fields,
  mode: LlmStep['mode'],
): { fields: Pick<LlmStep, 'labels' | 'fallback' | 'save'> } | undefined {
  const labelsEntry = fields.get('labels');
  const fallbackEntry = fields.get('fallback');
  const saveEntry = fields.get('save');
  if (mode === 'reply') {
    const extra = labelsEntry ?? fallbackEntry ?? saveEntry;
    if (!extra) return { fields: {} };
    ctx.error(
      extra.keyNode,
      extra.path,
      `${extra.key} belongs to mode: classify; a reply is said, not saved`,
    );
    return undefined;
  }
  if (!labelsEntry || !saveEntry) {
    ctx.error(
      (labelsEntry ?? saveEntry)?.keyNode ?? fields.get('mode')?.keyNode,
      (labelsEntry ?? saveEntry)?.path ?? '',
      'mode: classify needs labels and save, e.g. labels: [order, refund, other], save: topic',
    );
    return undefined;
  }
  const labels = readLabels(ctx, labelsEntry);
  const save = readVarName(ctx, saveEntry.value, saveEntry.path);
  if (save !== undefined) ctx.defineVar(save);
  let fallback: string | undefined;
  if (fallbackEntry) {
    fallback = readNonEmptyString(ctx, fallbackEntry.value, fallbackEntry.path, 'name a label');
    if (fallback !== undefined && labels && !labels.includes(fallback.trim())) {
      ctx.error(
        fallbackEntry.value,
        fallbackEntry.path,
        `the fallback "${fallback}" is not one of the labels: ${labels.join(', ')}`,
      );
      return undefined;
    }
  }
  if (!labels || save === undefined || (fallbackEntry && fallback === undefined)) return undefined;
  const out: Pick<LlmStep, 'labels' | 'fallback' | 'save'> = { labels, save };
  if (fallback !== undefined) out.fallback = fallback.trim();
  return { fields: out };
}

/** The agent's `llm:` block: `model`, `temperature`, `max_tokens`, `url`, `auth`. */
export function compileLlmDefaults(entry: Entry, ctx: CompileContext): LlmDefaults | undefined {
  const fields = ctx.fields(
    entry.value,
    entry.path,
    ['model', 'temperature', 'max_tokens', 'url', 'auth'],
    'defaults of the llm steps, e.g. llm: { model: gpt-4o-mini, temperature: 0.2, auth: { bearer: LLM_KEY } }',
  );
  if (!fields) return undefined;
  const settings = readModelSettings(ctx, fields);
  let ok = settings !== undefined;
  const out: LlmDefaults = { ...settings };
  const url = fields.get('url');
  if (url) {
    const text = readNonEmptyString(ctx, url.value, url.path, "write the provider's base URL");
    if (text !== undefined && !/^https?:\/\/[^\s/?#{}]+[^\s{}]*$/i.test(text)) {
      ctx.error(
        url.value,
        url.path,
        `"${text}" is not an http(s) address; write the provider's base URL, e.g. https://api.openai.com/v1 (no templates)`,
      );
      ok = false;
    } else if (text === undefined) ok = false;
    else out.url = text;
  }
  const auth = fields.get('auth');
  if (auth) {
    const secret = readBearer(ctx, auth);
    if (secret === undefined) ok = false;
    else out.bearerSecret = secret;
  }
  return ok ? out : undefined;
}
