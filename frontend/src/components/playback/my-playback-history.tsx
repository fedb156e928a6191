/**
 * On a member's dashboard: what they watched on Plex in the last week
 * (GET /api/v1/playback/history) — their own plays only. Shows nothing when
 * there are none.
 */
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { formatWatched, streamTitle } from '../../api/playback';
import { useApiData } from '../../hooks/use-api-data';
import { formatDate } from '../format';

export function MyPlaybackHistory() {
  const { t } = useTranslation('playback');
  const history = useApiData(async (signal) => api.get('/api/v1/playback/history', { days: 7 }, signal), []);
  const plays = history.data?.plays ?? [];
  if (plays.length === 0) return null;
  return (
    <section aria-labelledby="my-plays-heading" className="panel">
      <h2 id="my-plays-heading">{t('mine.week')}</h2>
      <ul>
        {plays.slice(0, 10).map((p) => (
          <li key={p.id}>
            {streamTitle(p)}{' '}
            <span className="muted">
              · {formatDate(p.startedAt)} · {p.player ?? p.product ?? 'Plex'} · {formatWatched(p.watchedSeconds)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
