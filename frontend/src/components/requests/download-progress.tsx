/**
 * A request's download: overall percent and time left, per episode for a
 * show with several files downloading, and what each season is waiting for.
 */
import type { DownloadProgress as Progress, SeasonState } from '../../api/types';
import './download-progress.css';

const SEASON_LABELS: Record<SeasonState, string> = {
  pending: 'Waiting',
  processing: 'Downloading or searching',
  partially_available: 'Partly in Plex',
  available: 'In Plex',
};

function episodeTag(season: number | null, episode: number | null): string | null {
  if (season === null || episode === null) return null;
  return `S${String(season).padStart(2, '0')}E${String(episode).padStart(2, '0')}`;
}

/** "about 1 h 5 min left" from the download queue's estimate. */
export function eta(iso: string | null, now = Date.now()): string {
  if (!iso) return 'no estimate yet';
  const ms = Date.parse(iso) - now;
  if (!(ms > 0)) return 'finishing';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `about ${Math.max(1, minutes)} min left`;
  const hours = Math.floor(minutes / 60);
  return `about ${hours} h ${minutes % 60} min left`;
}

function Items({ items }: { items: Progress['items'] }) {
  return (
    <ul className="download-items">
      {items.map((item, i) => {
        const name = episodeTag(item.seasonNumber, item.episodeNumber) ?? item.title;
        return (
          <li key={`${item.title}-${i}`}>
            <span>{name}</span> <progress max={100} value={item.percent} aria-label={`${name} downloaded`} />{' '}
            <span className="muted">
              {item.percent.toFixed(0)} % · {eta(item.estimatedCompletionAt)}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

export function DownloadProgress({ progress }: { progress: Progress }) {
  return (
    <section aria-labelledby="download-heading" className="download">
      <h2 id="download-heading" className="section-title">
        Download
      </h2>
      {progress.items.length > 0 ? (
        <>
          <p className="download-summary">
            <progress max={100} value={progress.percent} aria-label="Downloaded" /> <strong>{progress.percent.toFixed(0)} %</strong> ·{' '}
            {eta(progress.estimatedCompletionAt)}
          </p>
          {progress.items.length > 1 && <Items items={progress.items} />}
        </>
      ) : (
        <p className="muted">Nothing is downloading right now.</p>
      )}
      {progress.seasons.length > 0 && (
        <ul className="download-seasons">
          {progress.seasons.map((s) => (
            <li key={s.seasonNumber}>
              Season {s.seasonNumber}: {SEASON_LABELS[s.state]}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
