/**
 * Hit ratio over a sliding window: hits and misses are counted in one-minute
 * slots and the ratio covers the last WINDOW_MINUTES minutes, so the gauge
 * reflects current behaviour, not the whole uptime.
 */
export const WINDOW_MINUTES = 5;

export class HitRatioWindow {
  private readonly slots = new Map<number, { hits: number; misses: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  private slot() {
    const minute = Math.floor(this.now() / 60_000);
    let s = this.slots.get(minute);
    if (!s) {
      s = { hits: 0, misses: 0 };
      this.slots.set(minute, s);
      for (const key of this.slots.keys()) if (key <= minute - WINDOW_MINUTES) this.slots.delete(key);
    }
    return s;
  }

  hit(): void {
    this.slot().hits++;
  }

  miss(): void {
    this.slot().misses++;
  }

  /** Ratio of hits over the window, or undefined when nothing was looked up. */
  ratio(): number | undefined {
    const minute = Math.floor(this.now() / 60_000);
    let hits = 0;
    let misses = 0;
    for (const [key, s] of this.slots) {
      if (key > minute - WINDOW_MINUTES) {
        hits += s.hits;
        misses += s.misses;
      }
    }
    return hits + misses === 0 ? undefined : hits / (hits + misses);
  }
}
