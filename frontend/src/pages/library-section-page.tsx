/**
 * /library/:key: one Plex library's titles, a page at a time
 * (GET /api/v1/plex/libraries/:key/items?page=), titled from the library list.
 */
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import { toLibraryItems } from '../api/types';
import { EmptyState, ErrorMessage, SkeletonCards } from '../components/feedback';
import { formatNumber } from '../components/format';
import { LibraryItemCard } from '../components/library/library-item-card';
import { Page } from '../components/page';
import { Pager, pageParam } from '../components/pager';
import { useApiData } from '../hooks/use-api-data';

export function LibrarySectionPage() {
  const { t } = useTranslation('library');
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
  const title = libraries.data?.find((l) => l.key === key)?.title ?? t('title');

  const data = items.data;
  return (
    <Page title={title} ready={!items.loading} back={<Link to="/library">← {t('title')}</Link>}>
      {items.loading ? (
        <SkeletonCards count={12} label={t('loadingTitles')} />
      ) : items.error || !data ? (
        <ErrorMessage message={items.error ?? t('nothing')} onRetry={items.reload} />
      ) : data.items.length === 0 ? (
        <EmptyState>{page > 1 ? t('noMore') : t('empty')}</EmptyState>
      ) : (
        <>
          <p className="summary">{t('titles', { count: data.total, formatted: formatNumber(data.total) })}</p>
          <ul className="card-grid">
            {data.items.map((item) => (
              <LibraryItemCard key={item.key} item={item} level={2} />
            ))}
          </ul>
          <Pager page={page} totalPages={data.totalPages} onPage={(p) => setParams({ page: String(p) })} label={t('pages')} />
        </>
      )}
    </Page>
  );
}
