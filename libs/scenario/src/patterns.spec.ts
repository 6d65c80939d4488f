import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  compilePattern,
  MAX_KEPT_AUTOMATON_BYTES,
  MAX_MATCHED_LENGTH,
  MAX_PATTERN_LENGTH,
  PatternRefused,
  patternMatches,
} from './patterns';

const AGENTS = join(__dirname, '../../../agents');

/** Every route `text` and `matches` pattern of the agents shipped in agents/. */
function shippedPatterns(): string[] {
  const files = ['demo.yaml', ...readdirSync(join(AGENTS, 'examples')).map((f) => `examples/${f}`)];
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if ('goto' in record && typeof record.text === 'string') found.add(record.text);
    if (typeof record.matches === 'string') found.add(record.matches);
    Object.values(record).forEach(walk);
  };
  for (const file of files) walk(parse(readFileSync(join(AGENTS, file), 'utf8')));
  return [...found];
}

/** Patterns as authors write them, including JavaScript spellings that RE2 writes otherwise. */
const TYPICAL = [
  // The patterns of this repository's specs and end-to-end agents.
  '^hang$',
  '^person$',
  '^stop$',
  'no|nope',
  '^x',
  'b$',
  'coffee|espresso',
  '^пока$',
  '^yes$',
  '.*',
  '\\p{L}+|привет',
  '^\\d+$',
  '^\\d{6}$',
  '^a',
  '^g',
  'abc',
  '^n',
  '^vip$',
  '^y',
  'price|cost|стоимость|цена',
  '^\\s*(да|ага|конечно|yes)\\b',
  '^\\+?7\\d{10}$',
  '\\b(hi|hello)\\b|привет',
  '^[а-яё\\s-]+$',
  'заказ\\s*№?\\s*\\d+',
  '^\\S+@\\S+\\.\\S+$',
  '^\\p{L}+$',
  '^\\p{Lu}',
  '\\P{L}',
  '\\p{Emoji_Presentation}|\\p{Script=Cyrillic}',
  '[.!?]$',
  '^(?:yes|no)$',
  '^(?<answer>да|нет)$',
  '\\u0416|\\u{1F600}',
  '[\\u0400-\\u04FF]+',
  '^.{1,3}$',
  '^\\w+$',
  '\\W',
  '\\s{2,}',
  '[^\\s]',
  '^[^\\d]*$',
  'a.b',
  '[\\b]',
  '\\cJ',
  '[\\-+]',
  '\\/',
  '^[\\s\\S]*$',
  '^[^]$',
  '[]',
  'x*?y',
  'a{2,3}',
  '\\x41',
  '\\t|\\v|\\f',
  '^$',
];

const INPUTS = [
  '',
  ' ',
  'Да',
  'ДА, конечно',
  'нет',
  'Yes',
  'hello there',
  'Hi!',
  'ПРИВЕТ',
  '123456',
  ' 123456 ',
  '+79161234567',
  '8 (916) 123-45-67',
  'заказ № 123',
  'ЗАКАЗ 77',
  'a@b.cd',
  'price?',
  'Стоимость доставки',
  'Ёлка и ёж',
  'a\u00a0b',
  'a\u2009b',
  'a\nb',
  'a\rb',
  'a\u2028b',
  'axb',
  'tab\there',
  '😀 ok',
  '😀',
  'ж',
  'Ж',
  'ſ',
  '\u212a',
  'ß',
  'x\by',
  'A',
  'aaa',
  'x-y/z',
  'no',
  '\u000b',
];

describe('patterns behave as the JavaScript patterns authors wrote', () => {
  const patterns = [...shippedPatterns(), ...TYPICAL];

  it('finds the shipped agents’ patterns', () => {
    expect(shippedPatterns()).toEqual(
      expect.arrayContaining(['operator|human|person|agent', '^\\d{6}$']),
    );
  });

  it.each(patterns)('%s answers as RegExp(…, "iu") on every sample text', (pattern) => {
    const expected = INPUTS.map((text) => [text, new RegExp(pattern, 'iu').test(text)]);
    expect(INPUTS.map((text) => [text, patternMatches(pattern, text)])).toEqual(expected);
  });
});

describe('compilePattern', () => {
  it('compiles a pattern once', () => {
    expect(compilePattern('^cached$')).toBe(compilePattern('^cached$'));
  });

  it.each([
    ['(', /Invalid regular expression.*escape/],
    ['\\p{ASCII}', /Unicode property `\\p\{ASCII\}` at character 1.*\\p\{L\}/],
    ['\\p{Script_Extensions=Cyrillic}', /Unicode property/],
    ['a{1001}', /at most 1000/],
    ['(a{100}){20}', /nested repetitions multiply/],
    ['x'.repeat(MAX_PATTERN_LENGTH + 1), /more than 2000; split it/],
    ['[\\p{L}\\d]{300}x[\\p{L}\\d]{300}', /too large to match quickly/],
  ])('refuses %s', (pattern, message) => {
    expect(() => compilePattern(pattern)).toThrow(PatternRefused);
    expect(() => compilePattern(pattern)).toThrow(message);
  });

  it('says where in the pattern a refused part is', () => {
    expect(() => compilePattern('да|нет(?=!)')).toThrow(
      expect.objectContaining({ offset: 6 }) as Error,
    );
  });
});

describe('patternMatches', () => {
  it(`matches texts of up to ${MAX_MATCHED_LENGTH} characters, and a longer one never`, () => {
    const longest = `${'x'.repeat(MAX_MATCHED_LENGTH - 4)}help`;
    expect(patternMatches('help$', longest)).toBe(true);
    expect(patternMatches('help', `${longest}y`)).toBe(false);
    expect(patternMatches('^x+$', `${'x'.repeat(MAX_MATCHED_LENGTH)}y`)).toBe(false);
  });
});

describe('memory', () => {
  type Holder = { lazyDFA: { stateBudget: number; memBudget: number } | null };
  const spent = (pattern: string) => {
    const dfa = (compilePattern(pattern).matcher.re2() as unknown as Holder).lazyDFA;
    return dfa ? dfa.stateBudget - dfa.memBudget : undefined;
  };

  it('keeps the automaton of a typical pattern between matches', () => {
    const pattern = 'operator|human|person|agent|оператор';
    for (const text of ['hello', 'a person please', 'Оператор!']) patternMatches(pattern, text);
    expect(spent(pattern)).toBeGreaterThan(0);
    expect(spent(pattern)).toBeLessThan(MAX_KEPT_AUTOMATON_BYTES);
  });

  it(`drops the states of an automaton past ${MAX_KEPT_AUTOMATON_BYTES} bytes after the match`, () => {
    const pattern = '[аб]\\p{L}{480}x';
    const text = Array.from({ length: 5000 }, (_, i) => ((i * 7919) % 3 === 0 ? 'а' : 'б')).join(
      '',
    );
    expect(patternMatches(pattern, text)).toBe(false);
    expect(spent(pattern)).toBe(0);
  });
});
