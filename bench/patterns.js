'use strict';
// What scenario patterns cost on RE2 (libs/scenario/src/patterns.ts) against the RegExp engine
// they used to run on: typical patterns and messages, then the worst a pattern may cost.
// Usage: node bench/patterns.js   (no build needed: the two TypeScript files are transpiled here)
const { readFileSync } = require('node:fs');
const ts = require('typescript');

// Load the matcher from its sources, so that the figures are those of the code as it is.
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  module._compile(outputText, filename);
};
const patterns = require('../libs/scenario/src/patterns.ts');

const TYPICAL = [
  'operator|human|person|agent',
  'hour|open|time',
  '^\\s*\\d{6}\\s*$',
  '^\\s*\\+?[0-9][0-9 ()-]{5,18}[0-9]\\s*$',
  '^\\s*(yes|yep|sure|correct|ok)\\b',
  'price|cost|стоимость|цена|сколько стоит',
  '^\\s*(да|ага|конечно|нет)\\b',
  'заказ\\s*№?\\s*\\d+',
  '\\b(hi|hello)\\b|привет|здравствуйте',
  '^\\p{L}+$',
];
const MESSAGES = [
  'Hello',
  'когда вы открыты?',
  '123456',
  '+7 916 123-45-67',
  'Здравствуйте, подскажите, пожалуйста, сколько стоит доставка в Казань?',
  'I would like to talk to a person about my order 654321, it has not arrived yet',
  'да',
  'заказ № 12345 где он',
];

function perCall(fn, rounds) {
  for (let i = 0; i < Math.min(rounds, 1000); i++) fn(); // warm up
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) fn();
  return Number(process.hrtime.bigint() - start) / rounds; // ns
}

const regexps = TYPICAL.map((p) => new RegExp(p, 'iu'));
const pairs = TYPICAL.length * MESSAGES.length;
const rounds = 2000;
const jsNs = perCall(() => {
  for (const re of regexps) for (const m of MESSAGES) re.test(m);
}, rounds);
const re2Ns = perCall(() => {
  for (const p of TYPICAL) for (const m of MESSAGES) patterns.patternMatches(p, m);
}, rounds);
console.log(`typical: ${TYPICAL.length} patterns x ${MESSAGES.length} messages (5-80 characters)`);
console.log(`  RegExp   ${(jsNs / pairs / 1000).toFixed(2)} µs per match`);
console.log(`  RE2      ${(re2Ns / pairs / 1000).toFixed(2)} µs per match`);

const compileStart = process.hrtime.bigint();
let n = 0;
for (const p of TYPICAL) {
  patterns.compilePattern(`${p}|x${n++}`); // a new source each time, past the cache
}
const compileUs = Number(process.hrtime.bigint() - compileStart) / TYPICAL.length / 1000;
console.log(`  compile  ${compileUs.toFixed(0)} µs per pattern (uncached)`);

// The worst: the largest program allowed, built so that RE2's automaton cannot be cached
// (a letter, then N more), each time a new pattern on a new random text with no match.
let fresh = 0;
function worst(length) {
  const pattern = `[аб]\\p{L}{${patterns.MAX_PATTERN_INSTRUCTIONS - 12}}x|q${fresh++}`;
  const text = Array.from({ length }, () => (Math.random() < 0.5 ? 'а' : 'б')).join('');
  const compiled = patterns.compilePattern(pattern);
  const start = process.hrtime.bigint();
  compiled.test(text);
  return Number(process.hrtime.bigint() - start) / 1e6;
}
for (const length of [100, 1000, patterns.MAX_MATCHED_LENGTH]) {
  const ms = Math.max(...[1, 2, 3].map(() => worst(length)));
  console.log(`worst: largest pattern on ${length} characters: ${ms.toFixed(1)} ms`);
}
// A pattern that backtracks exponentially: RegExp's time doubles with each letter (28 letters
// took 20 s on the machine of docs/performance.md), RE2's grows linearly.
const redos = '^(\\w+\\s?)+$';
for (const letters of [16, 20, 22, 28]) {
  const evil = `${'a'.repeat(letters)}!`;
  const re2Us = perCall(() => patterns.patternMatches(redos, evil), 100) / 1000;
  const js =
    letters > 22
      ? 'not run'
      : `${(perCall(() => new RegExp(redos, 'iu').test(evil), 1) / 1e6).toFixed(0)} ms`;
  console.log(`${redos} on ${letters} letters and "!": RE2 ${re2Us.toFixed(1)} µs, RegExp ${js}`);
}
