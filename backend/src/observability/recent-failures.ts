/**
 * Each member's latest failed calls (answers of 500 and above, which include
 * an upstream being unavailable), with their request and trace ids, so a
 * problem report can tell the owner which traces and log lines to open.
 * Fed by the access log for every request (http/access-log.ts), so no feature
 * records anything. Bounded: a few calls per member, a few hundred members,
 * in memory (per process; lost on restart, which is fine for "recent").
 */
export interface RecentFailure {
  at: string;
  method: string;
  /** The route template (never a raw path). */
  route: string;
  status: number;
  requestId: string;
  traceId: string | null;
}

export const FAILURES_KEPT_PER_USER = 5;
const USERS_KEPT = 500;

const byUser = new Map<string, RecentFailure[]>();

export function recordFailure(userId: string, failure: RecentFailure): void {
  const ring = byUser.get(userId) ?? [];
  // Re-inserting moves the member to the newest end, so the least recently failing member is dropped first.
  byUser.delete(userId);
  ring.push(failure);
  if (ring.length > FAILURES_KEPT_PER_USER) ring.splice(0, ring.length - FAILURES_KEPT_PER_USER);
  byUser.set(userId, ring);
  if (byUser.size > USERS_KEPT) byUser.delete(byUser.keys().next().value!);
}

/** The member's latest failed calls, newest first, not older than `maxAgeMs`. */
export function recentFailuresOf(userId: string, maxAgeMs = 24 * 3_600_000, now = Date.now()): RecentFailure[] {
  return (byUser.get(userId) ?? []).filter((f) => now - Date.parse(f.at) <= maxAgeMs).reverse();
}
