/**
 * /admin/playback's streams: member, title, device and progress, play
 * decision and why, hardware or software transcoder, quality in and out,
 * bandwidth and LAN/WAN — one row per stream.
 */
import type { PlaybackStream } from '@medianest/contracts';
import { i18next } from '../../i18n';
import { decisionLabel, formatKbps, formatMedia, progressPercent, streamDevice, streamTitle } from '../../api/playback';
import { EmptyState } from '../feedback';
import { formatNumber, formatPercent } from '../format';
import { Table } from '../table';

const t = (key: string, values: Record<string, unknown> = {}) => i18next.t(key, values);

function transcodeLabel(s: PlaybackStream): string {
  if (!s.transcode) return '—';
  const where = s.transcode.hardware
    ? t('playback:transcoder.hardware')
    : s.transcode.hwRequested
      ? t('playback:transcoder.softwareRequested')
      : t('playback:transcoder.software');
  const throttled = s.transcode.throttled ? ` ${t('playback:transcoder.throttled')}` : '';
  const speed = s.transcode.speed === null ? '' : ` · ${formatNumber(s.transcode.speed, 1)}×${throttled}`;
  return `${where}${speed}`;
}

function streamRow(s: PlaybackStream) {
  const progress = progressPercent(s);
  return [
    s.member?.username ?? s.plexUsername ?? t('playback:unknownMember'),
    streamTitle(s),
    `${streamDevice(s)} · ${t(`playback:state.${s.state}`)}${progress === null ? '' : ` · ${formatPercent(progress)}`}`,
    <>
      {decisionLabel(s.decision)}
      {s.transcodeReasons.length > 0 && <span className="muted"> ({s.transcodeReasons.join(', ')})</span>}
    </>,
    transcodeLabel(s),
    `${formatMedia(s.source)} → ${s.transcode ? formatMedia({ ...s.transcode, bitrateKbps: s.bandwidthKbps }) : t('playback:asIs')}`,
    formatKbps(s.bandwidthKbps),
    s.location === 'wan' ? 'WAN' : 'LAN',
  ];
}

export function PlaybackStreams({ streams }: { streams: PlaybackStream[] }) {
  if (streams.length === 0) return <EmptyState>{t('playback:streams.none')}</EmptyState>;
  return (
    <Table
      label={t('playback:streams.label')}
      head={[
        t('playback:col.member'),
        t('playback:col.title'),
        t('playback:col.deviceProgress'),
        t('playback:col.decisionWhy'),
        t('playback:col.transcoder'),
        t('playback:col.quality'),
        t('playback:col.bandwidth'),
        t('playback:col.network'),
      ]}
      rows={streams.map(streamRow)}
    />
  );
}
