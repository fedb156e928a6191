/**
 * /library: the Plex libraries (GET /api/v1/plex/libraries) and what was
 * added recently (GET /api/v1/plex/recently-added).
 */
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import { toLibraryItems, type LibraryItem } from '../api/types';
import { EmptyState, ErrorMessage, SkeletonCards, SkeletonRows } from '../components/feedback';
import { formatAgo } from '../components/format';
import { Page } from '../components/page';
import { Poster } from '../components/poster';
import { useApiData } from '../hooks/use-api-data';

const LIBRARY_TYPES: Record<string, string> = { movie: 'Movies', show: 'TV shows', artist: 'Music', photo: 'Photos' };

/** Opens the item in Plex Web, which plays it from the household's server. */
export function PlayOnPlexLink({ url, title, small = false }: { url: string; title: string; small?: boolean }) {
  return (
    <a
      className={`button button-plex${small ? ' button-small' : ''}`}
      href={url}
      target="_blank"
      rel="noopener noreferrer"
      aria-label={`Play ${title} on Plex`}
    >
      ▶ Play on Plex
    </a>
  );
}

export function LibraryItemCard({ item }: { item: LibraryItem }) {
  return (
    <li className="media-card">
      <Poster src={item.image} title={item.title} />
      <h3 className="card-title">{item.title}</h3>
      {item.subtitle && <p className="card-meta">{item.subtitle}</p>}
      <p className="card-meta">
        {item.year ?? ''}
        {item.year && item.addedAt ? ' · ' : ''}
        {item.addedAt ? `added ${formatAgo(item.addedAt)}` : ''}
      </p>
      {item.playUrl && <PlayOnPlexLink url={item.playUrl} title={item.title} small />}
      {item.reportUrl && (
        <p className="card-link">
          <Link to={item.reportUrl} aria-label={`Report a problem with ${item.title}`}>
            Report a problem
          </Link>
        </p>
      )}
    </li>
  );
}

export function LibraryPage() {
  const libraries = useApiData(async (signal) => (await api.get('/api/v1/plex/libraries', undefined, signal)).libraries, []);
  const recent = useApiData(async (signal) => toLibraryItems(await api.get('/api/v1/plex/recently-added', undefined, signal)), []);

  return (
    <Page title="Library" ready={!libraries.loading && !recent.loading}>
      <section aria-labelledby="libraries-heading" className="panel">
        <h2 id="libraries-heading">Libraries</h2>
        {libraries.loading ? (
          <SkeletonRows count={2} label="Loading libraries" />
        ) : libraries.error ? (
          <ErrorMessage message={libraries.error} onRetry={libraries.reload} />
        ) : !libraries.data || libraries.data.length === 0 ? (
          <EmptyState>The Plex server has no libraries to show.</EmptyState>
        ) : (
          <ul className="rows">
            {libraries.data.map((lib) => (
              <li key={lib.key} className="row">
                <span className="row-main">
                  <Link to={`/library/${encodeURIComponent(lib.key)}`} className="row-title">
                    {lib.title}
                  </Link>
                  {(LIBRARY_TYPES[lib.type] ?? lib.type).toLowerCase() !== lib.title.toLowerCase() && (
                    <span className="muted row-sub">{LIBRARY_TYPES[lib.type] ?? lib.type}</span>
                  )}
                </span>
                {lib.scannedAt && <span className="row-meta muted">scanned {formatAgo(lib.scannedAt)}</span>}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="recent-heading" className="panel">
        <h2 id="recent-heading">Recently added</h2>
        {recent.loading ? (
          <SkeletonCards count={6} label="Loading recently added titles" />
        ) : recent.error ? (
          <ErrorMessage message={recent.error} onRetry={recent.reload} />
        ) : !recent.data || recent.data.length === 0 ? (
          <EmptyState>Nothing was added recently.</EmptyState>
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
