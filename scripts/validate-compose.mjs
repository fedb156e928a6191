#!/usr/bin/env node
// Validates docker-compose.yml and docker-compose.observability.yml without
// Docker:
//   1. each file, after Compose variable interpolation, against the Compose
//      Specification JSON schema vendored in scripts/schemas/compose-spec.json
//      (see scripts/schemas/README.md for its origin and age);
//   2. the two files merged the way `docker compose -f a -f b` combines them,
//      for references the schema cannot see: every service has an image or a
//      build, depends_on / networks / volumes / secrets point at something
//      declared, bind-mounted files exist, paths given to a container inside
//      a bind mount exist on the host; the service built from the Dockerfile
//      keeps DATA_DIR on a volume and has a health check;
//   3. the monitoring configs only talk to services these files start:
//      Prometheus scrape and Alertmanager targets, Grafana datasource URLs,
//      the Alertmanager webhook, the app's DATABASE_URL, REDIS_URL, LOKI_URL
//      and OTLP endpoint, the exporters' connection strings; and every
//      credentials_file they read is a secret mounted into that container.
//
//   node scripts/validate-compose.mjs [--strict-env] [file ...]
//
// Variables come from the environment and .env (as Compose reads them).
// ${VAR:?message} with VAR unset is reported and replaced by a placeholder;
// with --strict-env it is an error. Needs the `yaml` package.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { compileSchema } from './lib/json-schema.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const strictEnv = args.includes('--strict-env');
const files = args.filter((a) => !a.startsWith('--'));
if (files.length === 0) files.push('docker-compose.yml', 'docker-compose.observability.yml');

const errors = [];
const notes = [];
const error = (where, msg) => errors.push(`${where}: ${msg}`);

// ---------------------------------------------------------------- environment
function readDotEnv(file) {
  const vars = {};
  if (!fs.existsSync(file)) return vars;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = line.match(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/);
    if (!m) continue;
    let value = m[2].trim();
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, '');
    vars[m[1]] = value;
  }
  return vars;
}
const env = { ...readDotEnv(path.join(root, '.env')), ...process.env };
const missingRequired = new Map();

// Compose interpolation: $$, $VAR, ${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?e},
// ${VAR?e}, ${VAR:+r}, ${VAR+r}; defaults may nest further ${...}.
function interpolate(text, where) {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '$') {
      out += c;
      i += 1;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      let depth = 1;
      let j = i + 2;
      while (j < text.length && depth > 0) {
        if (text[j] === '{') depth += 1;
        else if (text[j] === '}') depth -= 1;
        j += 1;
      }
      if (depth !== 0) {
        error(where, `unterminated variable in ${JSON.stringify(text)}`);
        return text;
      }
      out += expand(text.slice(i + 2, j - 1), where);
      i = j;
      continue;
    }
    const m = text.slice(i + 1).match(/^[A-Za-z_][A-Za-z0-9_]*/);
    if (m) {
      out += env[m[0]] ?? '';
      i += 1 + m[0].length;
      continue;
    }
    error(where, `invalid "$" in ${JSON.stringify(text)} (write "$$" for a literal dollar)`);
    out += c;
    i += 1;
  }
  return out;
}
function expand(body, where) {
  const m = body.match(/^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/);
  if (!m) {
    error(where, `invalid variable \${${body}}`);
    return '';
  }
  const [, name, op, arg = ''] = m;
  const value = env[name];
  const set = value !== undefined;
  const nonEmpty = set && value !== '';
  switch (op) {
    case undefined:
      return value ?? '';
    case ':-':
      return nonEmpty ? value : interpolate(arg, where);
    case '-':
      return set ? value : interpolate(arg, where);
    case ':+':
      return nonEmpty ? interpolate(arg, where) : '';
    case '+':
      return set ? interpolate(arg, where) : '';
    case ':?':
    case '?':
      if (op === ':?' ? nonEmpty : set) return value;
      missingRequired.set(name, interpolate(arg, where) || `${name} is required`);
      return `placeholder-for-${name}`;
    default:
      return '';
  }
}
function interpolateTree(node, where) {
  if (typeof node === 'string') return interpolate(node, where);
  if (Array.isArray(node)) return node.map((v, i) => interpolateTree(v, `${where}/${i}`));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateTree(v, `${where}/${k}`)]));
  }
  return node;
}

