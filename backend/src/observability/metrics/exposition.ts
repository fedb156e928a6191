/**
 * Renders a prom-client registry in the Prometheus text format or OpenMetrics,
 * with the same output as prom-client's own `register.metrics()` (the test
 * compares them) at a fraction of the cost:
 * - label sets that live as long as their series (the objects prom-client
 *   keeps per series: a counter's or gauge's labels, a histogram's shared
 *   labels) are formatted once and remembered per object — a scrape
 *   re-renders thousands of unchanged series, and formatting their labels
 *   (escaping, quoting, joining) was most of the cost;
 * - label values are escaped only when they contain a character that needs it;
 * - one string is built per family, no per-sample arrays;
 * - a metric's series are listed from a remembered array, rebuilt only when a
 *   series is added, replaced or removed: prom-client keeps series in a plain
 *   object keyed by label hash, and listing 10,000 keys of such an object
 *   (`Object.values`, which its `get()` does on every scrape) cost more than
 *   everything else together. The object is watched through a Proxy installed
 *   at the first render (set and delete traps only; increments of an
 *   existing series change the entry in place and are read at render);
 * - histogram bucket lines are written from the series' counts directly,
 *   without prom-client's per-bucket label objects;
 * - OpenMetrics counter names get `_total` in the output only: prom-client
 *   renames each counter in place for OpenMetrics, which here never happens,
 *   so a later Prometheus-text scrape keeps `_total` by construction.
 * Values are read with the metric's own `get()` (which runs its collect
 * callback), so gauges that are read at scrape time still are.
 */
import type { Registry, RegistryContentType } from 'prom-client';

type Labels = Record<string, string | number>;

interface Sample {
  value: number;
  labels?: Labels;
  sharedLabels?: Labels;
  metricName?: string;
  exemplar?: { labelSet: Labels; value: number; timestamp?: number } | null;
}

interface Family {
  name: string;
  help: string;
  type: string;
  values?: Sample[];
}

interface Renderable {
  type: string;
  name: string;
  help: string;
  get(): Promise<Family> | Family;
  getForPromString?: () => Promise<Family> | Family;
  collect?: () => unknown;
  hashMap?: Record<string, unknown>;
  upperBounds?: number[];
}

/** One series as prom-client keeps it (counter, gauge). */
interface ValueEntry {
  value: number;
  labels: Labels;
  exemplar?: Sample['exemplar'];
}

/** One histogram series as prom-client keeps it. */
interface HistogramEntry {
  labels: Labels;
  bucketValues: Record<string, number>;
  sum: number;
  count: number;
  bucketExemplars?: Record<string, Sample['exemplar']> | null;
}

/** The series of one metric, listed once per change instead of once per scrape. */
const seriesLists = new WeakMap<object, () => unknown[]>();

function seriesOf(metric: Renderable): unknown[] {
  let list = seriesLists.get(metric);
  if (!list) {
    let cached: unknown[] | undefined;
    let target = metric.hashMap ?? {};
    const watch = (map: Record<string, unknown>) =>
      new Proxy(map, {
        set(t, key, value) {
          if (t[key as string] !== value) cached = undefined;
          t[key as string] = value;
          return true;
        },
        deleteProperty(t, key) {
          cached = undefined;
          delete t[key as string];
          return true;
        },
      });
    let watched = watch(target);
    Object.defineProperty(metric, 'hashMap', {
      configurable: true,
      enumerable: true,
      get: () => watched,
      set: (map: Record<string, unknown>) => {
        target = map;
        watched = watch(map);
        cached = undefined;
      },
    });
    list = () => (cached ??= Object.values(target));
    seriesLists.set(metric, list);
  }
  return list();
}

async function collected(metric: Renderable): Promise<void> {
  if (!metric.collect) return;
  const v = metric.collect();
  if (v instanceof Promise) await v;
}

/** Counters and gauges: prom-client's `get()` without re-listing the series. */
async function valueFamily(metric: Renderable): Promise<Family> {
  await collected(metric);
  return { name: metric.name, help: metric.help, type: metric.type, values: seriesOf(metric) as ValueEntry[] };
}

const leLabels = new WeakMap<number[], string[]>();

