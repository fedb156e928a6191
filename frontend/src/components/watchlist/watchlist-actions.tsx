/** Above the watchlist: "Request all" with how many titles it would ask for, its result, and the automatic-requests opt-in. */
import { useTranslation } from 'react-i18next';
import type { WatchlistRequestAllResult, WatchlistResponse } from '@medianest/contracts';
import { RequestAllSummary } from './request-all-summary';

export function WatchlistActions(props: {
  data: WatchlistResponse;
  result: WatchlistRequestAllResult | undefined;
  busy: boolean;
  error: string | undefined;
  requestAll: () => Promise<void>;
  setAutoRequest: (enabled: boolean) => Promise<void>;
}) {
  const { t } = useTranslation('watchlist');
  const { data, busy } = props;
  const requestable = data.items.filter((i) => i.availability === 'none' || i.availability === 'partially_available').length;
  return (
    <div className="watchlist-actions">
      <div className="watchlist-toolbar">
        <button
          type="button"
          className="button button-primary"
          onClick={() => void props.requestAll()}
          disabled={busy || requestable === 0}
        >
          {busy ? t('requesting') : t('requestAll')}
        </button>
        <p className="muted">{requestable > 0 ? t('requestAllHint', { count: requestable }) : t('nothingToRequest')}</p>
        {data.autoRequest.offered && (
          <label className="watchlist-auto">
            <input
              type="checkbox"
              checked={data.autoRequest.enabled}
              disabled={busy}
              onChange={(e) => void props.setAutoRequest(e.target.checked)}
            />{' '}
            {t('autoRequest')}
          </label>
        )}
      </div>
      {props.error && (
        <p className="field-error" role="alert">
          {props.error}
        </p>
      )}
      {props.result && <RequestAllSummary result={props.result} />}
    </div>
  );
}
