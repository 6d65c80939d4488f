import {
  checkTimer,
  decodeTimersToArm,
  encodeTimerOps,
  runningTimers,
  timerFields,
  timerOps,
} from './timers';

describe('timer operations', () => {
  it("turns each timer's last effect into a due time or a cancel, and clears the fired one first", () => {
    const ops = encodeTimerOps(
      timerOps(
        { channelId: 'c', chatId: 'a.b c' },
        'shop',
        [
          { type: 'start_timer', name: 'nudge', delayMs: 1000 },
          { type: 'cancel_timer', name: 'nudge' },
          { type: 'start_timer', name: 'nudge', delayMs: 5000 },
          { type: 'cancel_timer', name: 'late' },
        ],
        100,
        'nudge',
      ),
    );
    expect(JSON.parse(ops)).toEqual([
      ['shop:nudge', 'fired'],
      ['shop:nudge', '5100', 'timer.c.a%2Eb%20c.shop.nudge.5100'],
      ['shop:late', 'cancel'],
    ]);
  });

  it('is empty when the turn does nothing to timers', () => {
    expect(timerOps({ channelId: 'c', chatId: 'x' }, 'shop', [], 100)).toEqual([]);
    expect(encodeTimerOps([])).toBe('');
  });

  it('reads the timers to arm back, with names that contain what separates them elsewhere', () => {
    expect(decodeTimersToArm(['shop:nudge', '1700000000123', 'a-b:x.y|z', 5])).toEqual([
      { agentId: 'shop', name: 'nudge', dueAt: 1700000000123 },
      { agentId: 'a-b', name: 'x.y|z', dueAt: 5 },
    ]);
    expect(timerFields({ agentId: 'shop', name: 'nudge' })).toEqual({
      due: 'timer:shop:nudge',
      armed: 'armed:shop:nudge',
    });
  });
});

describe('checkTimer', () => {
  const armed = 'timer.c.chat.shop.nudge.1000|1000';
  const jobId = 'timer.c.chat.shop.nudge.1000';

  it('fires a timer that is due, from the job armed for it', () => {
    expect(checkTimer(jobId, '1000', armed, 1000)).toEqual({ action: 'fire' });
  });

  it('postpones a timer that was started again, to its new due time', () => {
    expect(checkTimer(jobId, '9000', armed, 1000)).toEqual({
      action: 'postpone',
      dueAt: 9000,
    });
  });

  it('skips a cancelled timer, and one that another job is armed for', () => {
    expect(checkTimer(jobId, '', armed, 1000)).toEqual({ action: 'skip', why: 'cancelled' });
    expect(checkTimer(jobId, '1000', 'other|500', 1000)).toEqual({
      action: 'skip',
      why: 'armed_again',
    });
    expect(checkTimer(jobId, '1000', '', 1000)).toEqual({ action: 'skip', why: 'armed_again' });
  });
});

describe('runningTimers', () => {
  it("reads the due times of a chat's hash, earliest first, and nothing else", () => {
    const hash = {
      state: '{}',
      seq: '3',
      'timer:shop:nudge': '2000',
      'armed:shop:nudge': 'job-1|2000',
      'timer:shop:a:b': '1000',
    };
    expect(runningTimers(hash)).toEqual([
      { agentId: 'shop', name: 'a:b', dueAt: 1000 },
      { agentId: 'shop', name: 'nudge', dueAt: 2000 },
    ]);
  });

  it('finds none in a chat without timers', () => {
    expect(runningTimers({ state: '{}' })).toEqual([]);
  });
});