const NEEDS_ESCAPE = /[\\\n"]/;

function escapeLabelValue(value: string | number): string {
  if (typeof value !== 'string') return String(value);
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'Nan';
  if (!Number.isFinite(value)) return value < 0 ? '-Inf' : '+Inf';
  return `${value}`;
}

/** `a="x",b="y"` for every label not in `exclude`. */
function formatLabels(labels: Labels, exclude?: Labels): string {
  let out = '';
  for (const name in labels) {
    if (exclude && Object.prototype.hasOwnProperty.call(exclude, name)) continue;
    if (out) out += ',';
    out += `${name}="${escapeLabelValue(labels[name]!)}"`;
  }
  return out;
}

/**
 * Formatted label sets of long-lived label objects. Keyed by the object and checked against its
 * first label value, so an object reused with other values is formatted again rather than served stale.
 */
const persistentLabels = new WeakMap<object, { text: string; keys: number; probe: unknown }>();

function firstValue(labels: Labels): unknown {
  for (const name in labels) return labels[name];
  return undefined;
}

function formatPersistent(labels: Labels): string {
  const cached = persistentLabels.get(labels);
  let keys = 0;
  for (const _ in labels) keys++;
  if (cached && cached.keys === keys && cached.probe === firstValue(labels)) return cached.text;
  const text = formatLabels(labels);
  persistentLabels.set(labels, { text, keys, probe: firstValue(labels) });
  return text;
}

function renderFamily(family: Family, openMetrics: boolean, defaultLabels: Labels | undefined): string {
  const name = family.type === 'counter' && openMetrics ? family.name.replace(/_total$/, '') : family.name;
  let out = `# HELP ${escapeHelp(name)} ${escapeHelp(family.help)}\n# TYPE ${escapeHelp(name)} ${family.type}`;
  for (const sample of family.values ?? []) {
    let metricName = sample.metricName ?? name;
    if (openMetrics && family.type === 'counter') metricName += '_total';
    let own = sample.labels ?? {};
    const shared = sample.sharedLabels;
    if (defaultLabels) own = { ...own, ...defaultLabels, ...own };
    let labelText: string;
    if (shared) {
      // Histogram buckets: a fresh {le} (formatted now) before the series' shared labels (remembered).
      const head = formatLabels(own, shared);
      const tail = formatPersistent(shared);
      labelText = head && tail ? `${head},${tail}` : head || tail;
    } else {
      labelText = defaultLabels ? formatLabels(own) : formatPersistent(own);
    }
    out += `\n${metricName}${labelText ? `{${labelText}}` : ''} ${formatValue(sample.value)}`;
    if (openMetrics && sample.exemplar) {
      const e = sample.exemplar;
      out += ` # {${formatLabels(e.labelSet)}} ${formatValue(e.value)} ${e.timestamp}`;
    }
  }
  return out;
}

function exemplarText(e: Sample['exemplar'], openMetrics: boolean): string {
  return openMetrics && e ? ` # {${formatLabels(e.labelSet)}} ${formatValue(e.value)} ${e.timestamp}` : '';
}

/** A histogram's lines from its series' counts (prom-client's order: `le` first, then the series' labels). */
function renderHistogram(metric: Renderable, entries: HistogramEntry[], openMetrics: boolean): string {
  const name = escapeHelp(metric.name);
  const bounds = metric.upperBounds!;
  let le = leLabels.get(bounds);
  if (!le) {
    le = bounds.map((b) => `le="${escapeLabelValue(b)}"`);
    leLabels.set(bounds, le);
  }
  let out = `# HELP ${name} ${escapeHelp(metric.help)}\n# TYPE ${name} histogram`;
  for (const entry of entries) {
    const shared = formatPersistent(entry.labels);
    const suffix = shared ? `,${shared}}` : '}';
    const exemplars = openMetrics ? entry.bucketExemplars : undefined;
    let cumulative = 0;
    for (let i = 0; i < bounds.length; i++) {
      cumulative += entry.bucketValues[bounds[i]!]!;
      out += `\n${name}_bucket{${le[i]}${suffix} ${formatValue(cumulative)}${exemplars ? exemplarText(exemplars[bounds[i]!], true) : ''}`;
    }
    out += `\n${name}_bucket{le="+Inf"${suffix} ${formatValue(entry.count)}${exemplars ? exemplarText(exemplars['-1'], true) : ''}`;
    const labels = shared ? `{${shared}}` : '';
    out += `\n${name}_sum${labels} ${formatValue(entry.sum)}\n${name}_count${labels} ${formatValue(entry.count)}`;
  }
  return out;
}

/** Whether the metric is one of prom-client's own classes, whose internals the fast paths read. */
function plain(metric: Renderable, type: string): boolean {
  const proto = Object.getPrototypeOf(metric) as { constructor?: { name?: string } };
  return (
    metric.type === type &&
    proto?.constructor?.name === { counter: 'Counter', gauge: 'Gauge', histogram: 'Histogram' }[type] &&
    typeof metric.hashMap === 'object'
  );
}

/** The registry in the Prometheus text format, or OpenMetrics (ending in `# EOF`). */
export async function renderRegistry(registry: Registry<RegistryContentType>, openMetrics: boolean): Promise<string> {
  const metrics = registry.getMetricsAsArray() as unknown as Renderable[];
  const defaults = (registry as unknown as { _defaultLabels?: Labels })._defaultLabels;
  const defaultLabels = defaults && Object.keys(defaults).length > 0 ? defaults : undefined;
  const rendered = await Promise.all(
    metrics.map(async (m) => {
      if (!defaultLabels && plain(m, 'histogram') && m.upperBounds) {
        await collected(m);
        return renderHistogram(m, seriesOf(m) as HistogramEntry[], openMetrics);
      }
      if (plain(m, 'counter') || plain(m, 'gauge')) return renderFamily(await valueFamily(m), openMetrics, defaultLabels);
      return renderFamily(await (m.getForPromString ? m.getForPromString() : m.get()), openMetrics, defaultLabels);
    }),
  );
  return openMetrics ? `${rendered.join('\n')}\n# EOF\n` : `${rendered.join('\n\n')}\n`;
}
