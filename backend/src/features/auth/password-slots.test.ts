import { describe, expect, it } from 'vitest';
import { PasswordSlots } from './password-slots';

/** A piece of work that finishes when the test says so. */
function gate() {
  let open!: () => void;
  const done = new Promise<void>((resolve) => (open = resolve));
  return { open, work: () => done.then(() => 'hashed') };
}

describe('password hashing slots', () => {
  it('runs at most `slots` at once, queues a few anonymous callers, refuses the rest, and serves priority work first', async () => {
    const slots = new PasswordSlots(2, 2);
    const order: string[] = [];
    const [a, b] = [gate(), gate()];
    const running = [slots.run(a.work, 'anonymous'), slots.run(b.work, 'anonymous')];
    expect(slots.load()).toEqual({ running: 2, waiting: 0 });

    const queued = [1, 2].map((n) => slots.run(async () => order.push(`anonymous ${n}`), 'anonymous'));
    // The anonymous queue is full: refused at once, without running.
    expect(await slots.run(async () => order.push('refused'), 'anonymous')).toBeUndefined();
    // A known device (priority) still waits for a slot, and gets the first one that frees.
    const owner = slots.run(async () => order.push('known device'), 'priority');
    expect(slots.load()).toEqual({ running: 2, waiting: 3 });

    a.open();
    b.open();
    expect(await Promise.all(running)).toEqual([{ value: 'hashed' }, { value: 'hashed' }]);
    await Promise.all([...queued, owner]);
    expect(order).toEqual(['known device', 'anonymous 1', 'anonymous 2']);
    expect(slots.load()).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot when the work fails', async () => {
    const slots = new PasswordSlots(1, 0);
    await expect(slots.run(() => Promise.reject(new Error('boom')), 'priority')).rejects.toThrow('boom');
    expect(await slots.run(async () => 'next', 'anonymous')).toEqual({ value: 'next' });
  });
});
