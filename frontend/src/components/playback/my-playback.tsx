/**
 * On a member's dashboard: what they are watching on Plex right now
 * (GET /api/v1/playback/mine, replaced live by `playback.mine`) — their own
 * streams only, nothing of anyone else's. Shows nothing when nothing plays.
 */
import { Trans, useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { progressPercent, streamDevice, streamTitle } from '../../api/playback';
import { useApiData } from '../../hooks/use-api-data';
import { useRealtimeEvent, useRealtimeResync } from '../../realtime/socket';
import { formatPercent } from '../format';

export function MyPlayback() {
  const { t } = useTranslation('playback');
  const mine = useApiData(async (signal) => api.get('/api/v1/playback/mine', undefined, signal), []);
  useRealtimeResync(() => mine.refresh());
  useRealtimeEvent('playback.mine', (next) => mine.setData(next));
  const streams = mine.data?.streams ?? [];
  if (streams.length === 0) return null;
  return (
    <section aria-label={t('nowPlaying')} className="panel" aria-live="polite">
      {streams.map((s) => {
        const progress = progressPercent(s);
        return (
          <p key={s.sessionKey}>
            {s.state === 'paused' ? (
              <Trans
                t={t}
                i18nKey="mine.paused"
                values={{ title: streamTitle(s), device: streamDevice(s) }}
                components={{ strong: <strong /> }}
              />
            ) : (
              <Trans
                t={t}
                i18nKey="mine.watching"
                values={{ title: streamTitle(s), device: streamDevice(s) }}
                components={{ strong: <strong /> }}
              />
            )}
            {progress !== null && <span className="muted"> · {formatPercent(progress)}</span>}
          </p>
        );
      })}
    </section>
  );
}
