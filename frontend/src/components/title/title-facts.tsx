/** A title's facts: kind, year, runtime, genres, TMDB rating, and where it stands in Plex. */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TitleDetails } from '../../api/types';
import { AvailabilityBadge } from '../badges';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function TitleFacts({ title }: { title: TitleDetails }) {
  const { t, i18n } = useTranslation('title');
  const tv = title.mediaType === 'tv';
  const rating = title.voteAverage ? new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 }).format(title.voteAverage) : null;
  return (
    <dl className="facts facts-beside-poster">
      <Fact label={t('facts.kind')}>{tv ? t('kind.tv') : t('kind.movie')}</Fact>
      {title.year !== null && <Fact label={t('facts.year')}>{title.year}</Fact>}
      {title.runtime !== null && (
        <Fact label={t('facts.runtime')}>
          {tv ? t('runtimeEpisode', { minutes: title.runtime }) : t('runtimeMinutes', { minutes: title.runtime })}
        </Fact>
      )}
      {tv && title.numberOfSeasons !== null && <Fact label={t('facts.seasons')}>{title.numberOfSeasons}</Fact>}
      {title.genres.length > 0 && <Fact label={t('facts.genres')}>{title.genres.join(', ')}</Fact>}
      {rating && <Fact label={t('facts.rating')}>{t('ratingValue', { rating })}</Fact>}
      <Fact label={t('facts.inPlex')}>
        <AvailabilityBadge availability={title.availability} />
      </Fact>
    </dl>
  );
}
