/**
 * A row of title cards under its heading (a Discover row, a title's
 * recommendations or similar titles): loads its first page when it scrolls
 * into view, pages in more along the row (title-strip.tsx), and says when
 * it is loading, empty, failed, or showing titles loaded earlier because
 * Overseerr does not answer.
 */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { TitleListPage } from '../../api/types';
import { useInView } from '../../hooks/use-in-view';
import { useTitleList, type TitleList } from '../../hooks/use-title-list';
import { EmptyState, ErrorMessage } from '../feedback';
import type { QuotaProps } from './request-control';
import { TitleStrip } from './title-strip';
import './title-row.css';

function RowState({ list, heading }: { list: TitleList; heading: string }) {
  const { t } = useTranslation('discover');
  if (list.outage) {
    return (
      <div className="notice notice-warning" role="alert">
        <p>{list.items.length ? t('outageCached') : t('outage')}</p>
        <button type="button" className="button button-small" onClick={list.retry}>
          {t('retry')}
        </button>
      </div>
    );
  }
  if (list.error) return <ErrorMessage message={list.error} onRetry={list.retry} />;
  if (list.loading && list.items.length === 0) {
    return (
      <div className="title-strip-skeleton" role="status" aria-label={t('loadingRow', { row: heading })}>
        {Array.from({ length: 6 }, (_, i) => (
          <div key={i} className="skeleton poster-frame" />
        ))}
      </div>
    );
  }
  if (list.loaded && list.items.length === 0) return <EmptyState>{t('emptyRow')}</EmptyState>;
  return null;
}

export function TitleRow(props: {
  heading: string;
  load: (page: number, signal: AbortSignal) => Promise<TitleListPage>;
  quota: QuotaProps;
  /** Remember the loaded titles for the tab (Discover rows), so they are there at once next time and during an outage. */
  cacheKey?: string;
}) {
  const headingId = useId();
  const { ref, inView } = useInView<HTMLElement>({ rootMargin: '400px 0px', once: true });
  const list = useTitleList(props.load, inView, props.cacheKey);
  return (
    <section ref={ref} className="title-row" aria-labelledby={headingId} aria-busy={list.loading}>
      <h2 id={headingId} className="title-row-heading">
        {props.heading}
      </h2>
      <RowState list={list} heading={props.heading} />
      {list.items.length > 0 && <TitleStrip list={list} heading={props.heading} quota={props.quota} />}
    </section>
  );
}
