import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcessOptions } from './app-process';
import { Launcher } from './launcher';

const FAKE_APP = join(__dirname, '../test/fake-app.js');

describe('Launcher', () => {
  const dir = mkdtempSync(join(tmpdir(), 'launcher-'));
  let launcher: Launcher;
  let n = 0;

  beforeEach(() => (launcher = new Launcher()));
  afterEach(() => launcher.stop('SIGKILL'));

  function fake(behaviour: string, more: Partial<AppProcessOptions> = {}): AppProcessOptions {
    n += 1;
    return {
      name: `fake-${n}`,
      script: FAKE_APP,
      env: { PATH: process.env.PATH, FAKE_APP: behaviour },
      logFile: join(dir, `fake-${n}.log`),
      ...more,
    };
  }

  it('starts an app once it reports ready, its output in its log file, in its directory', async () => {
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    const app = await launcher.startApp(fake('ready', { cwd }));
    expect(app.alive).toBe(true);
    expect(readFileSync(app.logFile!, 'utf8')).toMatch(`starting in ${cwd}\n`);
  });

  it('fails the start of an app that exits first, quoting the end of its log', async () => {
    const start = launcher.startApp(fake('crashes'));
    await expect(start).rejects.toThrow(/^fake-\d+ exited \(3\) while starting; the end of /);
    await expect(start).rejects.toThrow(/cannot listen: address in use/);
  });

  it('fails the start of an app that stays silent past the limit, and kills it', async () => {
    const error: Error = await launcher.startApp(fake('silent'), 300).catch((e) => e);
    expect(error.message).toMatch(/^fake-\d+ did not report ready within 300 ms; the end of /);
    const pid = Number(/fake app \(silent\), pid (\d+)/.exec(error.message)?.[1]);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });

  it('stops an app with SIGTERM', async () => {
    const app = await launcher.startApp(fake('ready'));
    await app.stop();
    expect(await app.exited).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('kills an app that is still running after the grace period', async () => {
    const app = await launcher.startApp(fake('ignores-sigterm'));
    const started = Date.now();
    await app.stop('SIGTERM', 300);
    expect(await app.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(readFileSync(app.logFile!, 'utf8')).toContain('SIGTERM ignored');
  });

  it('stops every app it started, also one still starting and one already gone', async () => {
    const ready = await launcher.startApp(fake('ready'));
    const gone = await launcher.startApp(fake('ready'));
    await gone.stop('SIGKILL');
    const starting = launcher.spawnApp(fake('silent'));
    await launcher.stop();
    for (const app of [ready, gone, starting]) expect(app.alive).toBe(false);
  });

  it('stops once, however often it is asked', async () => {
    await launcher.startApp(fake('ready'));
    expect(launcher.stop()).toBe(launcher.stop());
  });
});
