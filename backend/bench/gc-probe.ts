/**
 * Preloaded into a soak instance (`node --expose-gc --require gc-probe.js`):
 * on SIGUSR2 it runs a full garbage collection and prints one line
 * `gc-probe {"heapUsed":…,"rss":…}`, so the bench can report the heap that is
 * really in use at the end of a soak, not the garbage of the last seconds.
 */
process.on('SIGUSR2', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  process.stdout.write(
    `gc-probe ${JSON.stringify({ heapUsed: m.heapUsed, heapTotal: m.heapTotal, rss: m.rss, external: m.external, collected: Boolean(gc) })}\n`,
  );
});
