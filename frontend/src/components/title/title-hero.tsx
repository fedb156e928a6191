/** The top of a title page: the poster beside its facts, tagline, overview and a link to the trailer (never embedded). */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { posterUrl, safeTrailerUrl, type TitleDetails } from '../../api/types';
import { Poster } from '../poster';
import { TitleFacts } from './title-facts';
import './title.css';

export function TitleHero({ title, children }: { title: TitleDetails; children: ReactNode }) {
  const { t } = useTranslation('title');
  const trailer = safeTrailerUrl(title.trailerUrl);
  return (
    <div className="title-hero">
      <div className="title-poster">
        <Poster src={posterUrl(title.posterPath)} title={title.title} />
      </div>
      <div className="title-body">
        {title.tagline && <p className="title-tagline">{title.tagline}</p>}
        <TitleFacts title={title} />
        <p className="title-overview">{title.overview || t('noOverview')}</p>
        {trailer && (
          <p>
            <a href={trailer} target="_blank" rel="noopener noreferrer">
              {t('trailer')}
              <span className="visually-hidden"> {t('newTab')}</span>
            </a>
          </p>
        )}
        {children}
      </div>
    </div>
  );
}
