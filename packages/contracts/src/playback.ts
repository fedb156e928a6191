/**
 * Plex playback as MediaNest shows it: the admin's Now playing (every
 * stream, with totals) and a member's own streams.
 */

export type PlayDecision = 'direct_play' | 'direct_stream' | 'transcode';

export interface PlaybackMedia {
  container: string | null;
  videoCodec: string | null;
  audioCodec: string | null;
  bitrateKbps: number | null;
  height: number | null;
}

export interface PlaybackStream {
  sessionKey: string;
  /** The MediaNest member whose linked Plex account plays it; null for an account linked to nobody. */
  member: { id: string; username: string } | null;
  plexUsername: string | null;
  type: string;
  title: string;
  /** Episodes: the show, season and episode number. */
  show: string | null;
  season: number | null;
  episode: number | null;
  year: number | null;
  durationMs: number | null;
  viewOffsetMs: number | null;
  player: { title: string | null; product: string | null; platform: string | null; device: string | null };
  state: 'playing' | 'paused' | 'buffering';
  location: 'lan' | 'wan';
  bandwidthKbps: number;
  decision: PlayDecision;
  /** Why Plex converts it (codec, container, bitrate limit, subtitles); empty for a direct play. */
  transcodeReasons: string[];
  /** The file as stored (quality in). */
  source: PlaybackMedia;
  /** What the transcoder makes of it (quality out); null for a direct play. */
  transcode: {
    videoDecision: 'transcode' | 'copy' | 'none';
    audioDecision: string;
    hardware: boolean;
    hwRequested: boolean;
    speed: number | null;
    throttled: boolean;
    container: string | null;
    videoCodec: string | null;
    height: number | null;
  } | null;
  startedAt: string;
}

export interface PlaybackTotals {
  streams: number;
  transcodes: number;
  hardwareTranscodes: number;
  hardwareShare: number | null;
  wanBandwidthKbps: number;
  lanBandwidthKbps: number;
  /** PLEX_UPLOAD_CAPACITY_MBPS in kbit/s; null when not configured. */
  uploadCapacityKbps: number | null;
  wanShareOfUpload: number | null;
}

/** GET /api/v1/playback/now and the `playback.updated` event (admins). */
export interface NowPlaying {
  streams: PlaybackStream[];
  totals: PlaybackTotals;
  /** Whether MediaNest watches Plex at all (Plex configured, PLEX_PLAYBACK_ENABLED). */
  watching: boolean;
}

/** GET /api/v1/playback/mine and the `playback.mine` event: a member's own streams. */
export interface MyPlayback {
  streams: PlaybackStream[];
}

/** One play in the history: a Plex stream from its start to its end (endedAt null while it plays). */
export interface PlaybackHistoryEntry {
  id: number;
  member: { id: string; username: string } | null;
  plexUsername: string | null;
  type: string;
  title: string;
  show: string | null;
  season: number | null;
  episode: number | null;
  year: number | null;
  player: string | null;
  product: string | null;
  decision: 'direct_play' | 'direct_stream' | 'transcode';
  location: 'lan' | 'wan';
  startedAt: string;
  endedAt: string | null;
  /** Seconds watched (progress made, else time observed); null while it plays. */
  watchedSeconds: number | null;
}

/** GET /api/v1/admin/playback/history: plays of the last `days` days, with the rollup (who watched what). */
export interface PlaybackHistory {
  days: number;
  plays: PlaybackHistoryEntry[];
  /** Titles by plays (a show counts as its show), most played first. */
  topTitles: { title: string; plays: number; watchedSeconds: number }[];
  /** Plays per member (or Plex account without a linked member). */
  perMember: { member: { id: string; username: string } | null; plexUsername: string | null; plays: number; watchedSeconds: number }[];
}

/** GET /api/v1/playback/history: the member's own plays. */
export interface MyPlaybackHistory {
  days: number;
  plays: PlaybackHistoryEntry[];
}
