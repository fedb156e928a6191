/**
 * /admin/playback: what Plex is playing now (GET /api/v1/admin/playback),
 * replaced live by `playback.updated`: each stream with member, title,
 * device, progress, play decision and why, hardware or software, quality in
 * and out, bandwidth and LAN/WAN; totals with the WAN share of the upload;
 * below, the playback history (who watched what) with its rollup.
 */
import type { NowPlaying, PlaybackStream } from '@medianest/contracts';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { DECISION_LABELS, formatKbps, formatMedia, formatShare, progressPercent, streamDevice, streamTitle } from '../../api/playback';
import { EmptyState, ErrorMessage, SkeletonRows } from '../../components/feedback';
import { Page } from '../../components/page';
import { PlaybackHistory } from '../../components/playback-history';
import { Table } from '../../components/table';
import { useApiData } from '../../hooks/use-api-data';
import { useRealtimeEvent, useRealtimeResync } from '../../realtime/socket';
import { LiveIndicator } from '../dashboard-page';

function transcodeLabel(s: PlaybackStream): string {
  if (!s.transcode) return '—';
  const where = s.transcode.hardware ? 'Hardware' : s.transcode.hwRequested ? 'Software (hardware requested)' : 'Software';
  const speed = s.transcode.speed === null ? '' : ` · ${s.transcode.speed.toFixed(1)}x${s.transcode.throttled ? ' (throttled)' : ''}`;
  return `${where}${speed}`;
}

function Totals({ now }: { now: NowPlaying }) {
  const t = now.totals;
  const wan =
    t.uploadCapacityKbps === null
      ? `${formatKbps(t.wanBandwidthKbps)} (upload capacity not configured)`
      : `${formatKbps(t.wanBandwidthKbps)} of ${formatKbps(t.uploadCapacityKbps)} upload (${formatShare(t.wanShareOfUpload)})`;
  return (
    <dl className="facts" aria-label="Totals">
      <dt>Streams</dt>
      <dd>{t.streams}</dd>
      <dt>Transcodes</dt>
      <dd>{t.transcodes}</dd>
      <dt>On hardware</dt>
      <dd>{t.transcodes ? `${t.hardwareTranscodes} (${formatShare(t.hardwareShare)})` : '—'}</dd>
      <dt>Remote (WAN) bandwidth</dt>
      <dd>{wan}</dd>
      <dt>Local (LAN) bandwidth</dt>
      <dd>{formatKbps(t.lanBandwidthKbps)}</dd>
    </dl>
  );
}

export function AdminPlaybackPage() {
  const now = useApiData(async (signal) => api.get('/api/v1/admin/playback', undefined, signal), []);
  useRealtimeResync(() => now.refresh());
  useRealtimeEvent('playback.updated', (next) => now.setData(next));

  const rows = (now.data?.streams ?? []).map((s) => {
    const progress = progressPercent(s);
    return [
      s.member?.username ?? s.plexUsername ?? 'Unknown',
      streamTitle(s),
      `${streamDevice(s)} · ${s.state}${progress === null ? '' : ` · ${progress} %`}`,
      <>
        {DECISION_LABELS[s.decision]}
        {s.transcodeReasons.length > 0 && <span className="muted"> ({s.transcodeReasons.join(', ')})</span>}
      </>,
      transcodeLabel(s),
      `${formatMedia(s.source)} → ${s.transcode ? formatMedia({ ...s.transcode, bitrateKbps: s.bandwidthKbps }) : 'as is'}`,
      formatKbps(s.bandwidthKbps),
      s.location === 'wan' ? 'WAN' : 'LAN',
    ];
  });

  return (
    <Page title="Now playing" ready={!now.loading} back={<Link to="/admin">← Administration</Link>} actions={<LiveIndicator />}>
      {now.loading ? (
        <SkeletonRows count={3} label="Loading what Plex is playing" />
      ) : now.error ? (
        <ErrorMessage message={now.error} onRetry={now.reload} />
      ) : !now.data?.watching ? (
        <EmptyState>MediaNest is not watching Plex (PLEX_URL not set, or PLEX_PLAYBACK_ENABLED=false).</EmptyState>
      ) : (
        <>
          <Totals now={now.data} />
          {rows.length === 0 ? (
            <EmptyState>Nothing is playing.</EmptyState>
          ) : (
            <Table
              label="Streams"
              head={['Member', 'Title', 'Device and progress', 'Decision (why)', 'Transcoder', 'Quality in → out', 'Bandwidth', 'Network']}
              rows={rows}
            />
          )}
        </>
      )}
      {now.data?.watching && <PlaybackHistory />}
    </Page>
  );
}
