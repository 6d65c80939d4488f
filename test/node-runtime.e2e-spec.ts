import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@app/launcher';

// scripts/node-runtime.js, run as `npm start` and .ci/run run it. Where it installs a runtime,
// a checkout in a temporary directory stands in for the project: its .nvmrc names a Node.js
// newer than this one, and its .runtime/ holds a stand-in binary or nothing (the real install
// from the registry is what .ci/run does on a machine with an older node).

const SCRIPT = join(__dirname, '../scripts/node-runtime.js');
const PACKAGE = `${process.platform === 'darwin' && process.arch === 'arm64' ? 'node-bin' : 'node'}-${process.platform}-${process.arch}`;
const FUTURE = String(Number(process.versions.node.split('.')[0]) + 1);
const checkouts: string[] = [];
afterAll(() => checkouts.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function run(cwd: string, script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [script, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** A checkout with the script and an .nvmrc, optionally with a Node.js in .runtime/. */
function checkout(nvmrc: string, installed?: { version: string }) {
  const dir = mkdtempSync(join(tmpdir(), 'wg-node-runtime-'));
  checkouts.push(dir);
  mkdirSync(join(dir, 'scripts'));
  copyFileSync(SCRIPT, join(dir, 'scripts', 'node-runtime.js'));
  writeFileSync(join(dir, '.nvmrc'), `${nvmrc}\n`);
  const prefix = join(dir, '.runtime', 'node_modules', PACKAGE);
  if (installed) {
    mkdirSync(join(prefix, 'bin'), { recursive: true });
    writeFileSync(join(prefix, 'package.json'), JSON.stringify({ name: PACKAGE, ...installed }));
    // Says which binary ran, with what, and what npm would build native modules against.
    writeFileSync(
      join(prefix, 'bin', 'node'),
      `#!/bin/sh\necho "node ${installed.version} $*; nodedir=$npm_config_nodedir"\n`,
    );
    chmodSync(join(prefix, 'bin', 'node'), 0o755);
  }
  return { dir, script: join(dir, 'scripts', 'node-runtime.js'), prefix };
}

describe('scripts/node-runtime.js', () => {
  describe('in this checkout, on the Node.js it names', () => {
    const root = join(__dirname, '..');

    it('prefix prints this Node.js’s own prefix', () => {
      const result = run(root, SCRIPT, ['prefix']);
      expect(result).toMatchObject({ code: 0, err: '' });
      expect(result.out.trim()).toBe(join(process.execPath, '..', '..'));
    });

    it('run runs the command as it is, and exits with its code', () => {
      const ok = run(root, SCRIPT, ['run', 'node', '-p', 'process.versions.node']);
      expect(ok).toEqual({ code: 0, out: `${process.versions.node}\n`, err: '' });
      expect(run(root, SCRIPT, ['run', 'node', '-e', 'process.exit(3)']).code).toBe(3);
    });
  });

  describe('on a Node.js older than .nvmrc names', () => {
    it('run uses the Node.js in .runtime/ for the command and what it starts', () => {
      const { dir, script, prefix } = checkout(FUTURE, { version: `${FUTURE}.2.1` });
      const result = run(dir, script, ['run', 'sh', '-c', 'node --version']);
      expect(result.code).toBe(0);
      expect(result.out).toBe(`node ${FUTURE}.2.1 --version; nodedir=${prefix}\n`);
      expect(result.err).toContain(
        `Node.js ${process.versions.node} is older than this project's ${FUTURE} (.nvmrc)`,
      );
    });

    it('prefix prints the prefix in .runtime/ when the version there is the one named', () => {
      const { dir, script, prefix } = checkout(`${FUTURE}.2`, { version: `${FUTURE}.2.1` });
      expect(run(dir, script, ['prefix'])).toEqual({ code: 0, out: `${prefix}\n`, err: '' });
    });

    it('says so and fails when the registry cannot give it the runtime', async () => {
      // Another minor than the one installed: it must install, from a registry that is not there.
      const { dir, script } = checkout(`${FUTURE}.3`, { version: `${FUTURE}.2.1` });
      const result = run(dir, script, ['prefix'], {
        npm_config_registry: `http://127.0.0.1:${await freePort()}/`,
        npm_config_fetch_retries: '0',
        npm_config_cache: join(dir, '.npm-cache'),
      });
      expect(result.code).toBe(1);
      expect(result.out).toBe('');
      expect(result.err).toContain(`Installing Node.js ${FUTURE}.3 (${PACKAGE}@${FUTURE}.3`);
      expect(result.err).toContain(`node-runtime: could not install Node.js ${FUTURE}.3`);
      expect(result.err).toContain('nvm install reads .nvmrc');
    });
  });

  it.each(['lts/krypton', '24.x', ''])(
    'refuses an .nvmrc of "%s" with a clear message',
    (nvmrc) => {
      const { dir, script } = checkout(nvmrc);
      const result = run(dir, script, ['prefix']);
      expect(result.code).toBe(1);
      expect(result.err).toBe(
        `node-runtime: .nvmrc holds "${nvmrc}"; expected a version such as 24 or 24.21\n`,
      );
    },
  );

  it('answers a usage line to an unknown command', () => {
    const result = run(join(__dirname, '..'), SCRIPT, ['start']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('usage: node scripts/node-runtime.js prefix | run <command>');
  });
});
