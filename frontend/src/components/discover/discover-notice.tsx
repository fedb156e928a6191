/**
 * Above the Discover rows: loading, that Overseerr does not answer (and whether older rows are shown), that
 * the account has no Overseerr user, or another failure.
 */
import { useTranslation } from 'react-i18next';
import type { DiscoverRowsState } from '../../hooks/use-discover-rows';
import { ErrorMessage, SkeletonRows } from '../feedback';
import { NOT_LINKED, NotLinkedNotice } from './not-linked-notice';

export function DiscoverNotice({ rows }: { rows: DiscoverRowsState }) {
  const { t } = useTranslation('discover');
  if (rows.outage) {
    return (
      <div className="notice notice-warning" role="alert">
        <p>{rows.rows.length ? t('outageCached') : t('outage')}</p>
        <button type="button" className="button button-small" onClick={rows.retry}>
          {t('retry')}
        </button>
      </div>
    );
  }
  if (rows.reason === NOT_LINKED) return <NotLinkedNotice />;
  if (rows.error) return <ErrorMessage message={rows.error} onRetry={rows.retry} />;
  if (rows.loading && rows.rows.length === 0) return <SkeletonRows count={3} label={t('loadingRows')} />;
  return null;
}
