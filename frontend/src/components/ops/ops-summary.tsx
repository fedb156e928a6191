/**
 * The operator's summary from GET /api/v1/admin/observability: a headline
 * (version, the Overseerr server's version, uptime, scope) and a panel per
 * known section, Plex playback and backups among them; any other field the
 * server sends is still shown, generically.
 */
import { useTranslation } from 'react-i18next';
import { humanize, isObject, num, objects, str, type JsonObject } from '../../api/read';
import { DataView } from '../data-view';
import { formatDateTime } from '../format';
import { Backups } from './backups';
import { Breakers, Dependencies, Jobs } from './health';
import { duration, Panel } from './ops-parts';
import { OverseerrVersion } from './overseerr-version';
import { OpsPlaybackRow } from './playback-row';
import { Alerts, Deliveries, RecentErrors, WebVitals } from './signals';
import { Instances, Traffic, TrafficCharts } from './traffic';

/** Top-level fields with a dedicated view (or shown in the headline). */
const KNOWN = new Set([
  'generatedAt',
  'version',
  'uptimeSeconds',
  'scope',
  'instance',
  'instances',
  'http',
  'dependencies',
  'breakers',
  'jobs',
  'webVitals',
  'alerts',
  'recentErrors',
  'notifications',
  'backups',
  'overseerr',
]);

function Headline({ data, instances }: { data: JsonObject; instances: number }) {
  const { t } = useTranslation('ops');
  return (
    <p className="muted">
      {str(data.version) && <>{t('headline.version', { version: str(data.version) })} · </>}
      <OverseerrVersion data={data} />
      {num(data.uptimeSeconds) !== undefined && <>{t('headline.up', { duration: duration(num(data.uptimeSeconds)) })} · </>}
      {t('headline.asOf', { when: formatDateTime(str(data.generatedAt) ?? null) })}
      {str(data.scope) === 'cluster'
        ? ` ${t('headline.cluster', { count: instances, instance: str(data.instance) ?? t('headline.thisInstance') })}`
        : str(data.scope) === 'process'
          ? ` ${t('headline.process')}`
          : ''}
    </p>
  );
}

function HealthPanels({ data, several }: { data: JsonObject; several: boolean }) {
  const { t } = useTranslation('ops');
  return (
    <>
      {isObject(data.dependencies) && (
        <Panel id="dependencies" title={t('panels.dependencies')}>
          <Dependencies report={data.dependencies} />
        </Panel>
      )}
      {Array.isArray(data.breakers) && (
        <Panel id="breakers" title={several ? t('panels.breakersHere') : t('panels.breakers')}>
          <Breakers breakers={objects(data.breakers)} />
        </Panel>
      )}
      <OpsPlaybackRow />
      {isObject(data.jobs) && (
        <Panel id="jobs" title={t('panels.jobs')} wide>
          <Jobs jobs={data.jobs} />
        </Panel>
      )}
    </>
  );
}

function SignalPanels({ data }: { data: JsonObject }) {
  const { t } = useTranslation('ops');
  return (
    <>
      {Array.isArray(data.webVitals) && (
        <Panel id="web-vitals" title={t('panels.vitals')} wide>
          <WebVitals vitals={objects(data.webVitals)} />
        </Panel>
      )}
      {Array.isArray(data.alerts) && (
        <Panel id="alerts" title={t('panels.alerts')} wide>
          <Alerts alerts={objects(data.alerts)} />
        </Panel>
      )}
      {isObject(data.notifications) && (
        <Panel id="notifications" title={t('panels.deliveries')} wide>
          <Deliveries summary={data.notifications} />
        </Panel>
      )}
      {isObject(data.backups) && (
        <Panel id="backups" title={t('panels.backups')}>
          <Backups backups={data.backups} />
        </Panel>
      )}
      {Array.isArray(data.recentErrors) && (
        <Panel id="recent-errors" title={t('panels.errors')} wide>
          <RecentErrors lines={objects(data.recentErrors)} />
        </Panel>
      )}
    </>
  );
}

export function OpsSummary({ data }: { data: JsonObject }) {
  const { t } = useTranslation('ops');
  const instances = objects(data, 'instances');
  const cluster = str(data.scope) === 'cluster';
  const others = Object.entries(data).filter(([key]) => !KNOWN.has(key));
  return (
    <>
      <Headline data={data} instances={instances.length} />
      <div className="ops-grid">
        {isObject(data.http) && (
          <Panel id="http" title={cluster ? t('panels.trafficAll') : t('panels.traffic')} wide>
            <Traffic http={data.http} />
            {Array.isArray(data.http.series) && <TrafficCharts series={objects(data.http.series)} />}
          </Panel>
        )}
        {instances.length > 1 && (
          <Panel id="instances" title={t('panels.instances')} wide>
            <Instances instances={instances} self={str(data.instance)} />
          </Panel>
        )}
        <HealthPanels data={data} several={instances.length > 1} />
        <SignalPanels data={data} />
        {others.map(([key, value]) => (
          <Panel key={key} id={key} title={humanize(key)}>
            <DataView value={value} name={key} />
          </Panel>
        ))}
      </div>
    </>
  );
}
