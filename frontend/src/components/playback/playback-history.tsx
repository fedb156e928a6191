/**
 * The admin's playback history (GET /api/v1/admin/playback/history): who
 * watched what in the last day, week or month — each play with member,
 * title, device, decision and how long — with top titles and plays per member.
 */
import { useState } from 'react';
import { api } from '../../api/client';
import { DECISION_LABELS, formatWatched, streamTitle } from '../../api/playback';
import { useApiData } from '../../hooks/use-api-data';
import { EmptyState, ErrorMessage, SkeletonRows } from '../feedback';
import { PlaybackRollup } from './playback-rollup';
import { Table } from '../table';

const WINDOWS = [1, 7, 30] as const;

export function PlaybackHistory() {
  const [days, setDays] = useState<number>(7);
  const history = useApiData(async (signal) => api.get('/api/v1/admin/playback/history', { days }, signal), [days]);
  const plays = history.data?.plays ?? [];
  return (
    <section aria-labelledby="playback-history-heading" className="panel">
      <h2 id="playback-history-heading">History</h2>
      <label>
        Window{' '}
        <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {WINDOWS.map((d) => (
            <option key={d} value={d}>
              {d === 1 ? 'Last 24 hours' : `Last ${d} days`}
            </option>
          ))}
        </select>
      </label>
      {history.loading ? (
        <SkeletonRows count={3} label="Loading the playback history" />
      ) : history.error ? (
        <ErrorMessage message={history.error} onRetry={history.reload} />
      ) : !history.data || plays.length === 0 ? (
        <EmptyState>Nothing was played in this window.</EmptyState>
      ) : (
        <>
          <PlaybackRollup history={history.data} />
          <Table
            label="Plays"
            head={['Member', 'Title', 'Device', 'Decision', 'Started', 'Watched']}
            rows={plays.map((p) => [
              p.member?.username ?? p.plexUsername ?? 'Unknown',
              streamTitle(p),
              [p.player, p.product].filter(Boolean).join(' · ') || '—',
              `${DECISION_LABELS[p.decision]} · ${p.location === 'wan' ? 'WAN' : 'LAN'}`,
              new Date(p.startedAt).toLocaleString(),
              formatWatched(p.watchedSeconds),
            ])}
          />
        </>
      )}
    </section>
  );
}
