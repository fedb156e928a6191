/**
 * The Ops page's playback row: streams, transcodes (and how many on
 * hardware), WAN bandwidth against the upload capacity, from
 * GET /api/v1/admin/playback, live by `playback.updated`; the details are on
 * /admin/playback. Nothing when MediaNest does not watch Plex.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { formatKbps, formatShare } from '../../api/playback';
import { useApiData } from '../../hooks/use-api-data';
import { useRealtimeEvent } from '../../realtime/socket';
import { Panel } from './ops-parts';

export function OpsPlaybackRow() {
  const { t } = useTranslation('ops');
  const now = useApiData(async (signal) => api.get('/api/v1/admin/playback', undefined, signal), []);
  useRealtimeEvent('playback.updated', (next) => now.setData(next));
  if (!now.data?.watching) return null;
  const totals = now.data.totals;
  return (
    <Panel id="playback" title={t('playback.title')} wide>
      <p>
        {t('playback.streams', { count: totals.streams })} · {t('playback.transcodes', { count: totals.transcodes })}
        {totals.transcodes > 0 && ` ${t('playback.onHardware', { share: formatShare(totals.hardwareShare) })}`} · WAN{' '}
        {formatKbps(totals.wanBandwidthKbps)}
        {totals.uploadCapacityKbps !== null &&
          ` ${t('playback.ofUpload', { capacity: formatKbps(totals.uploadCapacityKbps), share: formatShare(totals.wanShareOfUpload) })}`}{' '}
        · <Link to="/admin/playback">{t('playback:page.title')}</Link>
      </p>
    </Panel>
  );
}
