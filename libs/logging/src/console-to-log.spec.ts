import { EventEmitter } from 'node:events';
import pino from 'pino';
import { routeConsoleTo, routeWarningsTo } from './console-to-log';
import { RepeatLimiter } from './repeat-limiter';

describe('routeConsoleTo', () => {
  const saved = { ...console };
  afterEach(() => Object.assign(console, saved));

  function capture(limiter = new RepeatLimiter()) {
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { base: { app: 'test' }, level: 'debug' },
      { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    routeConsoleTo(logger, limiter);
    return lines;
  }

  it('writes each console call as one JSON line at its level', () => {
    const lines = capture();
    console.log('listening on %d', 3000);
    console.warn('careful');
    console.error(new Error('connect ECONNREFUSED 127.0.0.1:1'));
    expect(lines).toMatchObject([
      { level: 30, msg: 'listening on 3000', app: 'test', context: 'console' },
      { level: 40, msg: 'careful' },
      { level: 50, msg: 'connect ECONNREFUSED 127.0.0.1:1', err: { type: 'Error' } },
    ]);
    expect((lines[2].err as { stack: string }).stack).toContain('ECONNREFUSED');
  });

  it('keeps a message given next to an error', () => {
    const lines = capture();
    console.error('Worker failed to start:', new Error('boom'));
    expect(lines).toMatchObject([{ level: 50, msg: 'Worker failed to start:', err: {} }]);
  });

  it('writes a repeated line once per interval, with the number of repeats dropped', () => {
    let now = 0;
    const limiter = new RepeatLimiter(10_000);
    const occurred = limiter.occurred.bind(limiter);
    limiter.occurred = (key: string) => occurred(key, now);
    const lines = capture(limiter);
    for (now = 0; now < 25_000; now += 2000) console.error(new Error('connect ECONNREFUSED'));
    console.error(new Error('another'));
    expect(lines.map((l) => [l.msg, l.suppressed])).toEqual([
      ['connect ECONNREFUSED', undefined],
      ['connect ECONNREFUSED', 4],
      ['connect ECONNREFUSED', 4],
      ['another', undefined],
    ]);
  });
});

describe('routeWarningsTo', () => {
  it("writes Node's warnings as JSON lines, in place of Node's own printer", () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ base: null }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const proc = new EventEmitter();
    const nodePrinter = jest.fn();
    proc.on('warning', nodePrinter);
    routeWarningsTo(logger, new RepeatLimiter(), proc as unknown as NodeJS.Process);
    const warning = Object.assign(new Error('old thing'), {
      name: 'DeprecationWarning',
      code: 'DEP0999',
    });
    proc.emit('warning', warning);
    proc.emit('warning', warning);
    expect(nodePrinter).not.toHaveBeenCalled();
    expect(lines).toMatchObject([
      {
        level: 40,
        context: 'process',
        warning: 'DeprecationWarning',
        code: 'DEP0999',
        msg: 'old thing',
      },
    ]);
  });
});
