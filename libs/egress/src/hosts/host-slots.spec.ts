import { HostSlots } from './host-slots';

describe('HostSlots', () => {
  it('grants up to the limit at once, then in order of asking as slots free', async () => {
    const slots = new HostSlots(2);
    const signal = new AbortController().signal;
    expect(await slots.acquire(signal)).toBe(true);
    expect(await slots.acquire(signal)).toBe(true);
    const order: number[] = [];
    const third = slots.acquire(signal).then((ok) => ok && order.push(3));
    const fourth = slots.acquire(signal).then((ok) => ok && order.push(4));
    expect(slots.queued).toBe(2);
    slots.release();
    slots.release();
    await Promise.all([third, fourth]);
    expect(order).toEqual([3, 4]);
    expect(slots.active).toBe(2);
    slots.release();
    slots.release();
    expect(slots.active).toBe(0);
  });

  it('gives up a wait when its signal aborts, and the freed slot goes to the next', async () => {
    const slots = new HostSlots(1);
    const never = new AbortController().signal;
    await slots.acquire(never);
    const impatient = new AbortController();
    const first = slots.acquire(impatient.signal);
    const second = slots.acquire(never);
    impatient.abort();
    expect(await first).toBe(false);
    expect(slots.queued).toBe(1);
    slots.release();
    expect(await second).toBe(true);
    expect(slots.active).toBe(1);
  });

  it('refuses at once on a signal already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await new HostSlots(5).acquire(controller.signal)).toBe(false);
  });
});
