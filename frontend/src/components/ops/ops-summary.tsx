/**
 * The operator's summary from GET /api/v1/admin/observability: a headline
 * (version, uptime, scope) and a panel per known section; any other field
 * the server sends is still shown, generically.
 */
import { humanize, isObject, num, objects, str, type JsonObject } from '../../api/read';
import { DataView } from '../data-view';
import { formatDateTime } from '../format';
import { Breakers, Dependencies, Jobs } from './health';
import { duration, Panel } from './ops-parts';
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
]);

function Headline({ data, instances }: { data: JsonObject; instances: number }) {
  return (
    <p className="muted">
      {str(data.version) && <>Version {str(data.version)} · </>}
      {num(data.uptimeSeconds) !== undefined && <>up {duration(num(data.uptimeSeconds))} · </>}
      as of {formatDateTime(str(data.generatedAt) ?? null)}; refreshes every 15 seconds.
      {str(data.scope) === 'cluster'
        ? ` Traffic, breakers and job runs of all ${instances} instances sharing this Redis, summed; served by ${str(data.instance) ?? 'this instance'}.`
        : str(data.scope) === 'process'
          ? ' Figures of this process only.'
          : ''}
    </p>
  );
}

function HealthPanels({ data, several }: { data: JsonObject; several: boolean }) {
  return (
    <>
      {isObject(data.dependencies) && (
        <Panel id="dependencies" title="Dependencies">
          <Dependencies report={data.dependencies} />
        </Panel>
      )}
      {Array.isArray(data.breakers) && (
        <Panel id="breakers" title={several ? 'Circuit breakers (this instance)' : 'Circuit breakers'}>
          <Breakers breakers={objects(data.breakers)} />
        </Panel>
      )}
      {isObject(data.jobs) && (
        <Panel id="jobs" title="Background jobs" wide>
          <Jobs jobs={data.jobs} />
        </Panel>
      )}
    </>
  );
}

function SignalPanels({ data }: { data: JsonObject }) {
  return (
    <>
      {Array.isArray(data.webVitals) && (
        <Panel id="web-vitals" title="Web Vitals (p75, last hour)" wide>
          <WebVitals vitals={objects(data.webVitals)} />
        </Panel>
      )}
      {Array.isArray(data.alerts) && (
        <Panel id="alerts" title="Alerts" wide>
          <Alerts alerts={objects(data.alerts)} />
        </Panel>
      )}
      {isObject(data.notifications) && (
        <Panel id="notifications" title="Notification deliveries" wide>
          <Deliveries summary={data.notifications} />
        </Panel>
      )}
      {Array.isArray(data.recentErrors) && (
        <Panel id="recent-errors" title="Latest errors" wide>
          <RecentErrors lines={objects(data.recentErrors)} />
        </Panel>
      )}
    </>
  );
}

export function OpsSummary({ data }: { data: JsonObject }) {
  const instances = objects(data, 'instances');
  const cluster = str(data.scope) === 'cluster';
  const others = Object.entries(data).filter(([key]) => !KNOWN.has(key));
  return (
    <>
      <Headline data={data} instances={instances.length} />
      <div className="ops-grid">
        {isObject(data.http) && (
          <Panel id="http" title={cluster ? 'Traffic (all instances)' : 'Traffic'} wide>
            <Traffic http={data.http} />
            {Array.isArray(data.http.series) && <TrafficCharts series={objects(data.http.series)} />}
          </Panel>
        )}
        {instances.length > 1 && (
          <Panel id="instances" title="Instances" wide>
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
