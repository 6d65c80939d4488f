import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TURN_SCRIPTS, withIncludes } from './turn-scripts';

// The scripts' headers are their documentation: these checks keep every header true to the
// code under it, so that a reader can trust it without reading the Lua.

const LUA_DIR = join(__dirname, 'lua');
const files = readdirSync(LUA_DIR).filter((f) => f.endsWith('.lua'));

function header(source: string): string {
  const end = source.indexOf(']]');
  return source.startsWith('--[[') && end > 0 ? source.slice(0, end) : '';
}

/** The highest KEYS[n] or ARGV[n] a text uses. */
function highest(text: string, table: 'KEYS' | 'ARGV'): number {
  const found = [...text.matchAll(new RegExp(`${table}\\[(\\d+)\\]`, 'g'))].map((m) => +m[1]);
  return Math.max(0, ...found);
}

describe('turn scripts', () => {
  it('has one script a file, named <name>-<keys>, and defines each of them', () => {
    const names = files.map((f) => f.replace(/-\d+\.lua$/, ''));
    expect(names.sort()).toEqual(Object.keys(TURN_SCRIPTS).sort());
    for (const file of files) {
      const [, name, keys] = /^([a-z-]+)-(\d+)\.lua$/.exec(file) ?? [];
      const script = TURN_SCRIPTS[name as keyof typeof TURN_SCRIPTS];
      expect({ file, keys: script.numberOfKeys }).toEqual({ file, keys: Number(keys) });
    }
  });

  it.each(files)('%s: the header names every key and argument the code uses', (file) => {
    const source = readFileSync(join(LUA_DIR, file), 'utf8');
    const head = header(source);
    const code = source.slice(head.length);
    const keys = Number(/-(\d+)\.lua$/.exec(file)![1]);
    expect(head).toMatch(/Input:/);
    expect(head).toMatch(/Output:/);
    for (let i = 1; i <= keys; i++) expect(head).toContain(`KEYS[${i}]`);
    expect(highest(code, 'KEYS')).toBe(keys);
    for (let i = 1; i <= highest(code, 'ARGV'); i++) {
      // A variadic tail is named as ARGV[n...].
      expect(head).toMatch(new RegExp(`ARGV\\[${i}(\\.\\.\\.)?\\]`));
    }
  });

  it('pulls the includes into the scripts that name them', () => {
    expect(TURN_SCRIPTS.commit.lua).toContain('local function release_head(');
    expect(TURN_SCRIPTS.commit.lua).not.toContain('@include');
    expect(() => withIncludes('--- @include "nothing"')).toThrow('Unknown Lua include "nothing"');
  });
});
