/**
 * /admin/ops: the operator's summary from GET /api/v1/admin/observability —
 * request rate, error rate and p95 over 5 and 60 minutes and as charts of the
 * last hour, for the whole cluster with a per-instance breakdown when there
 * are several processes, dependency health
 * and circuit breakers, job queues, Web Vitals p75 per route, alerts received
 * the latest errors with trace ids, notification deliveries per channel
 * with the latest failures, Plex playback, the newest database backup's size
 * and age, and the version of the Overseerr server it talks to. Known
 * sections get their own view;
 * any other field the server sends is still shown, generically. Refreshed
 * every 15 s.
 */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { isObject } from '../../api/read';
import { ErrorMessage, SkeletonRows } from '../../components/feedback';
import { OpsSummary } from '../../components/ops/ops-summary';
import { Page } from '../../components/page';
import { useApiData } from '../../hooks/use-api-data';

export const OPS_REFRESH_MS = 15_000;

export function AdminOpsPage() {
  const { t } = useTranslation('ops');
  const summary = useApiData(async (signal) => api.get('/api/v1/admin/observability', undefined, signal), []);
  const { refresh } = summary;
  useEffect(() => {
    const timer = setInterval(refresh, OPS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  const data = isObject(summary.data) ? summary.data : undefined;
  return (
    <Page
      title={t('admin:home.tools.ops.title')}
      ready={!summary.loading}
      back={<Link to="/admin">← {t('admin:home.title')}</Link>}
      actions={
        <button type="button" className="button button-small" onClick={refresh}>
          {t('refresh')}
        </button>
      }
    >
      {summary.loading ? (
        <SkeletonRows count={6} label={t('loading')} />
      ) : !data ? (
        <ErrorMessage message={summary.error ?? t('noSummary')} onRetry={summary.reload} />
      ) : (
        <>
          {summary.error && <ErrorMessage message={t('refreshFailed', { error: summary.error })} />}
          <OpsSummary data={data} />
        </>
      )}
    </Page>
  );
}
