/**
 * Authors write patterns in JavaScript's syntax (flags `iu`); they run on RE2, which matches in
 * linear time. This file turns the one into the other, keeping JavaScript's meaning where the
 * two differ (`\s`, `.`, `\u`, `[^]`, long property names), and refuses what RE2 cannot run
 * (lookarounds, backreferences). The source must already be a valid JavaScript pattern.
 */

/** Why a pattern cannot run, and where in it (0-based, in UTF-16 units as JavaScript counts). */
export class PatternRefused extends Error {
  override readonly name = 'PatternRefused';

  constructor(
    message: string,
    readonly offset?: number,
  ) {
    super(message);
  }
}

/** JavaScript's `\s`: WhiteSpace and LineTerminator of ECMAScript, as code point ranges. */
const SPACES: ReadonlyArray<readonly [number, number]> = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];
const MAX_CODE_POINT = 0x10ffff;

const hex = (code: number) => `\\x{${code.toString(16).toUpperCase()}}`;
const ranges = (list: ReadonlyArray<readonly [number, number]>) =>
  list.map(([from, to]) => (from === to ? hex(from) : `${hex(from)}-${hex(to)}`)).join('');

/** Everything but JavaScript's spaces, spelt out so that it also works inside a class. */
function complement(list: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let next = 0;
  for (const [from, to] of list) {
    if (from > next) out.push([next, from - 1]);
    next = to + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

const SPACE_RANGES = ranges(SPACES);
const NON_SPACE_RANGES = ranges(complement(SPACES));
/** JavaScript's `.` without the `s` flag: anything but a line terminator. */
const ANY_BUT_LINE_END = '[^\\n\\r\\x{2028}\\x{2029}]';
const ANYTHING = `\\x{0}-${hex(MAX_CODE_POINT)}`;

/** Long General_Category names JavaScript accepts; RE2 knows the short ones. */
const CATEGORIES: Readonly<Record<string, string>> = {
  Letter: 'L',
  Cased_Letter: 'LC',
  Uppercase_Letter: 'Lu',
  Lowercase_Letter: 'Ll',
  Titlecase_Letter: 'Lt',
  Modifier_Letter: 'Lm',
  Other_Letter: 'Lo',
  Mark: 'M',
  Combining_Mark: 'M',
  Nonspacing_Mark: 'Mn',
  Spacing_Mark: 'Mc',
  Enclosing_Mark: 'Me',
  Number: 'N',
  Decimal_Number: 'Nd',
  digit: 'Nd',
  Letter_Number: 'Nl',
  Other_Number: 'No',
  Punctuation: 'P',
  punct: 'P',
  Connector_Punctuation: 'Pc',
  Dash_Punctuation: 'Pd',
  Open_Punctuation: 'Ps',
  Close_Punctuation: 'Pe',
  Initial_Punctuation: 'Pi',
  Final_Punctuation: 'Pf',
  Other_Punctuation: 'Po',
  Symbol: 'S',
  Math_Symbol: 'Sm',
  Currency_Symbol: 'Sc',
  Modifier_Symbol: 'Sk',
  Other_Symbol: 'So',
  Separator: 'Z',
  Space_Separator: 'Zs',
  Line_Separator: 'Zl',
  Paragraph_Separator: 'Zp',
  Other: 'C',
  Control: 'Cc',
  cntrl: 'Cc',
  Format: 'Cf',
  Surrogate: 'Cs',
  Private_Use: 'Co',
  Unassigned: 'Cn',
};

const LOOKAROUND_HINT =
  'patterns run in linear time, without lookarounds; instead, match the text itself (write price\\b rather than price(?!s)) or test the rest in another case';
const BACKREFERENCE_HINT =
  'patterns run in linear time, without backreferences; instead, spell the repeated text out (write aa|bb rather than (a|b)\\1)';

/**
 * The RE2 form of a JavaScript pattern. `knownProperty` says whether RE2 has a `\p{…}` name
 * (the caller asks RE2 itself, so that this file needs no table of scripts).
 */
export function toRe2Syntax(source: string, knownProperty: (name: string) => boolean): string {
  return new Translation(source, knownProperty).run();
}

class Translation {
  private at = 0;
  private out = '';
  private inClass = false;

  constructor(
    private readonly source: string,
    private readonly knownProperty: (name: string) => boolean,
  ) {}

  run(): string {
    const s = this.source;
    while (this.at < s.length) {
      const c = s[this.at];
      if (c === '\\') this.escape();
      else if (this.inClass) this.classChar(c);
      else if (c === '[') this.openClass();
      else if (c === '(') this.group();
      else if (c === '.') this.emit(ANY_BUT_LINE_END, 1);
      else this.emit(c, 1);
    }
    return this.out;
  }

  private emit(text: string, consumed: number): void {
    this.out += text;
    this.at += consumed;
  }

  private openClass(): void {
    const s = this.source;
    if (s.startsWith('[]', this.at)) return this.emit(`[^${ANYTHING}]`, 2);
    if (s.startsWith('[^]', this.at)) return this.emit(`[${ANYTHING}]`, 3);
    this.inClass = true;
    if (s[this.at + 1] === '^') return this.emit('[^', 2);
    this.emit('[', 1);
  }

  private classChar(c: string): void {
    if (c === ']') this.inClass = false;
    // A `[` inside a class is literal in JavaScript; RE2 might read `[:` as a POSIX class.
    this.emit(c === '[' ? '\\[' : c, 1);
  }

  private group(): void {
    const s = this.source;
    for (const [open, what] of [
      ['(?=', 'lookahead'],
      ['(?!', 'lookahead'],
      ['(?<=', 'lookbehind'],
      ['(?<!', 'lookbehind'],
    ] as const) {
      if (s.startsWith(open, this.at)) this.refuse(`${what} \`${open}\``, LOOKAROUND_HINT);
    }
    // Captures are never read, and JavaScript allows group names that RE2 does not.
    const named = /^\(\?<[^>]+>/.exec(s.slice(this.at));
    if (named) return this.emit('(', named[0].length);
    this.emit('(', 1);
  }

  private escape(): void {
    const s = this.source;
    const c = s[this.at + 1];
    switch (c) {
      case 's':
        return this.emit(this.inClass ? SPACE_RANGES : `[${SPACE_RANGES}]`, 2);
      case 'S':
        return this.emit(this.inClass ? NON_SPACE_RANGES : `[${NON_SPACE_RANGES}]`, 2);
      case 'b':
        // Inside a class JavaScript reads \b as a backspace; outside it is a word boundary.
        return this.emit(this.inClass ? hex(8) : '\\b', 2);
      case 'v':
        return this.emit(hex(0x0b), 2);
      case 'c':
        return this.emit(hex(s.charCodeAt(this.at + 2) % 32), 3);
      case '0':
        return this.emit(hex(0), 2);
      case 'u':
        return this.unicodeEscape();
      case 'p':
      case 'P':
        return this.property(c);
      case 'k': {
        const name = /^\\k<[^>]+>/.exec(s.slice(this.at));
        return this.refuse(`backreference \`${name?.[0] ?? '\\k'}\``, BACKREFERENCE_HINT);
      }
      default:
        if (c >= '1' && c <= '9') {
          const ref = /^\\\d+/.exec(s.slice(this.at))?.[0] ?? `\\${c}`;
          return this.refuse(`backreference \`${ref}\``, BACKREFERENCE_HINT);
        }
        // \d \w \b \f \n \r \t \xHH and escaped punctuation mean the same in RE2.
        return this.emit(`\\${c}`, 2);
    }
  }

  /** `\uXXXX`, a surrogate pair of them (one code point with flag u), or `\u{X…}`. */
  private unicodeEscape(): void {
    const s = this.source;
    const braced = /^\\u\{([0-9A-Fa-f]+)\}/.exec(s.slice(this.at));
    if (braced) return this.emit(hex(parseInt(braced[1], 16)), braced[0].length);
    const pair = /^\\u(D[89AB][0-9A-F]{2})\\u(D[C-F][0-9A-F]{2})/i.exec(s.slice(this.at));
    if (pair) {
      const code = String.fromCharCode(parseInt(pair[1], 16), parseInt(pair[2], 16)).codePointAt(0);
      return this.emit(hex(code ?? 0), pair[0].length);
    }
    const single = /^\\u([0-9A-Fa-f]{4})/.exec(s.slice(this.at));
    if (single) return this.emit(hex(parseInt(single[1], 16)), single[0].length);
    this.emit('\\u', 2);
  }

  /** `\p{…}` with JavaScript's names (`Script=Cyrillic`, `Letter`) in RE2's (`Cyrillic`, `L`). */
  private property(c: 'p' | 'P'): void {
    const s = this.source;
    const written = /^\\[pP]\{([^}]*)\}/.exec(s.slice(this.at));
    if (!written) return this.emit(`\\${c}`, 2);
    const [key, value] = written[1].includes('=') ? written[1].split('=') : ['', written[1]];
    const script = key === 'Script' || key === 'sc';
    const category = key === '' || key === 'General_Category' || key === 'gc';
    const name = script ? value : (CATEGORIES[value] ?? value);
    if (!(script || category) || !this.knownProperty(name)) {
      this.refuse(
        `Unicode property \`${written[0]}\``,
        'patterns know general categories (\\p{L}, \\p{Lu}, \\p{Ll}, \\p{N}, \\p{P}, \\p{S}, \\p{Z}) and scripts by their full name (\\p{Script=Cyrillic}, \\p{Script=Latin}); write one of those instead',
      );
    }
    this.emit(`\\${c}{${name}}`, written[0].length);
  }

  private refuse(what: string, hint: string): never {
    throw new PatternRefused(
      `${what} at character ${this.at + 1} of the pattern is not supported: ${hint}`,
      this.at,
    );
  }
}
