import { RE2JS, RE2JSException } from 're2js';
import { PatternRefused, toRe2Syntax } from './pattern-dialect';

export { PatternRefused } from './pattern-dialect';

/**
 * The one place where route `text` patterns and the `matches` operator are compiled and run.
 * Agents and visitor messages are untrusted, so matching must cost time linear in the text:
 * patterns run on RE2 (re2js, pure JavaScript), never on the backtracking RegExp engine.
 * The agent compiler calls `compilePattern`, turns call `patternMatches`: what compiles runs.
 */

/** Longest pattern source, so that compiling an agent's patterns stays cheap too. */
export const MAX_PATTERN_LENGTH = 2_000;
/**
 * Largest compiled program. Matching time grows with the program (RE2 builds its automaton from
 * it as the text is read): at 500 instructions one match costs below 100 ms whatever the text,
 * at 2,000 it costs up to a second. Agents' patterns (keywords, numbers, phone formats) compile to
 * a few dozen to a few hundred; a repetition like `\p{L}{400}` alone compiles to 400.
 */
export const MAX_PATTERN_INSTRUCTIONS = 500;
/**
 * A longer text matches no pattern (visitor messages are far shorter). Not cut to this length:
 * a cut text could match an anchored pattern such as `^\d{6}$` that the whole text does not.
 */
export const MAX_MATCHED_LENGTH = 10_000;

/**
 * RE2 keeps the automaton it builds while reading texts, up to 8 MB a pattern: for the cached
 * patterns that could add up to gigabytes. The states of an automaton past this size are
 * dropped after the match and built again as needed; typical patterns keep theirs (3–30 KB).
 */
export const MAX_KEPT_AUTOMATON_BYTES = 64 * 1024;

const FLAGS = RE2JS.CASE_INSENSITIVE;
/** A pattern ready to match, with its size in RE2 instructions. */
export interface CompiledPattern {
  matcher: RE2JS;
  instructions: number;
}

const COMPILED = new Map<string, CompiledPattern>();
const MAX_CACHED = 1_000;

/** The pattern compiled for matching; throws PatternRefused saying what to write instead. */
export function compilePattern(source: string): CompiledPattern {
  const cached = COMPILED.get(source);
  if (cached) return cached;
  const compiled = compile(source);
  if (COMPILED.size >= MAX_CACHED) COMPILED.clear();
  COMPILED.set(source, compiled);
  return compiled;
}

/**
 * Whether the pattern matches anywhere in `text`, case-insensitively, in linear time. `charge`
 * is told what the match may have cost: the pattern's instructions × the text's characters.
 */
export function patternMatches(
  source: string,
  text: string,
  charge: (cost: number) => void = () => undefined,
): boolean {
  const { matcher, instructions } = compilePattern(source);
  if (text.length > MAX_MATCHED_LENGTH) return false;
  charge(instructions * text.length);
  const matched = matcher.test(text);
  dropLargeAutomaton(matcher);
  return matched;
}

/** The part of re2js's RE2 that holds the states of its automaton and what they cost. */
interface AutomatonHolder {
  lazyDFA: { stateBudget: number; memBudget: number; clearCache(): void } | null;
}

/** Only the states go: the rest of the automaton (its character classes) is costly to build. */
function dropLargeAutomaton(compiled: RE2JS): void {
  const dfa = (compiled.re2() as unknown as AutomatonHolder).lazyDFA;
  if (dfa && dfa.stateBudget - dfa.memBudget > MAX_KEPT_AUTOMATON_BYTES) dfa.clearCache();
}

function compile(source: string): CompiledPattern {
  if (source.length > MAX_PATTERN_LENGTH) {
    throw new PatternRefused(
      `the pattern is ${source.length} characters long, more than ${MAX_PATTERN_LENGTH}; split it into several cases`,
    );
  }
  // The authors' syntax is JavaScript's: anything RegExp refuses is refused with its message.
  try {
    new RegExp(source, 'iu');
  } catch (error) {
    throw new PatternRefused(
      `${(error as Error).message}; escape characters like ( ) [ ] { } . * + ? | \\ with a backslash to match them literally`,
    );
  }
  const matcher = re2(toRe2Syntax(source, knownProperty));
  const instructions = (matcher.re2().prog as { numInst(): number }).numInst();
  if (instructions > MAX_PATTERN_INSTRUCTIONS) {
    throw new PatternRefused(
      `the pattern is too large to match quickly (${instructions} instructions, at most ${MAX_PATTERN_INSTRUCTIONS}); split it into several cases or use smaller repetition counts`,
    );
  }
  return { matcher, instructions };
}

function re2(syntax: string): RE2JS {
  try {
    return RE2JS.compile(syntax, FLAGS);
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error;
    const hint = error.message.includes('repeat count')
      ? 'a repetition count is at most 1000, and nested repetitions multiply (so (a{100}){20} is too many)'
      : 'write it without that part';
    throw new PatternRefused(`RE2 cannot run this pattern (${error.message}); ${hint}`);
  }
}

function knownProperty(name: string): boolean {
  try {
    RE2JS.compile(`\\p{${name}}`);
    return true;
  } catch {
    return false;
  }
}
