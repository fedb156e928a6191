/** The admin history's rollup for its window: the most played titles and plays per member. */
import { useTranslation } from 'react-i18next';
import './playback-rollup.css';
import type { PlaybackHistory } from '@medianest/contracts';
import { formatWatched } from '../../api/playback';

export function PlaybackRollup({ history }: { history: PlaybackHistory }) {
  const { t } = useTranslation('playback');
  return (
    <div className="playback-rollup">
      <section aria-labelledby="top-titles-heading">
        <h3 id="top-titles-heading">{t('rollup.top')}</h3>
        <ol>
          {history.topTitles.map((title) => (
            <li key={title.title}>
              {title.title}{' '}
              <span className="muted">
                · {t('rollup.plays', { count: title.plays })} · {formatWatched(title.watchedSeconds)}
              </span>
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="per-member-heading">
        <h3 id="per-member-heading">{t('rollup.perMember')}</h3>
        <ul>
          {history.perMember.map((m) => {
            const name = m.member?.username ?? m.plexUsername ?? t('unknownMember');
            return (
              <li key={m.member?.id ?? `plex:${name}`}>
                {name}{' '}
                <span className="muted">
                  · {t('rollup.plays', { count: m.plays })} · {formatWatched(m.watchedSeconds)}
                </span>
              </li>
            );
          })}
        </ul>
      </section>
    </div>
  );
}
