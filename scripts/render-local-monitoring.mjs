#!/usr/bin/env node
// Renders the compose-oriented Prometheus and Alertmanager configs for a
// stack run directly on this machine (no Docker): targets and URLs are
// rewritten to loopback addresses, rule files point at the repository's own
// recording_rules.yml / alert_rules.yml, secrets come from given files.
// Used by live stack tests and drills so they exercise the real rules.
//
//   node scripts/render-local-monitoring.mjs --out DIR \
//     --target medianest-backend=127.0.0.1:9090[,127.0.0.1:9091 ...] [--target prometheus=127.0.0.1:19091 ...] \
//     [--alertmanager 127.0.0.1:19093] \
//     [--webhook-url http://127.0.0.1:4000/api/v1/alerts/webhook --webhook-token-file FILE] \
//     [--metrics-token-file FILE] [--scrape-interval 5s --evaluation-interval 5s] [--group-interval 5s]
//
// --group-interval replaces every route's group_interval (how long Alertmanager
// waits before it tells a group's news, a resolution included): the stack test
// runs fault after fault on one upstream and needs each resolution within
// seconds; the drill keeps the production value.
// Writes DIR/prometheus.yml and DIR/alertmanager.yml. Scrape jobs without a
// --target are dropped (listed on stderr), so a partial stack has no
// permanently-down targets. Needs the `yaml` package.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const promDir = path.join(root, 'infrastructure/prometheus');
const argv = process.argv.slice(2);
const opts = { target: [] };
for (let i = 0; i < argv.length; i += 1) {
  const m = argv[i].match(/^--([\w-]+)(?:=(.*))?$/);
  if (!m) throw new Error(`unexpected argument ${argv[i]}`);
  const value = m[2] ?? argv[++i];
  if (value === undefined) throw new Error(`--${m[1]} needs a value`);
  if (m[1] === 'target') opts.target.push(value);
  else opts[m[1]] = value;
}
if (!opts.out) {
  console.error('usage: render-local-monitoring.mjs --out DIR --target JOB=HOST:PORT ... (see the header of this file)');
  process.exit(2);
}
const targets = new Map(
  opts.target.map((t) => {
    const [job, address] = t.split('=');
    if (!job || !(address ?? '').split(',').every((a) => /^[\w.-]+:\d+$/.test(a)))
      throw new Error(`--target must be JOB=HOST:PORT[,HOST:PORT...], got ${t}`);
    return [job, address];
  }),
);
const readable = (file, what) => {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new Error(`${what} ${abs} does not exist`);
  return abs;
};

// ---------------------------------------------------------------- Prometheus
const prom = YAML.parse(fs.readFileSync(path.join(promDir, 'prometheus.yml'), 'utf8'));
prom.rule_files = prom.rule_files.map((f) => path.join(promDir, f));
if (opts['scrape-interval']) prom.global.scrape_interval = opts['scrape-interval'];
if (opts['evaluation-interval']) prom.global.evaluation_interval = opts['evaluation-interval'];
const dropped = [];
prom.scrape_configs = prom.scrape_configs.filter((job) => {
  const address = targets.get(job.job_name);
  if (!address) {
    dropped.push(job.job_name);
    return false;
  }
  job.static_configs = [{ targets: address.split(',') }];
  if (opts['scrape-interval'] && job.scrape_interval) job.scrape_interval = opts['scrape-interval'];
  if (job.job_name === 'medianest-backend' && opts['metrics-token-file']) {
    job.authorization = { type: 'Bearer', credentials_file: readable(opts['metrics-token-file'], 'metrics token file') };
  }
  return true;
});
for (const job of targets.keys()) {
  if (!prom.scrape_configs.some((j) => j.job_name === job)) throw new Error(`--target ${job}: no such job in prometheus.yml`);
}
if (opts.alertmanager) prom.alerting = { alertmanagers: [{ static_configs: [{ targets: [opts.alertmanager] }] }] };
else delete prom.alerting;

// -------------------------------------------------------------- Alertmanager
const am = YAML.parse(fs.readFileSync(path.join(root, 'infrastructure/alertmanager/alertmanager.yml'), 'utf8'));
for (const receiver of am.receivers) {
  for (const hook of receiver.webhook_configs ?? []) {
    if (opts['webhook-url']) hook.url = opts['webhook-url'];
    if (opts['webhook-token-file'])
      hook.http_config.authorization.credentials_file = readable(opts['webhook-token-file'], 'webhook token file');
    else delete hook.http_config;
  }
}

if (opts['group-interval']) {
  const shorten = (route) => {
    if (route.group_interval) route.group_interval = opts['group-interval'];
    for (const child of route.routes ?? []) shorten(child);
  };
  shorten(am.route);
}

fs.mkdirSync(opts.out, { recursive: true });
const header = '# Rendered by scripts/render-local-monitoring.mjs from the repository configs; do not edit.\n';
const dump = (doc) => header + YAML.stringify(doc, { aliasDuplicateObjects: false, lineWidth: 0 });
fs.writeFileSync(path.join(opts.out, 'prometheus.yml'), dump(prom));
fs.writeFileSync(path.join(opts.out, 'alertmanager.yml'), dump(am));
if (dropped.length > 0) console.error(`render-local-monitoring: scrape jobs without --target left out: ${dropped.join(', ')}`);
console.log(`render-local-monitoring: wrote ${path.join(opts.out, 'prometheus.yml')} and ${path.join(opts.out, 'alertmanager.yml')}`);
