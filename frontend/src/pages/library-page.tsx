/**
 * /library: the Plex libraries (GET /api/v1/plex/libraries) and what was
 * added recently (GET /api/v1/plex/recently-added).
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import { toLibraryItems } from '../api/types';
import { EmptyState, ErrorMessage, SkeletonCards, SkeletonRows } from '../components/feedback';
import { formatAgo } from '../components/format';
import { LibraryItemCard } from '../components/library/library-item-card';
import { Page } from '../components/page';
import { useApiData } from '../hooks/use-api-data';

const LIBRARY_TYPES = ['movie', 'show', 'artist', 'photo'];

export function LibraryPage() {
  const { t } = useTranslation('library');
  const typeName = (type: string) => (LIBRARY_TYPES.includes(type) ? t(`types.${type}`) : type);
  const libraries = useApiData(async (signal) => (await api.get('/api/v1/plex/libraries', undefined, signal)).libraries, []);
  const recent = useApiData(async (signal) => toLibraryItems(await api.get('/api/v1/plex/recently-added', undefined, signal)), []);

  return (
    <Page title={t('title')} ready={!libraries.loading && !recent.loading}>
      <section aria-labelledby="libraries-heading" className="panel">
        <h2 id="libraries-heading">{t('libraries')}</h2>
        {libraries.loading ? (
          <SkeletonRows count={2} label={t('loadingLibraries')} />
        ) : libraries.error ? (
          <ErrorMessage message={libraries.error} onRetry={libraries.reload} />
        ) : !libraries.data || libraries.data.length === 0 ? (
          <EmptyState>{t('noLibraries')}</EmptyState>
        ) : (
          <ul className="rows">
            {libraries.data.map((lib) => (
              <li key={lib.key} className="row">
                <span className="row-main">
                  <Link to={`/library/${encodeURIComponent(lib.key)}`} className="row-title">
                    {lib.title}
                  </Link>
                  {typeName(lib.type).toLowerCase() !== lib.title.toLowerCase() && (
                    <span className="muted row-sub">{typeName(lib.type)}</span>
                  )}
                </span>
                {lib.scannedAt && <span className="row-meta muted">{t('scanned', { ago: formatAgo(lib.scannedAt) })}</span>}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="recent-heading" className="panel">
        <h2 id="recent-heading">{t('recent')}</h2>
        {recent.loading ? (
          <SkeletonCards count={6} label={t('loadingRecent')} />
        ) : recent.error ? (
          <ErrorMessage message={recent.error} onRetry={recent.reload} />
        ) : !recent.data || recent.data.length === 0 ? (
          <EmptyState>{t('noRecent')}</EmptyState>
        ) : (
          <ul className="card-grid">
            {recent.data.map((item) => (
              <LibraryItemCard key={item.key} item={item} />
            ))}
          </ul>
        )}
      </section>
    </Page>
  );
}
