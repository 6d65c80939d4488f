import { REPEATED_ERROR_LOG_MS, throttled, throttledCounting } from './throttled';

describe('throttled', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('runs the first call at once and drops the others for the interval', () => {
    const log = jest.fn();
    const warn = throttled(log);
    warn('a');
    warn('b');
    jest.advanceTimersByTime(REPEATED_ERROR_LOG_MS - 1);
    warn('c');
    expect(log.mock.calls).toEqual([['a']]);
    jest.advanceTimersByTime(1);
    warn('d');
    warn('e');
    expect(log.mock.calls).toEqual([['a'], ['d']]);
  });

  it('takes another interval', () => {
    const log = jest.fn();
    const warn = throttled(log, 100);
    warn(1);
    jest.advanceTimersByTime(100);
    warn(2);
    expect(log.mock.calls).toEqual([[1], [2]]);
  });
});

describe('throttledCounting', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('tells each run how many calls were dropped since the last one', () => {
    const log = jest.fn();
    const warn = throttledCounting(log, 100);
    warn('a');
    warn('b');
    warn('c');
    jest.advanceTimersByTime(100);
    warn('d');
    jest.advanceTimersByTime(100);
    warn('e');
    expect(log.mock.calls).toEqual([
      [0, 'a'],
      [2, 'd'],
      [0, 'e'],
    ]);
  });
});
