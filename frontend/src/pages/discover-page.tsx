/**
 * /discover: rows of titles to browse — trending, popular and upcoming
 * movies and shows, one row per genre — read from Overseerr as the member,
 * each loading as it scrolls into view; and the search box on top (GET
 * /api/v1/media/search?q=&page=), whose results replace the rows. The query
 * lives in the URL, so back/forward and reloads keep the results. Every card
 * opens its title page and can be requested in one click; each Request button
 * carries the member's remaining Overseerr quota for its media type (GET
 * /api/v1/media/quota, read again after each request); none without a quota.
 */
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import type { RequestQuota, SearchPage } from '../api/types';
import { DiscoverNotice } from '../components/discover/discover-notice';
import { DiscoverRowSection } from '../components/discover/discover-row';
import { SearchForm } from '../components/discover/search-form';
import { SearchResults } from '../components/discover/search-results';
import { Page } from '../components/page';
import { pageParam } from '../components/pager';
import { useApiData } from '../hooks/use-api-data';
import { WatchlistRow } from '../components/watchlist/watchlist-row';
import { useDiscoverRows } from '../hooks/use-discover-rows';

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
  const quotaProps = { quota: quota.data, onChange: quota.refresh };
  const rows = useDiscoverRows(!query);

  return (
    <Page title={t('title')} ready={query ? !search.loading : !rows.loading}>
      <SearchForm initial={query} />
      {query ? (
        <SearchResults
          query={query}
          page={page}
          search={search}
          onPage={(p) => setParams({ q: query, page: String(p) })}
          quota={quotaProps}
        />
      ) : (
        <div className="discover-rows">
          <WatchlistRow />
          <DiscoverNotice rows={rows} />
          {rows.rows.map((row) => (
            <DiscoverRowSection key={row.id} row={row} quota={quotaProps} scope={rows.scope} />
          ))}
        </div>
      )}
    </Page>
  );
}
