#!/usr/bin/env node
// Offline checks of the kustomize base in deploy/kubernetes; exit code 1 on
// any problem.
//   1. deploy/kubernetes/generated matches its sources (generate-kubernetes.mjs);
//   2. `kubectl kustomize deploy/kubernetes` renders;
//   3. every rendered object validates against its schema: Kubernetes
//      (kubernetes-models) or prometheus-operator
//      (@kubernetes-models/prometheus-operator); an unknown kind is an error;
//   4. what the schemas cannot see: non-root and read-only root filesystem
//      with an emptyDir for every writable path, secrets only by reference,
//      probes on /health/live and /health/ready, Services, PDB, HPA and
//      ServiceMonitor selecting what exists, the metrics port open only to
//      Prometheus, the rules and dashboards equal to their sources.
//
//   node scripts/check-kubernetes.mjs [--root DIR]
// Needs kubectl (Debian package kubectl), the `yaml`, `kubernetes-models`
// and `@kubernetes-models/prometheus-operator` packages.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import YAML from 'yaml';
import { drift } from './generate-kubernetes.mjs';

const args = process.argv.slice(2);
const rootArg = args.indexOf('--root');
const root = rootArg >= 0 ? path.resolve(args[rootArg + 1]) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];
const problem = (msg) => problems.push(msg);
const finish = () => {
  if (problems.length > 0) {
    for (const p of problems) console.error(`error: ${p}`);
    console.error(`check-kubernetes: ${problems.length} problem(s)`);
    process.exit(1);
  }
};

// Settings the app reads as secrets: never inline, always a secretKeyRef.
const SECRET_SETTINGS = [
  'DATABASE_URL',
  'REDIS_URL',
  'METRICS_TOKEN',
  'PLEX_TOKEN',
  'OVERSEERR_API_KEY',
  'OVERSEERR_WEBHOOK_SECRET',
  'ALERTS_WEBHOOK_TOKEN',
  'ADMIN_PASSWORD',
];

// 1. generated files
for (const file of drift(root)) problem(`${file} differs from its sources: run node scripts/generate-kubernetes.mjs`);

// 2. render
const rendered = spawnSync('kubectl', ['kustomize', path.join(root, 'deploy/kubernetes')], {
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
if (rendered.error || rendered.status !== 0) {
  problem(`kubectl kustomize failed: ${rendered.error?.message ?? rendered.stderr.trim()}`);
  finish();
}
const objects = YAML.parseAllDocuments(rendered.stdout)
  .map((d) => d.toJS())
  .filter(Boolean);

// 3. schemas
async function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const spec =
    group === 'monitoring.coreos.com'
      ? `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`
      : `kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`;
  try {
    return (await import(spec))[kind];
  } catch {
    return undefined;
  }
}
const id = (o) => `${o.kind}/${o.metadata?.name}`;
for (const o of objects) {
  const Model = await modelFor(String(o.apiVersion), String(o.kind));
  if (!Model) {
    problem(`${id(o)}: no schema for ${o.apiVersion} ${o.kind}`);
    continue;
  }
  try {
    new Model(o).validate();
  } catch (e) {
    problem(`${id(o)}: ${e.message}`);
  }
}

// 4. what the schemas cannot see
const ofKind = (kind) => objects.filter((o) => o.kind === kind);
const named = (kind, name) => objects.find((o) => o.kind === kind && o.metadata?.name === name);
const matches = (selector, labels) => Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
const deployments = ofKind('Deployment');
const configMap = named('ConfigMap', 'medianest-config');
const config = configMap?.data ?? {};
if (!configMap) problem('ConfigMap/medianest-config missing');
if (ofKind('Secret').length > 0) problem(`the base must not carry Secrets (by reference only): ${ofKind('Secret').map(id).join(', ')}`);
for (const key of SECRET_SETTINGS) if (key in config) problem(`ConfigMap/medianest-config holds the secret ${key}`);
for (const o of ofKind('StatefulSet')) problem(`${id(o)}: PostgreSQL and Redis are external, no StatefulSet of our own`);

const envOf = (c) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e]));
const valueOf = (c, name) => envOf(c)[name]?.value ?? config[name];

