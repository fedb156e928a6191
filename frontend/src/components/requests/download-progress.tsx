/**
 * A request's download: overall percent and time left, per episode for a
 * show with several files downloading, and what each season is waiting for.
 */
import { useTranslation } from 'react-i18next';
import type { DownloadProgress as Progress } from '../../api/types';
import { i18next } from '../../i18n';
import { formatDuration, formatPercent } from '../format';
import './download-progress.css';

function episodeTag(season: number | null, episode: number | null): string | null {
  if (season === null || episode === null) return null;
  return `S${String(season).padStart(2, '0')}E${String(episode).padStart(2, '0')}`;
}

/** "about 1 hr, 5 min left" from the download queue's estimate. */
export function eta(iso: string | null, now = Date.now()): string {
  if (!iso) return i18next.t('requests:download.noEstimate');
  const ms = Date.parse(iso) - now;
  if (!(ms > 0)) return i18next.t('requests:download.finishing');
  return i18next.t('requests:download.left', { duration: formatDuration(ms / 1000) });
}

function Items({ items }: { items: Progress['items'] }) {
  const { t } = useTranslation('requests');
  return (
    <ul className="download-items">
      {items.map((item, i) => {
        const name = episodeTag(item.seasonNumber, item.episodeNumber) ?? item.title;
        return (
          <li key={`${item.title}-${i}`}>
            <span>{name}</span> <progress max={100} value={item.percent} aria-label={t('download.itemLabel', { name })} />{' '}
            <span className="muted">
              {formatPercent(item.percent)} · {eta(item.estimatedCompletionAt)}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

export function DownloadProgress({ progress }: { progress: Progress }) {
  const { t } = useTranslation('requests');
  return (
    <section aria-labelledby="download-heading" className="download">
      <h2 id="download-heading" className="section-title">
        {t('download.heading')}
      </h2>
      {progress.items.length > 0 ? (
        <>
          <p className="download-summary">
            <progress max={100} value={progress.percent} aria-label={t('download.label')} />{' '}
            <strong>{formatPercent(progress.percent)}</strong> · {eta(progress.estimatedCompletionAt)}
          </p>
          {progress.items.length > 1 && <Items items={progress.items} />}
        </>
      ) : (
        <p className="muted">{t('download.nothing')}</p>
      )}
      {progress.seasons.length > 0 && (
        <ul className="download-seasons">
          {progress.seasons.map((s) => (
            <li key={s.seasonNumber}>{t('download.season', { season: s.seasonNumber, state: t(`seasonState.${s.state}`) })}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
