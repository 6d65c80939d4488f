// Webim's Bot API 1.0 shows message texts as they are: Markdown would reach the visitor as
// asterisks and brackets. Authors write Markdown anyway (it is what chat tools taught them), so
// `say` texts are turned into the plain text a reader expects, once, when the agent compiles.
//
// This is deliberately not a Markdown parser. It removes the markup that has an obvious plain
// reading and leaves everything else alone, erring on the side of keeping characters: a
// `snake_case_name`, `2*3*4` or an address like `https://x/a_b_c` must survive untouched.
// `{{templates}}` are never changed.

import { PLACEHOLDER_SOURCE } from './template';

/** Converts the Markdown of one message to plain text. Never shortens the text otherwise. */
export function markdownToText(source: string): string {
  const tokens = new Tokens(source);
  const out: string[] = [];
  let fence: Fence | undefined;
  for (const line of source.split('\n')) {
    if (fence) {
      if (closesFence(line, fence)) fence = undefined;
      else out.push(stripIndent(line, fence.indent));
      continue;
    }
    fence = opensFence(line);
    if (!fence) out.push(convertLine(line, tokens));
  }
  return out.join('\n');
}

interface Fence {
  char: string;
  length: number;
  indent: number;
}

// ``` or ~~~ (three or more), indented by at most 3 spaces; a backtick fence's info string may
// not contain backticks, so ```code``` on one line stays an inline code span.
const FENCE_OPEN = /^( {0,3})(?:(`{3,})[^`]*|(~{3,}).*)$/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;

function opensFence(line: string): Fence | undefined {
  const match = FENCE_OPEN.exec(line);
  if (!match) return undefined;
  const run = match[2] ?? match[3];
  return { char: run[0], length: run.length, indent: match[1].length };
}

function closesFence(line: string, fence: Fence): boolean {
  const match = FENCE_CLOSE.exec(line);
  return match !== null && match[1][0] === fence.char && match[1].length >= fence.length;
}

/** Code inside a fence loses the indentation of its fence, as in CommonMark. */
function stripIndent(line: string, indent: number): string {
  let i = 0;
  while (i < indent && line[i] === ' ') i++;
  return line.slice(i);
}

// A line of only *, - or _ (three or more) is a rule, not emphasis: keep it as it is.
const THEMATIC_BREAK = /^ {0,3}([-*_])[ \t]*(?:\1[ \t]*){2,}$/;
// `# Title`, up to six #, and an optional closing run of # after a space.
const HEADING = /^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
// `* item` and `+ item` read as `- item`; the marker needs a space and some text after it.
const LIST_ITEM = /^([ \t]*)[*+]([ \t]+)(?=\S)/;

function convertLine(line: string, tokens: Tokens): string {
  if (THEMATIC_BREAK.test(line)) return line;
  const heading = HEADING.exec(line);
  if (heading) return inline(heading[1] ?? '', tokens);
  const item = LIST_ITEM.exec(line);
  if (item) return `${item[1]}-${item[2]}${inline(line.slice(item[0].length), tokens)}`;
  return inline(line, tokens);
}

// Each pass replaces what it recognises with a token, so later passes (emphasis above all)
// cannot reach into code, templates, escaped characters or addresses.
const TEMPLATE = new RegExp(PLACEHOLDER_SOURCE, 'g');
// A backslash escape of ASCII punctuation, or a code span: one alternation, so whichever comes
// first wins (a backslash inside a code span is literal; an escaped backtick opens nothing).
const ESCAPE_OR_CODE = /\\([!-/:-@[-`{-~])|(?<!`)(`+)(?!`)([\s\S]*?[^`])\2(?!`)/g;
const AUTOLINK = /<((?:https?|ftp):\/\/[^\s<>]*|mailto:[^\s<>]+)>/gi;
// [text](url) and ![alt](url), with an optional "title"; the url may be in <angle brackets>.
const LINK =
  /(!?)\[([^\]\n]*)\]\(\s*(<[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?\s*\)/g;
// A bare address ends before trailing punctuation, so "(see https://x.io/a)." keeps its ")."
// and "**https://x.io**" keeps its asterisks for the emphasis pass.
const BARE_URL = /\b(?:https?:\/\/|www\.)[^\s<>]*[^\s<>.,;:!?'")\]*_]/gi;

// Emphasis opens after a non-word character and closes before one, and its text neither
// starts nor ends with a space: so a*b*c, 2 * 3 * 4 and snake_case_name are not emphasis.
const EMPHASIS: readonly RegExp[] = [
  /(?<![\p{L}\p{N}*])\*\*(?!\s)(.+?)(?<!\s)\*\*(?![\p{L}\p{N}*])/gu,
  /(?<![\p{L}\p{N}_])__(?!\s)(.+?)(?<!\s)__(?![\p{L}\p{N}_])/gu,
  /(?<![\p{L}\p{N}*])\*(?![\s*])(.+?)(?<![\s*])\*(?![\p{L}\p{N}*])/gu,
  /(?<![\p{L}\p{N}_])_(?![\s_])(.+?)(?<![\s_])_(?![\p{L}\p{N}_])/gu,
];
// Nesting like **bold _and italic_** needs a second round; more is never useful.
const EMPHASIS_ROUNDS = 3;

function inline(text: string, tokens: Tokens): string {
  let out = text.replace(TEMPLATE, (match) => tokens.add(match));
  out = out.replace(ESCAPE_OR_CODE, (_m, escaped?: string, _ticks?: string, code?: string) =>
    tokens.add(escaped ?? codeContent(code ?? '')),
  );
  out = out.replace(AUTOLINK, (_m, url: string) => tokens.add(url));
  out = out.replace(LINK, (_m, _image: string, label: string, target: string) => {
    const url = target.startsWith('<') ? target.slice(1, -1) : target;
    if (label.trim() === '' || label === url) return tokens.add(url);
    return url === '' ? label : `${label} (${tokens.add(url)})`;
  });
  out = out.replace(BARE_URL, (url) => tokens.add(url));
  for (let round = 0; round < EMPHASIS_ROUNDS; round++) {
    const before = out;
    for (const pattern of EMPHASIS) out = out.replace(pattern, '$1');
    if (out === before) break;
  }
  return tokens.restore(out);
}

/** A code span's text: one space just inside each backtick run is padding, as in CommonMark. */
function codeContent(code: string): string {
  if (code.length >= 2 && code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '')
    return code.slice(1, -1);
  return code;
}

/**
 * Stand-ins for protected text: two private-use characters that do not occur in the source,
 * around an index. They are neither letters nor spaces, so emphasis next to them still works.
 */
class Tokens {
  private readonly open: string;
  private readonly close: string;
  private readonly pattern: RegExp;
  private readonly values: string[] = [];

  constructor(source: string) {
    let code = 0xe000;
    while (source.includes(String.fromCharCode(code))) code++;
    this.open = String.fromCharCode(code++);
    while (source.includes(String.fromCharCode(code))) code++;
    this.close = String.fromCharCode(code);
    this.pattern = new RegExp(`${this.open}(\\d+)${this.close}`, 'g');
  }

  add(value: string): string {
    this.values.push(value);
    return `${this.open}${this.values.length - 1}${this.close}`;
  }

  /** Tokens may hold tokens (a template inside a code span), so restore until none is left. */
  restore(text: string): string {
    let out = text;
    for (let before = ''; out !== before;) {
      before = out;
      out = out.replace(this.pattern, (_m, index: string) => this.values[Number(index)]);
    }
    return out;
  }
}
