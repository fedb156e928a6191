/**
 * /admin/playback: what Plex is playing now (GET /api/v1/admin/playback),
 * replaced live by `playback.updated`: each stream with member, title,
 * device, progress, play decision and why, hardware or software, quality in
 * and out, bandwidth and LAN/WAN; totals with the WAN share of the upload;
 * below, the playback history (who watched what) with its rollup.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { EmptyState, ErrorMessage, SkeletonRows } from '../../components/feedback';
import { LiveIndicator } from '../../components/live-indicator';
import { Page } from '../../components/page';
import { PlaybackStreams } from '../../components/playback/playback-streams';
import { PlaybackTotals } from '../../components/playback/playback-totals';
import { PlaybackHistory } from '../../components/playback/playback-history';
import { useApiData } from '../../hooks/use-api-data';
import { useRealtimeEvent, useRealtimeResync } from '../../realtime/socket';

export function AdminPlaybackPage() {
  const { t } = useTranslation('playback');
  const now = useApiData(async (signal) => api.get('/api/v1/admin/playback', undefined, signal), []);
  useRealtimeResync(() => now.refresh());
  useRealtimeEvent('playback.updated', (next) => now.setData(next));

  return (
    <Page
      title={t('page.title')}
      ready={!now.loading}
      back={<Link to="/admin">← {t('nav:adminOnly.title')}</Link>}
      actions={<LiveIndicator />}
    >
      {now.loading ? (
        <SkeletonRows count={3} label={t('page.loading')} />
      ) : now.error ? (
        <ErrorMessage message={now.error} onRetry={now.reload} />
      ) : !now.data?.watching ? (
        <EmptyState>{t('page.off')}</EmptyState>
      ) : (
        <>
          <PlaybackTotals now={now.data} />
          <PlaybackStreams streams={now.data.streams} />
        </>
      )}
      {now.data?.watching && <PlaybackHistory />}
    </Page>
  );
}
