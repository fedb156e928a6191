/** One page of search results as cards, with the count and the pager; skeleton cards while searching. */
import { useTranslation } from 'react-i18next';
import type { SearchPage } from '../../api/types';
import type { ApiData } from '../../hooks/use-api-data';
import { EmptyState, ErrorMessage, SkeletonCards } from '../feedback';
import { formatNumber } from '../format';
import { Pager } from '../pager';
import type { QuotaProps } from './request-control';
import { ResultCard } from './result-card';

export function SearchResults(props: {
  query: string;
  page: number;
  search: ApiData<SearchPage | null>;
  onPage: (page: number) => void;
  quota: QuotaProps;
}) {
  const { t } = useTranslation('search');
  const { query, search } = props;
  return (
    <section aria-labelledby="results-heading" aria-busy={search.loading}>
      <h2 id="results-heading" className="visually-hidden">
        {t('results.heading', { query })}
      </h2>
      {search.loading ? (
        <SkeletonCards count={8} label={t('results.searching')} />
      ) : search.error ? (
        <ErrorMessage message={search.error} onRetry={search.reload} />
      ) : !search.data || search.data.results.length === 0 ? (
        <EmptyState>{t('results.none', { query })}</EmptyState>
      ) : (
        <>
          <p className="summary" role="status">
            {t('results.count', { count: search.data.totalResults, query, formatted: formatNumber(search.data.totalResults) })}
          </p>
          <ul className="card-grid">
            {search.data.results.map((r) => (
              <ResultCard key={`${r.mediaType}-${r.tmdbId}`} result={r} quota={props.quota} />
            ))}
          </ul>
          <Pager page={props.page} totalPages={search.data.totalPages} onPage={props.onPage} label={t('results.pages')} />
        </>
      )}
    </section>
  );
}
