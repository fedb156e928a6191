/**
 * The admin's playback history (GET /api/v1/admin/playback/history): who
 * watched what in the last day, week or month — each play with member,
 * title, device, decision and how long — with top titles and plays per member.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { decisionLabel, formatWatched, streamTitle } from '../../api/playback';
import { useApiData } from '../../hooks/use-api-data';
import { EmptyState, ErrorMessage, SkeletonRows } from '../feedback';
import { formatDateTime } from '../format';
import { PlaybackRollup } from './playback-rollup';
import { Table } from '../table';

const WINDOWS = [1, 7, 30] as const;

export function PlaybackHistory() {
  const { t } = useTranslation('playback');
  const [days, setDays] = useState<number>(7);
  const history = useApiData(async (signal) => api.get('/api/v1/admin/playback/history', { days }, signal), [days]);
  const plays = history.data?.plays ?? [];
  return (
    <section aria-labelledby="playback-history-heading" className="panel">
      <h2 id="playback-history-heading">{t('history.heading')}</h2>
      <label>
        {t('history.window')}{' '}
        <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {WINDOWS.map((d) => (
            <option key={d} value={d}>
              {d === 1 ? t('history.lastDay') : t('history.lastDays', { count: d })}
            </option>
          ))}
        </select>
      </label>
      {history.loading ? (
        <SkeletonRows count={3} label={t('history.loading')} />
      ) : history.error ? (
        <ErrorMessage message={history.error} onRetry={history.reload} />
      ) : !history.data || plays.length === 0 ? (
        <EmptyState>{t('history.none')}</EmptyState>
      ) : (
        <>
          <PlaybackRollup history={history.data} />
          <Table
            label={t('history.plays')}
            head={[t('col.member'), t('col.title'), t('col.device'), t('col.decision'), t('col.started'), t('col.watched')]}
            rows={plays.map((p) => [
              p.member?.username ?? p.plexUsername ?? t('unknownMember'),
              streamTitle(p),
              [p.player, p.product].filter(Boolean).join(' · ') || '—',
              `${decisionLabel(p.decision)} · ${p.location === 'wan' ? 'WAN' : 'LAN'}`,
              formatDateTime(p.startedAt),
              formatWatched(p.watchedSeconds),
            ])}
          />
        </>
      )}
    </section>
  );
}
