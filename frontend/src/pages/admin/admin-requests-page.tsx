/**
 * /admin/requests: every request in the household, filtered by status
 * (GET /api/v1/media/requests?status=), kept live by 'request.updated' and
 * 'request.created'.
 */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { REQUEST_STATUSES, type RequestStatus } from '../../api/types';
import { requestStatusLabel } from '../../components/badges';
import { EmptyState, ErrorMessage, SkeletonRows } from '../../components/feedback';
import { formatNumber } from '../../components/format';
import { LiveIndicator } from '../../components/live-indicator';
import { Page } from '../../components/page';
import { Pager, pageParam } from '../../components/pager';
import { RequestRow } from '../../components/requests/request-row';
import { useRequestList } from '../../hooks/use-request-list';
import { useRealtimeEvent } from '../../realtime/socket';
import './admin-requests-page.css';

function readStatus(value: string | null): RequestStatus | '' {
  return value && (REQUEST_STATUSES as readonly string[]).includes(value) ? (value as RequestStatus) : '';
}

export function AdminRequestsPage() {
  const { t } = useTranslation('admin');
  const [params, setParams] = useSearchParams();
  const status = readStatus(params.get('status'));
  const page = pageParam(params);
  const filterId = useId();
  const { requests, announcement } = useRequestList(page, status);
  // A new request appears for admins: fetch the list again quietly so it shows with all its fields.
  useRealtimeEvent('request.created', (event) => {
    if (!status || event.status === status) requests.refresh();
  });

  return (
    <Page
      title={t('home.tools.requests.title')}
      ready={!requests.loading}
      back={<Link to="/admin">← {t('home.title')}</Link>}
      actions={<LiveIndicator />}
    >
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      <div className="filters">
        <label htmlFor={filterId}>{t('requests:facts.status')}</label>
        <select id={filterId} value={status} onChange={(e) => setParams(e.target.value ? { status: e.target.value } : {})}>
          <option value="">{t('allRequests.allStatuses')}</option>
          {REQUEST_STATUSES.map((s) => (
            <option key={s} value={s}>
              {requestStatusLabel(s)}
            </option>
          ))}
        </select>
      </div>
      {requests.loading ? (
        <SkeletonRows count={5} label={t('allRequests.loading')} />
      ) : requests.error ? (
        <ErrorMessage message={requests.error} onRetry={requests.reload} />
      ) : !requests.data || requests.data.requests.length === 0 ? (
        <EmptyState>{status ? t('allRequests.noneWithStatus', { status: requestStatusLabel(status) }) : t('allRequests.none')}</EmptyState>
      ) : (
        <>
          {requests.data.total !== null && (
            <p className="summary">
              {t('allRequests.count', { count: requests.data.total, formatted: formatNumber(requests.data.total) })}
            </p>
          )}
          <ul className="rows">
            {requests.data.requests.map((r) => (
              <RequestRow key={r.id} request={r} showUser />
            ))}
          </ul>
          <Pager
            page={page}
            totalPages={requests.data.totalPages}
            onPage={(p) => setParams({ ...(status ? { status } : {}), page: String(p) })}
            label={t('requests:mine.pages')}
          />
        </>
      )}
    </Page>
  );
}
