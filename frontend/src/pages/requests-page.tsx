/**
 * /requests: the signed-in user's requests (GET /api/v1/media/requests), with
 * status changes arriving live over 'request.updated'.
 */
import { Trans, useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { useUser } from '../app/session';
import { EmptyState, ErrorMessage, SkeletonRows } from '../components/feedback';
import { LiveIndicator } from '../components/live-indicator';
import { Page } from '../components/page';
import { Pager, pageParam } from '../components/pager';
import { RequestRow } from '../components/requests/request-row';
import { useRequestList } from '../hooks/use-request-list';

export function RequestsPage() {
  const { t } = useTranslation('requests');
  const me = useUser();
  const [params, setParams] = useSearchParams();
  const page = pageParam(params);
  const { requests, announcement } = useRequestList(page);
  // Administrators get everyone's requests from the API; this page is about their own.
  const mine = requests.data?.requests.filter((r) => r.requestedBy.id === me.id) ?? [];

  return (
    <Page title={t('mine.title')} ready={!requests.loading} actions={<LiveIndicator />}>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {requests.loading ? (
        <SkeletonRows count={4} label={t('mine.loading')} />
      ) : requests.error ? (
        <ErrorMessage message={requests.error} onRetry={requests.reload} />
      ) : mine.length === 0 && page === 1 ? (
        <EmptyState>
          <Trans t={t} i18nKey="mine.empty" components={{ go: <Link to="/discover" /> }} />
        </EmptyState>
      ) : (
        <>
          <ul className="rows">
            {mine.map((r) => (
              <RequestRow key={r.id} request={r} />
            ))}
          </ul>
          <Pager
            page={page}
            totalPages={requests.data?.totalPages ?? 1}
            onPage={(p) => setParams({ page: String(p) })}
            label={t('mine.pages')}
          />
        </>
      )}
    </Page>
  );
}
