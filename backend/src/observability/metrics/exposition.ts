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
  get(): Promise<Family> | Family;
  getForPromString?: () => Promise<Family> | Family;
}

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

/** The registry in the Prometheus text format, or OpenMetrics (ending in `# EOF`). */
export async function renderRegistry(registry: Registry<RegistryContentType>, openMetrics: boolean): Promise<string> {
  const metrics = registry.getMetricsAsArray() as unknown as Renderable[];
  const families = await Promise.all(metrics.map((m) => (m.getForPromString ? m.getForPromString() : m.get())));
  const defaults = (registry as unknown as { _defaultLabels?: Labels })._defaultLabels;
  const defaultLabels = defaults && Object.keys(defaults).length > 0 ? defaults : undefined;
  const rendered = families.map((f) => renderFamily(f, openMetrics, defaultLabels));
  return openMetrics ? `${rendered.join('\n')}\n# EOF\n` : `${rendered.join('\n\n')}\n`;
}