// -------------------------------------------------------------------- formats
// The Compose reference implementation (compose-go) registers these formats.
const formats = {
  duration: (s) => /^[-+]?(?:0|(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))*$/.test(s),
  expose: (s) => /^\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/.test(s),
  ports: (s) => /^(?:(?:\[[0-9a-fA-F:.]+\]|[0-9.]+|[A-Za-z0-9.-]+):)?(?:(?:\d+(?:-\d+)?)?:)?\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/.test(s),
  subnet_ip_address: (s) => /^(?:\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/.test(s),
};

const schemaFile = path.join(root, 'scripts/schemas/compose-spec.json');
const validateCompose = compileSchema(JSON.parse(fs.readFileSync(schemaFile, 'utf8')), { formats });

const toMap = (v) => {
  if (Array.isArray(v))
    return Object.fromEntries(
      v.map((e) => {
        const i = String(e).indexOf('=');
        return i === -1 ? [e, null] : [e.slice(0, i), e.slice(i + 1)];
      }),
    );
  return { ...(v ?? {}) };
};
// ------------------------------------------------------------ 1. each file
const models = [];
for (const file of files) {
  const abs = path.resolve(root, file);
  const rel = path.relative(root, abs);
  let doc;
  try {
    const parsed = YAML.parseDocument(fs.readFileSync(abs, 'utf8'), { version: '1.2', uniqueKeys: true });
    if (parsed.errors.length > 0) throw new Error(parsed.errors.map((e) => e.message).join('; '));
    doc = parsed.toJS({ maxAliasCount: 100 });
  } catch (err) {
    error(rel, `cannot parse: ${err.message}`);
    continue;
  }
  // Policy: Grafana never starts with a default admin password.
  const grafanaPassword = toMap(doc?.services?.grafana?.environment).GF_SECURITY_ADMIN_PASSWORD;
  if (doc?.services?.grafana && !/^\$\{[A-Za-z_][A-Za-z0-9_]*:\?[^}]*\}$/.test(String(grafanaPassword ?? ''))) {
    error(rel, 'grafana GF_SECURITY_ADMIN_PASSWORD must be a required variable (${VAR:?message}), never a default');
  }
  const model = interpolateTree(doc, rel);
  const problems = validateCompose(model);
  for (const p of problems) error(rel, `${p.path || '/'} ${p.message}`);
  if (problems.length === 0) notes.push(`${rel}: valid against the Compose Specification schema`);
  models.push({ rel, model });
}

// --------------------------------------------------------- 2. merged model
const dependsMap = (v) => (Array.isArray(v) ? Object.fromEntries(v.map((s) => [s, { condition: 'service_started' }])) : { ...(v ?? {}) });
const listOf = (v) => (Array.isArray(v) ? v : v && typeof v === 'object' ? Object.keys(v) : []);
function mergeService(base = {}, over = {}) {
  const out = { ...base, ...over };
  out.environment = { ...toMap(base.environment), ...toMap(over.environment) };
  out.depends_on = { ...dependsMap(base.depends_on), ...dependsMap(over.depends_on) };
  for (const key of ['ports', 'expose', 'volumes', 'secrets']) out[key] = [...(base[key] ?? []), ...(over[key] ?? [])];
  out.networks = [...new Set([...listOf(base.networks), ...listOf(over.networks)])];
  return out;
}
const merged = { services: {}, networks: {}, volumes: {}, secrets: {} };
for (const { model } of models) {
  for (const [name, svc] of Object.entries(model.services ?? {})) merged.services[name] = mergeService(merged.services[name], svc);
  for (const key of ['networks', 'volumes', 'secrets']) Object.assign(merged[key], model[key] ?? {});
}
const services = merged.services;
const M = 'merged';

