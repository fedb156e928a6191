/**
 * The Ops page's playback row: streams, transcodes (and how many on
 * hardware), WAN bandwidth against the upload capacity, from
 * GET /api/v1/admin/playback, live by `playback.updated`; the details are on
 * /admin/playback. Nothing when MediaNest does not watch Plex.
 */
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { formatKbps, formatShare } from '../../api/playback';
import { useApiData } from '../../hooks/use-api-data';
import { useRealtimeEvent } from '../../realtime/socket';
import { Panel } from './ops-parts';

export function OpsPlaybackRow() {
  const now = useApiData(async (signal) => api.get('/api/v1/admin/playback', undefined, signal), []);
  useRealtimeEvent('playback.updated', (next) => now.setData(next));
  if (!now.data?.watching) return null;
  const t = now.data.totals;
  return (
    <Panel id="playback" title="Plex playback" wide>
      <p>
        {t.streams} stream{t.streams === 1 ? '' : 's'} · {t.transcodes} transcode{t.transcodes === 1 ? '' : 's'}
        {t.transcodes > 0 && ` (${formatShare(t.hardwareShare)} on hardware)`} · WAN {formatKbps(t.wanBandwidthKbps)}
        {t.uploadCapacityKbps !== null && ` of ${formatKbps(t.uploadCapacityKbps)} upload (${formatShare(t.wanShareOfUpload)})`} ·{' '}
        <Link to="/admin/playback">Now playing</Link>
      </p>
    </Panel>
  );
}
