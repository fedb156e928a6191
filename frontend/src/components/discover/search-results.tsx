/** One page of search results as cards, with the count and the pager; skeleton cards while searching. */
import type { SearchPage } from '../../api/types';
import type { ApiData } from '../../hooks/use-api-data';
import { EmptyState, ErrorMessage, SkeletonCards } from '../feedback';
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
  const { query, search } = props;
  return (
    <section aria-labelledby="results-heading" aria-busy={search.loading}>
      <h2 id="results-heading" className="visually-hidden">
        Results for “{query}”
      </h2>
      {search.loading ? (
        <SkeletonCards count={8} label="Searching" />
      ) : search.error ? (
        <ErrorMessage message={search.error} onRetry={search.reload} />
      ) : !search.data || search.data.results.length === 0 ? (
        <EmptyState>Nothing found for “{query}”. Try another title.</EmptyState>
      ) : (
        <>
          <p className="summary" role="status">
            {search.data.totalResults} results for “{query}”
          </p>
          <ul className="card-grid">
            {search.data.results.map((r) => (
              <ResultCard key={`${r.mediaType}-${r.tmdbId}`} result={r} quota={props.quota} />
            ))}
          </ul>
          <Pager page={props.page} totalPages={search.data.totalPages} onPage={props.onPage} label="Result pages" />
        </>
      )}
    </section>
  );
}
