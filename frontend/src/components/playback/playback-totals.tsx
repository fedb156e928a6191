/** /admin/playback's totals: streams, transcodes (how many on hardware), WAN bandwidth against the upload capacity, LAN bandwidth. */
import type { NowPlaying } from '@medianest/contracts';
import { useTranslation } from 'react-i18next';
import { formatKbps, formatShare } from '../../api/playback';

export function PlaybackTotals({ now }: { now: NowPlaying }) {
  const { t } = useTranslation('playback');
  const totals = now.totals;
  const wan =
    totals.uploadCapacityKbps === null
      ? t('totals.wanNoCapacity', { bandwidth: formatKbps(totals.wanBandwidthKbps) })
      : t('totals.wanOfUpload', {
          bandwidth: formatKbps(totals.wanBandwidthKbps),
          capacity: formatKbps(totals.uploadCapacityKbps),
          share: formatShare(totals.wanShareOfUpload),
        });
  return (
    <dl className="facts" aria-label={t('totals.label')}>
      <dt>{t('totals.streams')}</dt>
      <dd>{totals.streams}</dd>
      <dt>{t('totals.transcodes')}</dt>
      <dd>{totals.transcodes}</dd>
      <dt>{t('totals.hardware')}</dt>
      <dd>{totals.transcodes ? `${totals.hardwareTranscodes} (${formatShare(totals.hardwareShare)})` : '—'}</dd>
      <dt>{t('totals.wan')}</dt>
      <dd>{wan}</dd>
      <dt>{t('totals.lan')}</dt>
      <dd>{formatKbps(totals.lanBandwidthKbps)}</dd>
    </dl>
  );
}
