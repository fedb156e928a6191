/** Words and numbers of Plex playback as the pages show them (Now playing, a member's dashboard, the Ops row). */
import type { PlaybackMedia, PlaybackStream, PlayDecision } from '@medianest/contracts';
import { formatDuration, formatPercent, formatUnit } from '../components/format';
import { i18next } from '../i18n';

/** How Plex plays a stream, in the current language. */
export function decisionLabel(decision: PlayDecision): string {
  return i18next.t(`playback:decision.${decision}`);
}

/** "Severance S2E1 · Hello, Ms. Cobel" or "The Matrix (1999)". */
export function streamTitle(s: Pick<PlaybackStream, 'title' | 'show' | 'season' | 'episode' | 'year'>): string {
  if (s.show) return `${s.show} ${i18next.t('playback:episodeTag', { season: s.season ?? '?', episode: s.episode ?? '?' })} · ${s.title}`;
  return s.year ? `${s.title} (${s.year})` : s.title;
}

/** "Chrome (Plex Web)". */
export function streamDevice(s: Pick<PlaybackStream, 'player'>): string {
  const { title, product, device } = s.player;
  const name = title ?? device ?? i18next.t('playback:unknownPlayer');
  return product && product !== name ? `${name} (${product})` : name;
}

/** Share of the item played, 0-100, or null when Plex did not say. */
export function progressPercent(s: Pick<PlaybackStream, 'viewOffsetMs' | 'durationMs'>): number | null {
  if (!s.durationMs || s.viewOffsetMs === null) return null;
  return Math.min(100, Math.round((100 * s.viewOffsetMs) / s.durationMs));
}

export function formatKbps(kbps: number | null): string {
  if (kbps === null) return '—';
  return kbps >= 1000 ? formatUnit(kbps / 1000, 'megabit-per-second', 1) : formatUnit(kbps, 'kilobit-per-second');
}

/** "hevc 2160p mkv, 24 Mb/s". */
export function formatMedia(m: Pick<PlaybackMedia, 'videoCodec' | 'height' | 'container' | 'bitrateKbps'> | null): string {
  if (!m) return '—';
  const parts = [m.videoCodec, m.height ? `${m.height}p` : null, m.container].filter(Boolean).join(' ');
  return m.bitrateKbps ? `${parts}, ${formatKbps(m.bitrateKbps)}` : parts || '—';
}

export function formatShare(share: number | null): string {
  return share === null ? '—' : formatPercent(share * 100);
}

/** How long a play was watched: "42 min", "1 hr, 5 min", "30 sec"; "playing" while it plays. */
export function formatWatched(seconds: number | null): string {
  if (seconds === null) return i18next.t('playback:playing');
  if (seconds < 60) return formatUnit(seconds, 'second');
  return formatDuration(seconds);
}
