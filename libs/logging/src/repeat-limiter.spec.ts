import { RepeatLimiter } from './repeat-limiter';

describe('RepeatLimiter', () => {
  it('logs a key at once, counts its repeats within the interval, and logs it again after', () => {
    const limiter = new RepeatLimiter(1000);
    expect(limiter.occurred('a', 0)).toEqual({ log: true, suppressed: 0 });
    expect(limiter.occurred('a', 500)).toEqual({ log: false, suppressed: 1 });
    expect(limiter.occurred('b', 600)).toEqual({ log: true, suppressed: 0 });
    expect(limiter.occurred('a', 999)).toEqual({ log: false, suppressed: 2 });
    expect(limiter.occurred('a', 1000)).toEqual({ log: true, suppressed: 2 });
    expect(limiter.occurred('a', 1500)).toEqual({ log: false, suppressed: 1 });
  });

  it('forgets the least recently logged keys past its size', () => {
    const limiter = new RepeatLimiter(1000);
    for (let i = 0; i <= 1000; i++) limiter.occurred(`k${i}`, 0);
    expect(limiter.occurred('k0', 1).log).toBe(true); // forgotten: logged again
    expect(limiter.occurred('k1000', 1).log).toBe(false);
  });
});
