import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFolder } from './data-folder';

describe('DataFolder', () => {
  let cwd: string;
  const opened: DataFolder[] = [];
  const open = (options: { fresh?: boolean } = {}, dir = '.data') => {
    const folder = DataFolder.open(dir, { cwd, ...options });
    opened.push(folder);
    return folder;
  };

  beforeEach(() => (cwd = mkdtempSync(join(tmpdir(), 'stack-data-'))));
  afterEach(() => opened.splice(0).forEach((folder) => folder.close()));

  it('creates the folder under the working directory, with redis/ and logs/', () => {
    const folder = open();
    expect(folder.path).toBe(join(cwd, '.data'));
    expect(folder.redisDir).toBe(join(cwd, '.data/redis'));
    expect(statSync(join(cwd, '.data/logs')).isDirectory()).toBe(true);
    expect(folder.shown()).toBe('.data');
    expect(folder.shown(join(folder.path, 'logs'))).toBe(join('.data', 'logs'));
  });

  it('shows a folder outside the working directory by its absolute path', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'stack-elsewhere-'));
    expect(open({}, elsewhere).shown()).toBe(elsewhere);
  });

  it('generates a setting once and gives the same value at the next start', () => {
    let made = 0;
    const make = () => `value-${++made}`;
    expect(open().generated.get('ADMIN_TOKEN', make)).toBe('value-1');
    expect(open().generated.get('SECRETS_KEY', make)).toBe('value-2');
    opened.splice(0).forEach((folder) => folder.close());
    const again = open();
    expect(again.generated.get('ADMIN_TOKEN', make)).toBe('value-1');
    expect(again.generated.get('SECRETS_KEY', make)).toBe('value-2');
    expect(made).toBe(2);
    const file = join(cwd, '.data/generated.env');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^ADMIN_TOKEN=value-1$/m);
  });

  it('starts empty when fresh, removing only what the stack keeps there', () => {
    const first = open();
    first.generated.get('ADMIN_TOKEN', () => 'old');
    writeFileSync(join(first.redisDir, 'appendonly.aof'), 'SET a 1');
    writeFileSync(first.logFile('gateway'), 'log');
    writeFileSync(join(first.path, 'notes.txt'), 'mine');
    first.close();

    const fresh = open({ fresh: true });
    expect(fresh.generated.get('ADMIN_TOKEN', () => 'new')).toBe('new');
    expect(existsSync(join(fresh.redisDir, 'appendonly.aof'))).toBe(false);
    expect(existsSync(join(fresh.path, 'logs/gateway.log'))).toBe(false);
    expect(readFileSync(join(fresh.path, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it("keeps the previous start's log beside the new one", () => {
    const folder = open();
    writeFileSync(folder.logFile('worker'), 'first start');
    const second = folder.logFile('worker');
    expect(existsSync(second)).toBe(false);
    expect(readFileSync(join(folder.path, 'logs/worker.previous.log'), 'utf8')).toBe('first start');
  });

  it('leaves alone a Redis pid file whose pid is now another program', () => {
    mkdirSync(join(cwd, '.data/redis'), { recursive: true });
    writeFileSync(join(cwd, '.data/redis/redis-server.pid'), `${process.pid}\n`);
    expect(open().redisPidFile).toBe(join(cwd, '.data/redis/redis-server.pid'));
  });

  it('refuses a folder a running stack holds, and takes over a dead one', () => {
    mkdirSync(join(cwd, '.data'));
    // A parent process is alive for sure: the folder is held.
    writeFileSync(join(cwd, '.data/stack.pid'), `${process.ppid}\n`);
    expect(() => open()).toThrow(
      `Another npm start (pid ${process.ppid}) is using the data folder .data: stop it first, ` +
        'or set STACK_DATA_DIR to another folder',
    );
    // A process that has exited leaves its lock behind.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(cwd, '.data/stack.pid'), `${gone}\n`);
    const folder = open();
    expect(readFileSync(join(cwd, '.data/stack.pid'), 'utf8')).toBe(`${process.pid}\n`);
    folder.close();
    expect(existsSync(join(cwd, '.data/stack.pid'))).toBe(false);
  });
});