for (const d of deployments) {
  const pod = d.spec.template.spec;
  const volumes = Object.fromEntries((pod.volumes ?? []).map((v) => [v.name, v]));
  if (!matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels)) problem(`${id(d)}: selector does not match its pod labels`);
  for (const c of pod.containers) {
    const where = `${id(d)} container ${c.name}`;
    const sc = c.securityContext ?? {};
    if ((sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) !== true) problem(`${where}: runAsNonRoot is not true`);
    if (!((sc.runAsUser ?? pod.securityContext?.runAsUser) > 0)) problem(`${where}: runAsUser must be a non-zero uid`);
    if (sc.readOnlyRootFilesystem !== true) problem(`${where}: readOnlyRootFilesystem is not true`);
    if (sc.allowPrivilegeEscalation !== false) problem(`${where}: allowPrivilegeEscalation is not false`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) problem(`${where}: capabilities do not drop ALL`);
    const mounts = Object.fromEntries((c.volumeMounts ?? []).map((m) => [m.mountPath, m]));
    for (const m of Object.values(mounts)) if (!volumes[m.name]?.emptyDir) problem(`${where}: ${m.mountPath} is not an emptyDir`);
    // The app writes DATA_DIR (logs in DATA_DIR/logs unless LOG_DIR) and Node may use /tmp.
    const dataDir = valueOf(c, 'DATA_DIR');
    const logDir = valueOf(c, 'LOG_DIR');
    if (!dataDir || !path.isAbsolute(dataDir)) problem(`${where}: DATA_DIR must be an absolute path`);
    for (const dir of [dataDir, logDir, '/tmp'].filter(Boolean)) {
      if (!Object.keys(mounts).some((p) => dir === p || dir.startsWith(`${p}/`)))
        problem(`${where}: ${dir} is written to but not on a writable volume`);
    }
    for (const e of c.env ?? []) {
      if (SECRET_SETTINGS.includes(e.name) && !e.valueFrom?.secretKeyRef)
        problem(`${where}: ${e.name} must come from a Secret (secretKeyRef)`);
    }
    for (const key of ['DATABASE_URL', 'REDIS_URL'])
      if (!envOf(c)[key]?.valueFrom?.secretKeyRef) problem(`${where}: ${key} must come from the connection Secret`);
    if (!envOf(c).METRICS_TOKEN?.valueFrom?.secretKeyRef)
      problem(`${where}: METRICS_TOKEN must come from a Secret (the ServiceMonitor sends it)`);
  }
}

const web = named('Deployment', 'medianest-web');
const worker = named('Deployment', 'medianest-worker');
if (!web) problem('Deployment/medianest-web missing');
if (!worker) problem('Deployment/medianest-worker missing');
if (web) {
  const c = web.spec.template.spec.containers[0];
  const port = Number(valueOf(c, 'PORT') ?? 4000);
  const http = (c.ports ?? []).find((p) => p.containerPort === port);
  if (web.spec.replicas !== 2) problem(`Deployment/medianest-web: replicas ${web.spec.replicas}, want 2`);
  if (valueOf(c, 'JOBS_MODE') !== 'web') problem('Deployment/medianest-web: JOBS_MODE must be web (the worker runs the jobs)');
  if (!http?.name) problem(`Deployment/medianest-web: no named container port for PORT ${port}`);
  const probe = (p, route) => p?.httpGet?.path === route && (p.httpGet.port === http?.name || p.httpGet.port === port);
  if (!probe(c.livenessProbe, '/health/live')) problem('Deployment/medianest-web: livenessProbe must GET /health/live on the app port');
  if (!probe(c.readinessProbe, '/health/ready')) problem('Deployment/medianest-web: readinessProbe must GET /health/ready on the app port');
  // Rolling updates drop nothing only if a replica keeps serving while endpoints update, and the
  // kubelet waits for the drain plus the app's shutdown budget before SIGKILL.
  const drainMs = Number(valueOf(c, 'SHUTDOWN_DRAIN_MS') ?? 0);
  const budgetMs = Number(
    /SHUTDOWN_BUDGET_MS = ([\d_]+)/.exec(fs.readFileSync(path.join(root, 'backend/src/server.ts'), 'utf8'))?.[1]?.replace(/_/g, '') ?? NaN,
  );
  const graceMs = (web.spec.template.spec.terminationGracePeriodSeconds ?? 30) * 1000;
  if (!(drainMs >= 1000))
    problem('Deployment/medianest-web: SHUTDOWN_DRAIN_MS must be at least 1000 (requests arrive while endpoints update)');
  if (!(graceMs > drainMs + budgetMs)) {
    problem(
      `Deployment/medianest-web: terminationGracePeriodSeconds (${graceMs / 1000} s) must exceed SHUTDOWN_DRAIN_MS + the shutdown budget (${(drainMs + budgetMs) / 1000} s)`,
    );
  }
  const hpa = ofKind('HorizontalPodAutoscaler').find(
    (h) => h.spec.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === 'medianest-web',
  );
  if (!hpa) problem('no HorizontalPodAutoscaler scales Deployment/medianest-web');
  else if (hpa.spec.minReplicas < 2) problem(`${id(hpa)}: minReplicas below 2`);
  const pdb = ofKind('PodDisruptionBudget').find((p) => matches(p.spec.selector.matchLabels, web.spec.template.metadata.labels));
  if (!pdb) problem('no PodDisruptionBudget selects the web pods');
}
if (worker) {
  const c = worker.spec.template.spec.containers[0];
  const argv = [...(c.command ?? []), ...(c.args ?? [])];
  if (!(argv[0] === 'node' && argv.at(-1)?.endsWith('dist/worker.js')))
    problem(`Deployment/medianest-worker: runs ${argv.join(' ')}, want node .../dist/worker.js`);
  if (!fs.existsSync(path.join(root, 'backend/src/worker.ts'))) problem('backend/src/worker.ts (dist/worker.js) does not exist');
  if (!c.livenessProbe) problem('Deployment/medianest-worker: no livenessProbe');
}

