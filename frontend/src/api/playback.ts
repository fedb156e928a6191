/** Words and numbers of Plex playback as the pages show them (Now playing, a member's dashboard, the Ops row). */
import type { PlaybackMedia, PlaybackStream, PlayDecision } from '@medianest/contracts';

export const DECISION_LABELS: Record<PlayDecision, string> = {
  direct_play: 'Direct play',
  direct_stream: 'Direct stream',
  transcode: 'Transcode',
};

/** "Severance S2E1 · Hello, Ms. Cobel" or "The Matrix (1999)". */
export function streamTitle(s: Pick<PlaybackStream, 'title' | 'show' | 'season' | 'episode' | 'year'>): string {
  if (s.show) return `${s.show} S${s.season ?? '?'}E${s.episode ?? '?'} · ${s.title}`;
  return s.year ? `${s.title} (${s.year})` : s.title;
}

/** "Chrome (Plex Web)". */
export function streamDevice(s: Pick<PlaybackStream, 'player'>): string {
  const { title, product, device } = s.player;
  const name = title ?? device ?? 'Unknown player';
  return product && product !== name ? `${name} (${product})` : name;
}

/** Share of the item played, 0-100, or null when Plex did not say. */
export function progressPercent(s: Pick<PlaybackStream, 'viewOffsetMs' | 'durationMs'>): number | null {
  if (!s.durationMs || s.viewOffsetMs === null) return null;
  return Math.min(100, Math.round((100 * s.viewOffsetMs) / s.durationMs));
}

export function formatKbps(kbps: number | null): string {
  if (kbps === null) return '—';
  return kbps >= 1000 ? `${(kbps / 1000).toFixed(1)} Mbit/s` : `${kbps} kbit/s`;
}

/** "hevc 2160p mkv, 24.0 Mbit/s". */
export function formatMedia(m: Pick<PlaybackMedia, 'videoCodec' | 'height' | 'container' | 'bitrateKbps'> | null): string {
  if (!m) return '—';
  const parts = [m.videoCodec, m.height ? `${m.height}p` : null, m.container].filter(Boolean).join(' ');
  return m.bitrateKbps ? `${parts}, ${formatKbps(m.bitrateKbps)}` : parts || '—';
}

export function formatShare(share: number | null): string {
  return share === null ? '—' : `${Math.round(share * 100)} %`;
}

/** How long a play was watched: "42 min", "1 h 05 min", "30 s"; "playing" while it plays. */
export function formatWatched(seconds: number | null): string {
  if (seconds === null) return 'playing';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
