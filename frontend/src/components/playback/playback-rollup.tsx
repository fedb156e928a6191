/** The admin history's rollup for its window: the most played titles and plays per member. */
import './playback-rollup.css';
import type { PlaybackHistory } from '@medianest/contracts';
import { formatWatched } from '../../api/playback';

export function PlaybackRollup({ history }: { history: PlaybackHistory }) {
  return (
    <div className="playback-rollup">
      <section aria-labelledby="top-titles-heading">
        <h3 id="top-titles-heading">Top titles</h3>
        <ol>
          {history.topTitles.map((t) => (
            <li key={t.title}>
              {t.title}{' '}
              <span className="muted">
                · {t.plays} plays · {formatWatched(t.watchedSeconds)}
              </span>
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="per-member-heading">
        <h3 id="per-member-heading">Plays per member</h3>
        <ul>
          {history.perMember.map((m) => {
            const name = m.member?.username ?? m.plexUsername ?? 'Unknown';
            return (
              <li key={m.member?.id ?? `plex:${name}`}>
                {name}{' '}
                <span className="muted">
                  · {m.plays} plays · {formatWatched(m.watchedSeconds)}
                </span>
              </li>
            );
          })}
        </ul>
      </section>
    </div>
  );
}
