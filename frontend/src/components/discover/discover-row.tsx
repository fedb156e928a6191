/** One Discover row (trending, popular, upcoming, a genre): its heading in the member's language and its pages from GET /api/v1/discover/rows/:row. */
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { DiscoverRow } from '../../api/types';
import type { QuotaProps } from './request-control';
import { TitleRow } from './title-row';

function useHeading(row: DiscoverRow): string {
  const { t } = useTranslation('discover');
  const genre = row.genre ?? '';
  switch (row.kind) {
    case 'trending':
      return t('rows.trending');
    case 'popular-movies':
      return t('rows.popularMovies');
    case 'popular-tv':
      return t('rows.popularTv');
    case 'upcoming-movies':
      return t('rows.upcomingMovies');
    case 'upcoming-tv':
      return t('rows.upcomingTv');
    case 'movie-genre':
      return t('rows.movieGenre', { genre });
    case 'tv-genre':
      return t('rows.tvGenre', { genre });
  }
}

/** `scope`: the member's id, so the tab's remembered rows are theirs alone. */
export function DiscoverRowSection({ row, quota, scope }: { row: DiscoverRow; quota: QuotaProps; scope: string }) {
  const heading = useHeading(row);
  const load = useCallback(
    (page: number, signal: AbortSignal) => api.get('/api/v1/discover/rows/:row', { row: row.id, page }, signal),
    [row.id],
  );
  return <TitleRow heading={heading} load={load} quota={quota} cacheKey={`${scope}:discover:${row.id}`} />;
}
