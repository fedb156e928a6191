/**
 * Reading metrics the way tests assert on them: sums and label values from
 * the in-process registry, samples parsed from a scraped /metrics body, and a
 * logger whose lines a test can read.
 */
import { Writable } from 'node:stream';
import { createLogger, logger, setLogger, type Logger } from '../src/observability/logging/logger';
import { register } from '../src/observability/metrics/catalog';

export type Labels = Record<string, string>;

export interface Sample {
  name: string;
  labels: Labels;
  value: number;
}

function hasLabels(labels: Record<string, string | number | undefined>, want: Labels): boolean {
  return Object.entries(want).every(([k, v]) => labels[k] !== undefined && String(labels[k]) === v);
}

async function registrySamples(metric: string): Promise<Sample[]> {
  const m = register.getSingleMetric(metric);
  if (!m) throw new Error(`metric ${metric} is not registered`);
  const { values } = await m.get();
  return values.map((v) => ({
    name: (v as { metricName?: string }).metricName ?? metric,
    labels: Object.fromEntries(Object.entries(v.labels).map(([k, l]) => [k, String(l)])),
    value: v.value,
  }));
}

/**
 * Sum of a registered metric's samples whose labels include `want`. For a
 * histogram pass the sample name too, e.g. `${name}_count`.
 */
export async function registrySum(metric: string, want: Labels = {}, sampleName = metric): Promise<number> {
  return (await registrySamples(metric))
    .filter((s) => s.name === sampleName && hasLabels(s.labels, want))
    .reduce((sum, s) => sum + s.value, 0);
}

/** Distinct values a label takes across a registered metric's series. */
export async function registryLabelValues(metric: string, label: string): Promise<Set<string>> {
  return new Set((await registrySamples(metric)).map((s) => s.labels[label]).filter((v): v is string => v !== undefined));
}

function unescapeLabel(value: string): string {
  return value.replace(/\\(["\\n])/g, (_m, c: string) => (c === 'n' ? '\n' : c));
}

/** Parses the samples of a Prometheus text / OpenMetrics body (comments and exemplars ignored). */
export function parseExposition(body: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{((?:[^"}]|"(?:[^"\\]|\\.)*")*)\})?\s+(\S+)/.exec(line);
    if (!m) throw new Error(`unparseable exposition line: ${line}`);
    const labels: Labels = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = unescapeLabel(l[2]!);
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/** Sum of scraped samples named `name` whose labels include `want`. */
export function scrapedSum(samples: Sample[], name: string, want: Labels = {}): number {
  return samples.filter((s) => s.name === name && hasLabels(s.labels, want)).reduce((sum, s) => sum + s.value, 0);
}

export async function scrape(metricsUrl: string, headers: Record<string, string> = {}): Promise<Sample[]> {
  const res = await fetch(metricsUrl, { headers });
  if (res.status !== 200) throw new Error(`scrape answered ${res.status}`);
  return parseExposition(await res.text());
}

export interface CapturedLog {
  /** Parsed JSON lines written so far. */
  lines: Record<string, unknown>[];
  /** The raw text written so far. */
  text(): string;
  restore(): void;
}

/** Routes the process logger into memory until `restore()`. */
export function captureLogs(level = 'info'): CapturedLog {
  const previous: Logger = logger();
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  setLogger(createLogger({ level, version: 'test', environment: 'test', destination }));
  return {
    get lines() {
      return chunks
        .join('')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    text: () => chunks.join(''),
    restore: () => setLogger(previous),
  };
}
