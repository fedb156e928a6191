/**
 * Uptime from probe history, defined as time rather than as a count of checks:
 *
 * - each probe result stands for the time from its check until the service's
 *   next check, but for at most PROBE_SPAN_MAX_SECONDS (two probe intervals);
 * - answered time (`up` or `degraded`: members could use the service, if
 *   slowly) divided by observed time (answered + `down`) is the uptime;
 * - time no probe stands for (MediaNest stopped, the job not running) is a
 *   gap: it counts neither as up nor as down, and `observedPercent` says how
 *   much of the window was observed, so a 100 % over a window seen for two
 *   hours does not pass for a month of uptime.
 *
 * Raw history is kept 7 days; complete UTC days are rolled up into
 * `service_uptime_daily` while their history still exists. 24 h is computed
 * from raw history; 7 d and 30 d from the raw history of yesterday and today
 * plus the rollups of the days before, so a page view reads at most two days
 * of raw rows. "7 d" is therefore today so far plus the 6 complete UTC days
 * before it, "30 d" today plus the 29 days before it.
 */
import type { UptimeFigure } from '@medianest/contracts';
import type { ProbeSeconds, UptimeRepository } from './uptime.repository';

const DAY_MS = 86_400_000;

/** Seconds as a figure: the answered share (rounded down, so 100 means no down time at all) and how much of the window was seen. */
export function uptimeFigure(seconds: ProbeSeconds | undefined, windowSeconds: number): UptimeFigure {
  const observed = seconds ? seconds.up + seconds.down : 0;
  if (observed <= 0) return { percent: null, observedPercent: 0 };
  return {
    percent: Math.floor((seconds!.up / observed) * 10_000) / 100,
    observedPercent: Math.min(100, Math.round((observed / windowSeconds) * 1000) / 10),
  };
}

export function utcDayStart(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}

function dayString(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * Writes daily rollups from raw history (idempotent: a day written again gets
 * the same figures): always the last two complete UTC days, and any of the
 * last six complete days that has no rollup yet (a new install, a restart
 * after a pause). Runs hourly, before raw history past its retention goes.
 */
export async function writeDailyRollups(repo: UptimeRepository, services: string[], now: Date): Promise<number> {
  if (services.length === 0) return 0;
  const today = utcDayStart(now);
  const dayAt = (back: number) => dayString(new Date(today.getTime() - back * DAY_MS));
  const have = await repo.rolledUpDays(dayAt(6));
  let written = 0;
  for (let back = 6; back >= 1; back--) {
    if (back > 2 && have.has(dayAt(back))) continue;
    const from = new Date(today.getTime() - back * DAY_MS);
    const seconds = await repo.probeSeconds(services, [from], new Date(from.getTime() + DAY_MS));
    const rows = [...seconds].map(([service, [s]]) => ({
      service,
      day: dayString(from),
      upSeconds: Math.round(s!.up),
      downSeconds: Math.round(s!.down),
    }));
    if (rows.length === 0) continue;
    await repo.saveRollups(rows);
    written += rows.length;
  }
  return written;
}

function add(a: ProbeSeconds | undefined, b: ProbeSeconds | undefined): ProbeSeconds {
  return { up: (a?.up ?? 0) + (b?.up ?? 0), down: (a?.down ?? 0) + (b?.down ?? 0) };
}

/**
 * Uptime over the last 24 hours, 7 days and 30 days (see the top of this
 * file): 24 h from raw history; 7 d and 30 d from raw history since the start
 * of yesterday (UTC) plus the daily rollups of the days before.
 */
export async function uptimeFigures(
  repo: UptimeRepository,
  services: string[],
  now: Date,
): Promise<Map<string, { h24: UptimeFigure; d7: UptimeFigure; d30: UptimeFigure }>> {
  const today = utcDayStart(now);
  const yesterday = new Date(today.getTime() - DAY_MS);
  const since7 = new Date(today.getTime() - 6 * DAY_MS);
  const since30 = new Date(today.getTime() - 29 * DAY_MS);
  const [raw, rollups] = await Promise.all([
    repo.probeSeconds(services, [new Date(now.getTime() - DAY_MS), yesterday], now),
    repo.rollupSums(services, { from30: dayString(since30), from7: dayString(since7), before: dayString(yesterday) }),
  ]);
  const rolled = new Map(rollups.map((r) => [r.service, r]));
  const nowS = now.getTime() / 1000;
  const figures = new Map<string, { h24: UptimeFigure; d7: UptimeFigure; d30: UptimeFigure }>();
  for (const service of services) {
    const [h24, sinceYesterday] = raw.get(service) ?? [];
    const r = rolled.get(service);
    figures.set(service, {
      h24: uptimeFigure(h24, 86_400),
      d7: uptimeFigure(add(r && { up: Number(r.up7), down: Number(r.down7) }, sinceYesterday), nowS - since7.getTime() / 1000),
      d30: uptimeFigure(add(r && { up: Number(r.up30), down: Number(r.down30) }, sinceYesterday), nowS - since30.getTime() / 1000),
    });
  }
  return figures;
}
