import pino from 'pino';
import { ConfigValidationError } from '@app/config';
import { exitOnStartFailure } from './start-up';

describe('exitOnStartFailure', () => {
  let exit: jest.SpyInstance;
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => jest.restoreAllMocks());

  function logging(json: boolean) {
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { base: { app: 'worker' } },
      { write: (l: string) => lines.push(JSON.parse(l)) },
    );
    return { lines, logging: { logger, json } };
  }

  it('reports a wrong setting as one JSON line listing the problems, and exits with 1', () => {
    const { lines, logging: l } = logging(true);
    exitOnStartFailure(l, 'Worker')(new ConfigValidationError(['A: bad (got "1")', 'B: worse']));
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        app: 'worker',
        problems: ['A: bad (got "1")', 'B: worse'],
        msg: 'Invalid configuration: A: bad (got "1"); B: worse',
      }),
    ]);
    expect(exit).toHaveBeenCalledWith(1);
    expect(stderr).not.toHaveBeenCalled();
  });

  it('reports any other failure with its error', () => {
    const { lines, logging: l } = logging(true);
    exitOnStartFailure(l, 'Worker')(new Error('Redis not reachable within 10000 ms'));
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        msg: 'Worker failed to start: Redis not reachable within 10000 ms',
        err: expect.objectContaining({ type: 'Error', stack: expect.any(String) }),
      }),
    ]);
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('writes readable text instead when logs are for a person at a terminal', () => {
    const { lines, logging: l } = logging(false);
    exitOnStartFailure(l, 'Worker')(new ConfigValidationError(['A: bad']));
    expect(lines).toEqual([]);
    expect(stderr).toHaveBeenCalledWith('Invalid configuration:\n  - A: bad\n');
    expect(exit).toHaveBeenCalledWith(1);
  });
});
