/**
 * A small semaphore for password hashing. Each scrypt holds 16 MB and one of
 * libuv's four threads for tens of milliseconds; unbounded, a burst of
 * sign-ins queues every other file, DNS and crypto call of the process behind
 * it (a 200-guess burst once stalled everyone's sign-in for 26 s).
 *
 * At most `slots` hashes run at once. Work that must happen — a browser the
 * account knows, a signed-in member, a reset link, the server itself — waits
 * for a slot and is served first. An anonymous sign-in waits only while fewer
 * than `anonymousQueue` others wait; beyond that it is refused at once (the
 * caller answers 429), so a flood costs the flood, not the household.
 */
export class PasswordSlots {
  private running = 0;
  private readonly priority: Array<() => void> = [];
  private readonly anonymous: Array<() => void> = [];

  constructor(
    readonly slots: number,
    readonly anonymousQueue: number,
  ) {}

  /** Runs `work` in a slot; `undefined` (without running it) when an anonymous caller finds the queue full. */
  async run<T>(work: () => Promise<T>, kind: 'priority' | 'anonymous'): Promise<{ value: T } | undefined> {
    if (this.running >= this.slots) {
      const queue = kind === 'priority' ? this.priority : this.anonymous;
      if (kind === 'anonymous' && queue.length >= this.anonymousQueue) return undefined;
      await new Promise<void>((resolve) => queue.push(resolve));
    } else {
      this.running++;
    }
    try {
      return { value: await work() };
    } finally {
      // The slot passes straight to the next waiter (priority first), or is freed.
      const next = this.priority.shift() ?? this.anonymous.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Hashes running and waiting now. */
  load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.priority.length + this.anonymous.length };
  }
}
