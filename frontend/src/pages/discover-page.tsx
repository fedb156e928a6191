/**
 * /discover: search movies and shows (GET /api/v1/media/search?q=&page=) and
 * request one (POST /api/v1/media/requests). The query lives in the URL, so
 * back/forward and reloads keep the results. Each Request button carries the
 * member's remaining Overseerr quota for its media type (GET
 * /api/v1/media/quota, read again after each request); none without a quota.
 */
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import type { RequestQuota, SearchPage } from '../api/types';
import { SearchForm } from '../components/discover/search-form';
import { SearchResults } from '../components/discover/search-results';
import { EmptyState } from '../components/feedback';
import { Page } from '../components/page';
import { pageParam } from '../components/pager';
import { useApiData } from '../hooks/use-api-data';

export function DiscoverPage() {
  const { t } = useTranslation('search');
  const [params, setParams] = useSearchParams();
  const query = (params.get('q') ?? '').trim();
  const page = pageParam(params);
  const search = useApiData<SearchPage | null>(
    async (signal) => (query ? api.get('/api/v1/media/search', { q: query, page }, signal) : null),
    [query, page],
  );
  const quota = useApiData<RequestQuota>(async (signal) => api.get('/api/v1/media/quota', undefined, signal), []);

  return (
    <Page title={t('title')} ready={!search.loading}>
      <SearchForm initial={query} />
      {query ? (
        <SearchResults
          query={query}
          page={page}
          search={search}
          onPage={(p) => setParams({ q: query, page: String(p) })}
          quota={{ quota: quota.data, onChange: quota.refresh }}
        />
      ) : (
        <EmptyState>{t('empty')}</EmptyState>
      )}
    </Page>
  );
}