const bindMounts = {};
for (const [name, svc] of Object.entries(services)) {
  const where = `${M} service ${name}`;
  if (!svc.image && !svc.build) error(where, 'has neither image nor build');
  if (svc.build) {
    const ctx = typeof svc.build === 'string' ? svc.build : (svc.build.context ?? '.');
    const dockerfile = path.join(root, ctx, typeof svc.build === 'object' && svc.build.dockerfile ? svc.build.dockerfile : 'Dockerfile');
    if (!fs.existsSync(dockerfile)) error(where, `build file ${path.relative(root, dockerfile)} does not exist`);
  }
  for (const dep of Object.keys(svc.depends_on)) if (!services[dep]) error(where, `depends_on unknown service "${dep}"`);
  for (const [dep, spec] of Object.entries(svc.depends_on)) {
    if (spec?.condition === 'service_healthy' && services[dep] && !services[dep].healthcheck)
      error(where, `waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
  }
  if (svc.network_mode === undefined) {
    if (svc.networks.length === 0) error(where, 'joins no network');
    for (const n of svc.networks) if (!(n in merged.networks) && n !== 'default') error(where, `network "${n}" is not declared`);
  }
  for (const s of svc.secrets) {
    const secret = typeof s === 'string' ? s : s.source;
    if (!(secret in merged.secrets)) error(where, `secret "${secret}" is not declared`);
  }
  bindMounts[name] = [];
  for (const v of svc.volumes) {
    const [source, target] = typeof v === 'string' ? v.split(':') : [v.source, v.target];
    if (typeof v === 'object' && v.type && v.type !== 'bind' && v.type !== 'volume') continue;
    if (!source || !target) continue;
    if (source.startsWith('.') || source.startsWith('/') || source.startsWith('~')) {
      if (source.startsWith('.')) {
        const host = path.resolve(root, source);
        if (!fs.existsSync(host)) error(where, `bind mount source ${source} does not exist`);
        bindMounts[name].push({ host, target });
      }
    } else if (!(source in merged.volumes)) {
      error(where, `named volume "${source}" is not declared`);
    }
  }
}
// The service built from the Dockerfile is MediaNest: its database, generated secrets and backups live in
// DATA_DIR, so a volume holds DATA_DIR (or they go with the container), and it has its own health check,
// since an image built in the OCI format (podman's default) carries no HEALTHCHECK.
for (const [name, svc] of Object.entries(services)) {
  if (!svc.build) continue;
  const dataDir = svc.environment.DATA_DIR ?? '/data';
  const targets = svc.volumes.map((v) => (typeof v === 'string' ? v.split(':')[1] : v.target));
  if (!targets.includes(dataDir))
    error(`${M} service ${name}`, `keeps no volume at DATA_DIR (${dataDir}): its data would go with the container`);
  if (!svc.healthcheck || svc.healthcheck.disable === true)
    error(`${M} service ${name}`, "has no healthcheck (an image built in the OCI format, podman's default, carries no HEALTHCHECK)");
}
for (const [name, secret] of Object.entries(merged.secrets)) {
  if (secret?.file) {
    const dir = path.dirname(path.resolve(root, secret.file));
    if (!fs.existsSync(dir)) error(`${M} secret ${name}`, `directory of ${secret.file} does not exist`);
  }
}

// Container paths that fall inside a bind mount must exist on the host
// (config files named in commands or environment variables).
function hostPathFor(service, containerPath) {
  for (const { host, target } of bindMounts[service] ?? []) {
    if (containerPath === target || containerPath.startsWith(`${target}/`)) return path.join(host, path.relative(target, containerPath));
  }
  return undefined;
}
for (const [name, svc] of Object.entries(services)) {
  const strings = [
    ...(Array.isArray(svc.command) ? svc.command : typeof svc.command === 'string' ? svc.command.split(/\s+/) : []),
    ...Object.values(svc.environment).filter((v) => typeof v === 'string'),
  ];
  for (const s of strings) {
    for (const p of s.match(/\/[\w./-]+/g) ?? []) {
      const host = hostPathFor(name, p);
      if (host && !fs.existsSync(host)) error(`${M} service ${name}`, `refers to ${p}, but ${path.relative(root, host)} does not exist`);
    }
  }
}

// ------------------------------------------------ 3. monitoring references
function expectService(where, host, what) {
  if (!host) {
    error(where, `cannot read a host from ${what}`);
    return;
  }
  if (!services[host]) error(where, `${what} points at "${host}", which no compose service provides`);
}
const hostOf = (url) => {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
};
function expectSecretMount(where, service, file) {
  const m = /^\/run\/secrets\/([^/]+)$/.exec(file);
  if (!m) {
    error(where, `credentials_file ${file} is not a compose secret (/run/secrets/<name>)`);
    return;
  }
  const mounted = (services[service]?.secrets ?? []).map((s) => (typeof s === 'string' ? s : s.source));
  if (!mounted.includes(m[1])) error(where, `reads ${file}, but service ${service} does not mount secret "${m[1]}"`);
}
const readYaml = (rel) => YAML.parse(fs.readFileSync(path.join(root, rel), 'utf8'));
const interpolated = models.length === files.length;

if (interpolated && services.prometheus) {
  const where = 'infrastructure/prometheus/prometheus.yml';
  const prom = readYaml(where);
  for (const job of prom.scrape_configs ?? []) {
    for (const sc of job.static_configs ?? []) {
      for (const t of sc.targets ?? []) {
        const host = t.split(':')[0];
        if (host === 'localhost' || host === '127.0.0.1') continue; // Prometheus itself
        expectService(`${where} job ${job.job_name}`, host, `target ${t}`);
      }
    }
    const cred = job.authorization?.credentials_file ?? job.bearer_token_file;
    if (cred) expectSecretMount(`${where} job ${job.job_name}`, 'prometheus', cred);
  }
  for (const am of prom.alerting?.alertmanagers ?? []) {
    for (const sc of am.static_configs ?? [])
      for (const t of sc.targets ?? []) expectService(`${where} alerting`, t.split(':')[0], `alertmanager ${t}`);
  }
  for (const rf of prom.rule_files ?? []) {
    if (!fs.existsSync(path.join(root, 'infrastructure/prometheus', rf))) error(where, `rule file ${rf} does not exist`);
  }
}
if (interpolated && services.alertmanager) {
  const where = 'infrastructure/alertmanager/alertmanager.yml';
  const am = readYaml(where);
  for (const r of am.receivers ?? []) {
    for (const w of r.webhook_configs ?? []) {
      expectService(`${where} receiver ${r.name}`, hostOf(w.url), `webhook ${w.url}`);
      const cred = w.http_config?.authorization?.credentials_file;
      if (cred) expectSecretMount(`${where} receiver ${r.name}`, 'alertmanager', cred);
    }
  }
}
if (interpolated && services.grafana) {
  const where = 'infrastructure/grafana/provisioning/datasources/datasources.yml';
  for (const ds of readYaml(where).datasources ?? []) expectService(`${where} ${ds.name}`, hostOf(ds.url), `datasource URL ${ds.url}`);
}
if (interpolated) {
  const urlEnv = {
    app: ['DATABASE_URL', 'REDIS_URL', 'LOKI_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    'postgres-exporter': ['DATA_SOURCE_NAME'],
    'redis-exporter': ['REDIS_ADDR'],
  };
  for (const [svc, keys] of Object.entries(urlEnv)) {
    if (!services[svc]) continue;
    for (const key of keys) {
      const value = services[svc].environment[key];
      if (value === undefined || value === null) {
        if (svc !== 'app' || files.length > 1 || !['LOKI_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT'].includes(key))
          error(`${M} service ${svc}`, `${key} is not set`);
        continue;
      }
      expectService(`${M} service ${svc}`, hostOf(value), `${key}`);
    }
  }
}

// ------------------------------------------------------------------ report
for (const [name, message] of missingRequired) {
  const text = `required variable ${name} is not set (${message}); validated with a placeholder`;
  if (strictEnv) errors.push(text);
  else notes.push(`note: ${text}`);
}
for (const n of notes) console.log(n);
if (errors.length > 0) {
  for (const e of errors) console.error(`error: ${e}`);
  console.error(`validate-compose: ${errors.length} problem(s)`);
  process.exit(1);
}
console.log(`validate-compose: ${files.join(' + ')}: ${Object.keys(services).length} services, references consistent: OK`);
