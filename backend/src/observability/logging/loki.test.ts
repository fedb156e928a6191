import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLokiReceiver, type LokiReceiver } from '../../../test/receivers/loki-receiver';
import { LokiShipper, type LokiDeliveryEvent, type LokiShipperOptions } from './loki';
import { register } from '../metrics/catalog';

async function droppedTotal(): Promise<number> {
  const metric = await register.getSingleMetric('medianest_log_lines_dropped_total')!.get();
  return metric.values[0]?.value ?? 0;
}

const line = (n: number) => JSON.stringify({ level: 'info', message: `line ${n}`, n }) + '\n';

describe('LokiShipper', () => {
  let loki: LokiReceiver;
  const shippers: LokiShipper[] = [];
  const ship = (options: Partial<LokiShipperOptions> = {}) => {
    const shipper = new LokiShipper({
      url: loki.url,
      labels: { service: 'medianest-backend', environment: 'test' },
      maxBufferLines: 10_000,
      flushIntervalMs: 50,
      retryBaseMs: 20,
      retryMaxMs: 200,
      requestTimeoutMs: 1_000,
      ...options,
    });
    shippers.push(shipper);
    return shipper;
  };

  beforeEach(async () => {
    loki = await startLokiReceiver();
  });
  afterEach(async () => {
    await Promise.all(shippers.splice(0).map((s) => s.close(100)));
    await loki.close();
  });

  it('pushes lines in order with exactly the given stream labels and nanosecond timestamps', async () => {
    const shipper = ship();
    for (let i = 0; i < 20; i++) shipper.write(line(i));
    await loki.waitFor((lines) => lines.length === 20);
    expect(loki.lines.map((l) => l.json?.n)).toEqual([...Array(20).keys()]);
    for (const l of loki.lines) {
      expect(l.labels).toEqual({ service: 'medianest-backend', environment: 'test' });
      expect(l.timestampNs).toMatch(/^\d{19}$/);
      expect(l.line.endsWith('\n')).toBe(false);
    }
    const stamps = loki.lines.map((l) => BigInt(l.timestampNs));
    expect(stamps.every((t, i) => i === 0 || t > stamps[i - 1]!)).toBe(true);
    expect(Math.abs(Number(stamps[0]! / 1_000_000n) - Date.now())).toBeLessThan(60_000);
  });

  it('delivers lines with quotes, backslashes, control characters and non-ASCII text exactly as written', async () => {
    const shipper = ship();
    const texts = ['say "hi"', 'C:\\media\\films', 'tab\there\u0001', 'Amélie — 千と千尋の神隠し 🎬'];
    for (const text of texts) shipper.write(`${JSON.stringify({ message: text })}\n`);
    await loki.waitFor((lines) => lines.length === texts.length);
    expect(loki.lines.map((l) => (l.json as { message: string }).message)).toEqual(texts);
  });

  it('sends a full batch at once without waiting for the interval', async () => {
    const shipper = ship({ flushIntervalMs: 60_000, batchLines: 10 });
    for (let i = 0; i < 10; i++) shipper.write(line(i));
    await loki.waitFor((lines) => lines.length === 10, 2_000);
    expect(loki.bodies).toHaveLength(1);
  });

  it('holds lines while Loki answers 503 and delivers every one of them when it recovers', async () => {
    const events: LokiDeliveryEvent[] = [];
    const shipper = ship({ onDeliveryChange: (e) => events.push(e) });
    loki.failWith(503);
    for (let i = 0; i < 300; i++) shipper.write(line(i));
    const deadline = Date.now() + 5_000;
    while (loki.rejectedPushes < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(loki.rejectedPushes).toBeGreaterThanOrEqual(3);
    expect(loki.lines).toHaveLength(0);
    expect(shipper.bufferedLines).toBe(300);

    for (let i = 300; i < 400; i++) shipper.write(line(i));
    loki.failWith(undefined);
    await loki.waitFor(() => events.length === 2 && shipper.bufferedLines === 0, 10_000, 'delivery to resume');
    expect(loki.lines.map((l) => l.json?.n)).toEqual([...Array(400).keys()]);
    expect(events.map((e) => e.state)).toEqual(['failing', 'resumed']);
  });

  it('survives Loki being down (connection refused) and resumes on its own', async () => {
    const shipper = ship();
    await loki.goDown();
    for (let i = 0; i < 50; i++) shipper.write(line(i));
    await new Promise((r) => setTimeout(r, 300)); // several refused attempts
    expect(shipper.bufferedLines).toBe(50);
    await loki.resume();
    await loki.waitFor(() => shipper.delivered === 50, 10_000, 'all 50 lines acknowledged');
    expect(loki.lines).toHaveLength(50);
  });

  it('gives up on a push Loki never answers after requestTimeoutMs, and keeps its lines for the next attempt', async () => {
    const events: LokiDeliveryEvent[] = [];
    // Accepts the connection and reads the push, then says nothing.
    const silent = http.createServer((req) => req.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const shipper = ship({ url: silentUrl, requestTimeoutMs: 100, onDeliveryChange: (e) => events.push(e) });
      for (let i = 0; i < 3; i++) shipper.write(line(i));
      await expect(shipper.flush(400)).resolves.toBe(false);
      expect(events[0]).toMatchObject({ state: 'failing', bufferedLines: 3 });
      expect((events[0] as { error: string }).error).toMatch(/no answer within 100 ms/);
      expect(shipper.bufferedLines).toBe(3);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("waits as long as a 429 answer's Retry-After asks before pushing again", async () => {
    const pushes: number[] = [];
    const limited = http.createServer((req, res) => {
      req.resume();
      pushes.push(Date.now());
      if (pushes.length === 1) res.writeHead(429, { 'Retry-After': '1' }).end('too many pushes');
      else res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => limited.listen(0, '127.0.0.1', resolve));
    const events: LokiDeliveryEvent[] = [];
    try {
      const shipper = ship({
        url: `http://127.0.0.1:${(limited.address() as AddressInfo).port}`,
        retryMaxMs: 5_000,
        onDeliveryChange: (e) => events.push(e),
      });
      shipper.write(line(1));
      await loki.waitFor(() => shipper.delivered === 1, 5_000, 'the line delivered after the wait');
      expect(pushes).toHaveLength(2);
      // Retry-After: 1 is a floor under the 20 ms first backoff these tests use.
      expect(pushes[1]! - pushes[0]!).toBeGreaterThanOrEqual(950);
      expect(events[0]).toMatchObject({ state: 'failing' });
      expect((events[0] as { error: string }).error).toBe('Loki answered 429: too many pushes');
    } finally {
      limited.closeAllConnections();
      await new Promise((resolve) => limited.close(resolve));
    }
  });

  it('drops lines beyond the buffer bound and counts them in medianest_log_lines_dropped_total', async () => {
    const before = await droppedTotal();
    const shipper = ship({ maxBufferLines: 100, batchLines: 50 });
    loki.failWith(503);
    for (let i = 0; i < 130; i++) shipper.write(line(i));
    expect(shipper.dropped).toBe(30);
    expect((await droppedTotal()) - before).toBe(30);
    loki.failWith(undefined);
    await loki.waitFor((lines) => lines.length === 100);
    expect(loki.lines.map((l) => l.json?.n)).toEqual([...Array(100).keys()]);
  });

  it('gives up on a batch Loki refuses as invalid (400) and keeps shipping the rest', async () => {
    const events: LokiDeliveryEvent[] = [];
    const shipper = ship({ batchLines: 5, onDeliveryChange: (e) => events.push(e) });
    loki.failWith(400);
    for (let i = 0; i < 5; i++) shipper.write(line(i));
    const deadline = Date.now() + 3_000;
    while (events.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    loki.failWith(undefined);
    for (let i = 5; i < 10; i++) shipper.write(line(i));
    await loki.waitFor((lines) => lines.length === 5);
    expect(loki.lines.map((l) => l.json?.n)).toEqual([5, 6, 7, 8, 9]);
    expect(events[0]).toMatchObject({ state: 'rejected', status: 400, lines: 5 });
  });

  it('close() sends what is pending before resolving, within its time budget', async () => {
    const shipper = ship({ flushIntervalMs: 60_000 });
    for (let i = 0; i < 7; i++) shipper.write(line(i));
    expect(loki.lines).toHaveLength(0);
    await expect(shipper.close(2_000)).resolves.toBe(true);
    expect(loki.lines).toHaveLength(7);
  });

  it('close() gives up when Loki stays down, instead of holding up the exit', async () => {
    const shipper = ship({ flushIntervalMs: 60_000 });
    await loki.goDown();
    shipper.write(line(1));
    const began = Date.now();
    await expect(shipper.close(300)).resolves.toBe(false);
    expect(Date.now() - began).toBeLessThan(2_000);
  });
});
