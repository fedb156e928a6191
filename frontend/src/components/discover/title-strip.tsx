/**
 * The cards of a row, side by side and scrolled horizontally. As the end of
 * the row comes near, the next page is loaded; "More" does the same for a
 * keyboard or a browser without IntersectionObserver.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useInView } from '../../hooks/use-in-view';
import type { TitleList } from '../../hooks/use-title-list';
import type { QuotaProps } from './request-control';
import { ResultCard } from './result-card';

export function TitleStrip({ list, heading, quota }: { list: TitleList; heading: string; quota: QuotaProps }) {
  const { t } = useTranslation('discover');
  const [scroller, setScroller] = useState<HTMLUListElement | null>(null);
  const end = useInView<HTMLLIElement>({ root: scroller, rootMargin: '0px 480px 0px 0px' });
  const { hasMore, loading, error, loadMore } = list;
  const reached = end.inView && typeof IntersectionObserver !== 'undefined';
  useEffect(() => {
    if (reached && hasMore && !loading && !error) loadMore();
  }, [reached, hasMore, loading, error, loadMore]);
  return (
    <ul ref={setScroller} className="title-strip">
      {list.items.map((r) => (
        <ResultCard key={`${r.mediaType}-${r.tmdbId}`} result={r} quota={quota} />
      ))}
      {hasMore && (
        <li ref={end.ref} className="title-strip-more">
          <button type="button" className="button" onClick={loadMore} disabled={loading} aria-label={t('moreIn', { row: heading })}>
            {loading ? t('loadingMore') : t('more')}
          </button>
        </li>
      )}
    </ul>
  );
}