// Services select pods and name ports those pods have.
const podsOf = (selector) => deployments.filter((d) => matches(selector, d.spec.template.metadata.labels));
for (const s of ofKind('Service')) {
  const pods = podsOf(s.spec.selector);
  if (pods.length === 0) problem(`${id(s)}: selects no pods`);
  for (const p of s.spec.ports) {
    for (const d of pods) {
      const has = d.spec.template.spec.containers.some((c) =>
        (c.ports ?? []).some((cp) => cp.name === p.targetPort || cp.containerPort === p.targetPort),
      );
      if (!has) problem(`${id(s)}: port ${p.name} targets ${p.targetPort}, which ${id(d)} does not have`);
    }
  }
}
const metricsPort = (d) => d.spec.template.spec.containers[0].ports?.find((p) => p.containerPort === Number(config.METRICS_PORT ?? 9090));
for (const d of deployments) if (!metricsPort(d)?.name) problem(`${id(d)}: no named container port for METRICS_PORT`);

// The metrics port: reachable from Prometheus pods only.
const policies = ofKind('NetworkPolicy');
for (const d of deployments) {
  const labels = d.spec.template.metadata.labels;
  const mine = policies.filter((np) => matches(np.spec.podSelector.matchLabels, labels) && (np.spec.policyTypes ?? []).includes('Ingress'));
  if (mine.length === 0) {
    problem(`${id(d)}: no NetworkPolicy restricts its ingress`);
    continue;
  }
  const mp = metricsPort(d);
  const opensMetrics = (rule) => !rule.ports || rule.ports.some((p) => p.port === mp?.name || p.port === mp?.containerPort);
  for (const np of mine) {
    for (const rule of np.spec.ingress ?? []) {
      if (!opensMetrics(rule)) continue;
      const onlyPrometheus =
        (rule.from ?? []).length > 0 && rule.from.every((f) => f.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'prometheus');
      if (!onlyPrometheus) problem(`${id(np)}: opens the metrics port of ${id(d)} to more than Prometheus`);
    }
  }
  if (!mine.some((np) => (np.spec.ingress ?? []).some((r) => opensMetrics(r))))
    problem(`${id(d)}: Prometheus cannot reach its metrics port`);
}

// Scraping: a ServiceMonitor (or PodMonitor) reaching every process as job medianest-backend.
const monitors = [...ofKind('ServiceMonitor'), ...ofKind('PodMonitor')];
if (monitors.length === 0) problem('no ServiceMonitor or PodMonitor');
for (const m of ofKind('ServiceMonitor')) {
  const services = ofKind('Service').filter((s) => matches(m.spec.selector.matchLabels, s.metadata.labels));
  if (services.length === 0) {
    problem(`${id(m)}: selects no Service`);
    continue;
  }
  for (const ep of m.spec.endpoints) {
    if (!services.every((s) => s.spec.ports.some((p) => p.name === ep.port)))
      problem(`${id(m)}: port ${ep.port} is not a port of the selected Services`);
    const job = (ep.relabelings ?? []).find((r) => r.targetLabel === 'job');
    if (job?.replacement !== 'medianest-backend')
      problem(`${id(m)}: the job label must be medianest-backend (the alert rules and dashboards use it)`);
    if (ep.authorization?.credentials?.key !== 'METRICS_TOKEN') problem(`${id(m)}: scrapes without the METRICS_TOKEN bearer token`);
  }
  const scraped = deployments.filter((d) => services.some((s) => matches(s.spec.selector, d.spec.template.metadata.labels)));
  for (const d of deployments) if (!scraped.includes(d)) problem(`${id(d)}: not scraped by ${id(m)}`);
}

// Rules and dashboards equal to their one source.
const readYaml = (file) => YAML.parse(fs.readFileSync(path.join(root, file), 'utf8'));
const rules = ofKind('PrometheusRule');
const wantGroups = [
  ...readYaml('infrastructure/prometheus/recording_rules.yml').groups,
  ...readYaml('infrastructure/prometheus/alert_rules.yml').groups,
];
if (rules.length !== 1) problem(`want one PrometheusRule, got ${rules.length}`);
else if (!isDeepStrictEqual(rules[0].spec.groups, wantGroups))
  problem(`${id(rules[0])}: groups differ from infrastructure/prometheus/*_rules.yml`);
const dashDir = path.join(root, 'infrastructure/grafana/dashboards');
const dashboardMaps = ofKind('ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard === '1');
for (const file of fs.readdirSync(dashDir).filter((f) => f.endsWith('.json'))) {
  const cm = dashboardMaps.find((c) => file in (c.data ?? {}));
  if (!cm) {
    problem(`dashboard ${file}: no ConfigMap labelled grafana_dashboard: "1" carries it`);
    continue;
  }
  if (!isDeepStrictEqual(JSON.parse(cm.data[file]), JSON.parse(fs.readFileSync(path.join(dashDir, file), 'utf8'))))
    problem(`${id(cm)}: ${file} differs from its source`);
}

finish();
const kinds = [...new Set(objects.map((o) => o.kind))].sort();
console.log(`check-kubernetes: ${objects.length} objects (${kinds.join(', ')}) render, match their schemas and the checks: OK`);
