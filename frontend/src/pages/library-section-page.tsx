/**
 * /library/:key: one Plex library's titles, a page at a time
 * (GET /api/v1/plex/libraries/:key/items?page=), titled from the library list.
 */
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import { toLibraryItems } from '../api/types';
import { EmptyState, ErrorMessage, SkeletonCards } from '../components/feedback';
import { LibraryItemCard } from '../components/library/library-item-card';
import { Page } from '../components/page';
import { Pager, pageParam } from '../components/pager';
import { useApiData } from '../hooks/use-api-data';

export function LibrarySectionPage() {
  const { key = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const page = pageParam(params);
  const items = useApiData(
    async (signal) => {
      const body = await api.get('/api/v1/plex/libraries/:key/items', { key, page }, signal);
      return { items: toLibraryItems(body), total: body.total, totalPages: body.totalPages };
    },
    [key, page],
  );
  // The library's name (the server caches the list); the page works without it.
  const libraries = useApiData(async (signal) => (await api.get('/api/v1/plex/libraries', undefined, signal)).libraries, []);
  const title = libraries.data?.find((l) => l.key === key)?.title ?? 'Library';

  const data = items.data;
  return (
    <Page title={title} ready={!items.loading} back={<Link to="/library">← Library</Link>}>
      {items.loading ? (
        <SkeletonCards count={12} label="Loading titles" />
      ) : items.error || !data ? (
        <ErrorMessage message={items.error ?? 'Nothing to show'} onRetry={items.reload} />
      ) : data.items.length === 0 ? (
        <EmptyState>{page > 1 ? 'No more titles.' : 'This library is empty.'}</EmptyState>
      ) : (
        <>
          <p className="summary">{data.total} titles</p>
          <ul className="card-grid">
            {data.items.map((item) => (
              <LibraryItemCard key={item.key} item={item} level={2} />
            ))}
          </ul>
          <Pager page={page} totalPages={data.totalPages} onPage={(p) => setParams({ page: String(p) })} label="Library pages" />
        </>
      )}
    </Page>
  );
}
