/**
 * On a member's dashboard: what they are watching on Plex right now
 * (GET /api/v1/playback/mine, replaced live by `playback.mine`) — their own
 * streams only, nothing of anyone else's. Shows nothing when nothing plays.
 */
import { api } from '../../api/client';
import { progressPercent, streamDevice, streamTitle } from '../../api/playback';
import { useApiData } from '../../hooks/use-api-data';
import { useRealtimeEvent, useRealtimeResync } from '../../realtime/socket';

export function MyPlayback() {
  const mine = useApiData(async (signal) => api.get('/api/v1/playback/mine', undefined, signal), []);
  useRealtimeResync(() => mine.refresh());
  useRealtimeEvent('playback.mine', (next) => mine.setData(next));
  const streams = mine.data?.streams ?? [];
  if (streams.length === 0) return null;
  return (
    <section aria-label="Now playing" className="panel" aria-live="polite">
      {streams.map((s) => {
        const progress = progressPercent(s);
        return (
          <p key={s.sessionKey}>
            You&apos;re {s.state === 'paused' ? 'paused on' : 'watching'} <strong>{streamTitle(s)}</strong> on {streamDevice(s)}
            {progress !== null && <span className="muted"> · {progress} %</span>}
          </p>
        );
      })}
    </section>
  );
}
