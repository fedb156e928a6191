/**
 * The streams Plex is playing now, as MediaNest shows them: each Plex
 * session with the MediaNest member it belongs to (linked by Plex account
 * id), why it is transcoded, and the totals the owner watches — and the
 * playback metrics, written from the same list so the page and the
 * dashboards cannot disagree.
 */
import type { PlexPlaybackSession } from '../../integrations/plex-sessions';
import { plexBandwidth, plexStreams, plexTranscodes, plexTranscodesBelowRealtime } from '../../observability/metrics/catalog';

export interface PlaybackMember {
  id: string;
  username: string;
}

export interface LiveStream extends PlexPlaybackSession {
  member: PlaybackMember | null;
  /** When MediaNest first saw the session (ISO). */
  startedAt: string;
  /** Why Plex converts the stream: video codec, audio codec, container, bitrate/quality, subtitles. */
  transcodeReasons: string[];
}

export interface PlaybackTotals {
  streams: number;
  transcodes: number;
  hardwareTranscodes: number;
  /** Hardware transcodes / transcodes (null without transcodes). */
  hardwareShare: number | null;
  wanBandwidthKbps: number;
  lanBandwidthKbps: number;
  uploadCapacityKbps: number | null;
  /** WAN bandwidth / upload capacity (null when the capacity is not configured). */
  wanShareOfUpload: number | null;
}

export const DECISIONS = ['direct_play', 'direct_stream', 'transcode'] as const;
export const LOCATIONS = ['lan', 'wan'] as const;

export function transcodeReasons(s: PlexPlaybackSession): string[] {
  const t = s.transcode;
  if (!t) return [];
  const reasons: string[] = [];
  if (t.videoDecision === 'transcode') {
    if (t.sourceVideoCodec && t.videoCodec && t.sourceVideoCodec !== t.videoCodec)
      reasons.push(`video codec ${t.sourceVideoCodec} → ${t.videoCodec}`);
    if (s.source.height && t.height && t.height < s.source.height) reasons.push(`quality ${s.source.height}p → ${t.height}p`);
    if (s.source.bitrateKbps && s.bandwidthKbps && s.bandwidthKbps < s.source.bitrateKbps) {
      reasons.push(`bitrate limit ${s.source.bitrateKbps} → ${s.bandwidthKbps} kbps`);
    }
  }
  if (t.audioDecision === 'transcode') reasons.push('audio codec');
  if (t.subtitleDecision === 'burn') reasons.push('subtitles burned in');
  if (s.source.container && t.container && s.source.container !== t.container)
    reasons.push(`container ${s.source.container} → ${t.container}`);
  return reasons;
}

/** The fields the totals read (a live stream, or one as the contract carries it). */
type Countable = Pick<LiveStream, 'decision' | 'location' | 'bandwidthKbps'> & { transcode: { hardware: boolean } | null };

export function totals(streams: Countable[], uploadCapacityKbps: number | null): PlaybackTotals {
  const transcodes = streams.filter((s) => s.decision === 'transcode');
  const hardware = transcodes.filter((s) => s.transcode?.hardware).length;
  const bw = (location: string) => streams.filter((s) => s.location === location).reduce((sum, s) => sum + s.bandwidthKbps, 0);
  const wan = bw('wan');
  return {
    streams: streams.length,
    transcodes: transcodes.length,
    hardwareTranscodes: hardware,
    hardwareShare: transcodes.length ? hardware / transcodes.length : null,
    wanBandwidthKbps: wan,
    lanBandwidthKbps: bw('lan'),
    uploadCapacityKbps,
    wanShareOfUpload: uploadCapacityKbps ? wan / uploadCapacityKbps : null,
  };
}

/** Sets every playback gauge from the live list, zeros included, so dashboards and alerts see 0 rather than nothing. */
export function exportStreamMetrics(streams: LiveStream[]): void {
  for (const decision of DECISIONS) {
    for (const location of LOCATIONS) {
      plexStreams.set({ decision, location }, streams.filter((s) => s.decision === decision && s.location === location).length);
    }
  }
  for (const location of LOCATIONS) {
    plexBandwidth.set(
      { location },
      (1000 / 8) * streams.filter((s) => s.location === location).reduce((sum, s) => sum + s.bandwidthKbps, 0),
    );
  }
  const transcodes = streams.flatMap((s) => (s.decision === 'transcode' && s.transcode ? [s.transcode] : []));
  for (const hardware of [true, false]) {
    const label = hardware ? 'hw' : 'sw';
    for (const videoDecision of ['transcode', 'copy', 'none'] as const) {
      for (const requested of [true, false]) {
        const n = transcodes.filter(
          (t) => t.hardware === hardware && t.videoDecision === videoDecision && t.hwRequested === requested,
        ).length;
        plexTranscodes.set({ hardware: label, video_decision: videoDecision, hw_requested: String(requested) }, n);
      }
    }
    const slow = transcodes.filter((t) => t.hardware === hardware && !t.throttled && t.speed !== null && t.speed < 1).length;
    plexTranscodesBelowRealtime.set({ hardware: label }, slow);
  }
}
