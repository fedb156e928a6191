/** What "Request all" did: how many titles were requested, and each one left out with the reason. */
import { useTranslation } from 'react-i18next';
import type { WatchlistRequestAllResult, WatchlistSkipReason } from '@medianest/contracts';

function useReasonText(): (reason: WatchlistSkipReason) => string {
  const { t } = useTranslation('watchlist');
  return (reason) => {
    switch (reason) {
      case 'available':
        return t('reason.available');
      case 'already_requested':
        return t('reason.alreadyRequested');
      case 'blocklisted':
        return t('reason.blocklisted');
      case 'quota':
        return t('reason.quota');
      case 'not_allowed':
        return t('reason.notAllowed');
      case 'not_linked':
        return t('reason.notLinked');
      case 'failed':
        return t('reason.failed');
    }
  };
}

export function RequestAllSummary({ result }: { result: WatchlistRequestAllResult }) {
  const { t } = useTranslation('watchlist');
  const reasonText = useReasonText();
  return (
    <div className="watchlist-summary" role="status">
      <p>{result.requested.length > 0 ? t('result.requested', { count: result.requested.length }) : t('result.noneRequested')}</p>
      {result.skipped.length > 0 && (
        <>
          <h3 className="watchlist-summary-heading">{t('result.skippedHeading')}</h3>
          <ul className="watchlist-skipped">
            {result.skipped.map((s) => (
              <li key={`${s.mediaType}-${s.tmdbId}`}>{t('result.skipped', { title: s.title, reason: reasonText(s.reason) })}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
