/**
 * /admin/playback's streams: member, title, device and progress, play
 * decision and why, hardware or software transcoder, quality in and out,
 * bandwidth and LAN/WAN — one row per stream.
 */
import type { PlaybackStream } from '@medianest/contracts';
import { DECISION_LABELS, formatKbps, formatMedia, progressPercent, streamDevice, streamTitle } from '../../api/playback';
import { EmptyState } from '../feedback';
import { Table } from '../table';

function transcodeLabel(s: PlaybackStream): string {
  if (!s.transcode) return '—';
  const where = s.transcode.hardware ? 'Hardware' : s.transcode.hwRequested ? 'Software (hardware requested)' : 'Software';
  const speed = s.transcode.speed === null ? '' : ` · ${s.transcode.speed.toFixed(1)}x${s.transcode.throttled ? ' (throttled)' : ''}`;
  return `${where}${speed}`;
}

function streamRow(s: PlaybackStream) {
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
}

export function PlaybackStreams({ streams }: { streams: PlaybackStream[] }) {
  if (streams.length === 0) return <EmptyState>Nothing is playing.</EmptyState>;
  return (
    <Table
      label="Streams"
      head={['Member', 'Title', 'Device and progress', 'Decision (why)', 'Transcoder', 'Quality in → out', 'Bandwidth', 'Network']}
      rows={streams.map(streamRow)}
    />
  );
}
