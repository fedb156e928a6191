/** /admin/playback's totals: streams, transcodes (how many on hardware), WAN bandwidth against the upload capacity, LAN bandwidth. */
import type { NowPlaying } from '@medianest/contracts';
import { formatKbps, formatShare } from '../../api/playback';

export function PlaybackTotals({ now }: { now: NowPlaying }) {
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
