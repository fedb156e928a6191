#!/usr/bin/env node
// Validates the provisioned Grafana dashboards and lists their PromQL.
//
//   node scripts/check-dashboards.mjs                 validate, print a summary
//   node scripts/check-dashboards.mjs --list-queries  validate, then print one JSON
//        line per Prometheus query: {"dashboard","panel","panelId","refId","expr"}
//   node scripts/check-dashboards.mjs --promtool-rules FILE
//        also write every query as a recording rule so that
//        `promtool check rules FILE` proves each one parses
//
// Grafana's built-in variables are replaced in the listed queries so they run
// as-is against Prometheus: $__rate_interval (default 1m, --rate-interval=),
// $__interval (15s, --interval=), $__range (1h, --range=). Dashboard template
// variables are substituted with their saved current value; a variable the
// script cannot resolve is an error. --raw lists queries unsubstituted.
//
// Checks: each file is a dashboard model (not the {"dashboard": ...} API
// wrapper) with uid, title and panels; uids and titles are unique; panels
// have unique ids, a modern type, a gridPos inside the 24-column grid without
// overlaps, and targets with a refId and expr whose datasource uid is
// provisioned in datasources.yml.
//
// Plain Node (>= 20), no dependencies. Exit code 1 on any problem.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
function option(name, fallback) {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i === -1) return fallback;
  if (args[i].includes('=')) return args[i].slice(args[i].indexOf('=') + 1);
  return args[i + 1];
}
const flag = (name) => args.includes(`--${name}`);

const dashboardsDir = path.resolve(option('dir', path.join(root, 'infrastructure/grafana/dashboards')));
const datasourcesFile = path.resolve(
  option('datasources', path.join(root, 'infrastructure/grafana/provisioning/datasources/datasources.yml')),
);
const builtins = {
  __rate_interval: option('rate-interval', '1m'),
  __interval: option('interval', '15s'),
  __range: option('range', '1h'),
};
const MODERN_TYPES = new Set([
  'timeseries',
  'stat',
  'gauge',
  'bargauge',
  'table',
  'text',
  'row',
  'state-timeline',
  'status-history',
  'heatmap',
  'piechart',
  'logs',
  'barchart',
  'histogram',
  'traces',
  'nodeGraph',
  'alertlist',
  'dashlist',
  'news',
]);
const NO_QUERY_TYPES = new Set(['row', 'text', 'alertlist', 'dashlist', 'news']);
const GRID_COLUMNS = 24;

const problems = [];
const problem = (where, message) => problems.push(`${where}: ${message}`);

// datasources.yml is plain provisioning YAML: "datasources:" holds a list whose
// items start with "  - " and whose own keys sit at four spaces. Reading just
// those keys keeps this script free of a YAML dependency (nested keys such as
// jsonData.*.datasourceUid are deeper and ignored).
function provisionedDatasources(file) {
  const types = new Map();
  let item = null;
  const flush = () => {
    if (item?.uid) types.set(item.uid, item.type);
  };
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const start = line.match(/^ {2}- (.*)$/);
    if (start) {
      flush();
      item = {};
    }
    const m = (start ? start[1] : line.match(/^ {4}(\S.*)$/)?.[1])?.match(/^(uid|type):\s*["']?([\w-]+)["']?\s*(#.*)?$/);
    if (item && m) item[m[1]] = m[2];
  }
  flush();
  return types;
}

function allPanels(panels) {
  const out = [];
  for (const p of panels ?? []) {
    out.push(p);
    if (p.type === 'row' && Array.isArray(p.panels)) out.push(...p.panels);
  }
  return out;
}

function substitute(expr, variables, where) {
  return expr.replace(/\$(\{)?(\w+)(?::\w+)?(\})?|\[\[(\w+)\]\]/g, (match, _brace, name1, _end, name2) => {
    const name = name1 ?? name2;
    if (name in builtins) return builtins[name];
    if (name in variables) return variables[name];
    problem(where, `uses variable $${name}, which is neither a known built-in nor a dashboard variable with a current value`);
    return match;
  });
}

const datasourceUids = provisionedDatasources(datasourcesFile);
if (datasourceUids.size === 0) problem(datasourcesFile, 'no datasource uid found');

const files = fs
  .readdirSync(dashboardsDir)
  .filter((f) => f.endsWith('.json'))
  .sort();
if (files.length === 0) problem(dashboardsDir, 'no dashboard JSON files');
const seenUids = new Map();
const seenTitles = new Map();
const queries = [];

for (const file of files) {
  const where = path.relative(root, path.join(dashboardsDir, file));
  let dash;
  try {
    dash = JSON.parse(fs.readFileSync(path.join(dashboardsDir, file), 'utf8'));
  } catch (err) {
    problem(where, `invalid JSON: ${err.message}`);
    continue;
  }
  if (dash === null || typeof dash !== 'object' || Array.isArray(dash)) {
    problem(where, 'not a JSON object');
    continue;
  }
  if ('dashboard' in dash)
    problem(where, 'wrapped in {"dashboard": ...} (HTTP API format); file provisioning needs the bare dashboard model');
  if (typeof dash.uid !== 'string' || !/^[a-zA-Z0-9_-]{1,40}$/.test(dash.uid))
    problem(where, 'uid must be 1-40 characters of [a-zA-Z0-9_-]');
  if (typeof dash.title !== 'string' || dash.title.trim() === '') problem(where, 'title missing');
  if ('id' in dash && dash.id !== null) problem(where, 'dashboard "id" must be null or absent in provisioned files (Grafana assigns it)');
  if (typeof dash.schemaVersion !== 'number' || dash.schemaVersion < 36) problem(where, 'schemaVersion missing or older than 36');
  if (!Array.isArray(dash.panels) || dash.panels.length === 0) {
    problem(where, 'panels missing or empty');
    continue;
  }
  if (seenUids.has(dash.uid)) problem(where, `uid "${dash.uid}" also used by ${seenUids.get(dash.uid)}`);
  seenUids.set(dash.uid, where);
  if (seenTitles.has(dash.title)) problem(where, `title "${dash.title}" also used by ${seenTitles.get(dash.title)}`);
  seenTitles.set(dash.title, where);

  const variables = {};
  for (const v of dash.templating?.list ?? []) {
    const value = Array.isArray(v.current?.value) ? v.current.value[0] : v.current?.value;
    if (typeof v.name === 'string' && typeof value === 'string' && value !== '' && value !== '$__all') variables[v.name] = value;
  }

  const ids = new Set();
  const boxes = [];
  for (const panel of allPanels(dash.panels)) {
    const pw = `${where} panel ${JSON.stringify(panel.title ?? panel.id)}`;
    if (!Number.isInteger(panel.id)) problem(pw, 'id must be an integer');
    else if (ids.has(panel.id)) problem(pw, `duplicate panel id ${panel.id}`);
    ids.add(panel.id);
    if (typeof panel.title !== 'string' || panel.title === '') problem(pw, 'title missing');
    if (!MODERN_TYPES.has(panel.type)) problem(pw, `type "${panel.type}" is not a current core panel type (use timeseries/stat/...)`);
    const gp = panel.gridPos;
    if (!gp || !['h', 'w', 'x', 'y'].every((k) => Number.isInteger(gp[k]) && gp[k] >= 0) || gp.w < 1 || gp.h < 1) {
      problem(pw, 'gridPos needs non-negative integers h, w, x, y');
    } else if (gp.x + gp.w > GRID_COLUMNS) {
      problem(pw, `gridPos exceeds ${GRID_COLUMNS} columns`);
    } else {
      for (const other of boxes) {
        if (gp.x < other.x + other.w && other.x < gp.x + gp.w && gp.y < other.y + other.h && other.y < gp.y + gp.h) {
          problem(pw, `gridPos overlaps panel ${JSON.stringify(other.title)}`);
        }
      }
      boxes.push({ ...gp, title: panel.title });
    }
    if (NO_QUERY_TYPES.has(panel.type)) continue;
    if (!Array.isArray(panel.targets) || panel.targets.length === 0) {
      problem(pw, 'no targets');
      continue;
    }
    const refIds = new Set();
    for (const t of panel.targets) {
      const tw = `${pw} target ${t.refId ?? '?'}`;
      if (typeof t.refId !== 'string' || t.refId === '') problem(tw, 'refId missing');
      else if (refIds.has(t.refId)) problem(tw, 'duplicate refId');
      refIds.add(t.refId);
      const ds = t.datasource ?? panel.datasource;
      const uid = typeof ds === 'object' && ds !== null ? ds.uid : undefined;
      if (typeof uid !== 'string') {
        problem(tw, 'datasource must be referenced as {"type", "uid"}');
        continue;
      }
      if (!datasourceUids.has(uid)) {
        problem(tw, `datasource uid "${uid}" is not provisioned in ${path.relative(root, datasourcesFile)}`);
        continue;
      }
      if (ds.type && datasourceUids.get(uid) && ds.type !== datasourceUids.get(uid))
        problem(tw, `datasource type "${ds.type}" does not match provisioned type "${datasourceUids.get(uid)}"`);
      if (typeof t.expr !== 'string' || t.expr.trim() === '') {
        problem(tw, 'expr missing');
        continue;
      }
      if (datasourceUids.get(uid) === 'prometheus' || ds.type === 'prometheus') {
        queries.push({
          dashboard: dash.uid,
          panel: panel.title,
          panelId: panel.id,
          refId: t.refId,
          expr: flag('raw') ? t.expr : substitute(t.expr, variables, tw),
        });
      }
    }
  }
}

const rulesFile = option('promtool-rules');
if (rulesFile) {
  // One recording rule per query: `promtool check rules` then parses each expr.
  const rules = queries.map(
    (q, i) =>
      `      - record: dashboard_query_${i + 1}\n        # ${q.dashboard} / ${q.panel.replace(/\n/g, ' ')} / ${q.refId}\n        expr: ${JSON.stringify(q.expr)}`,
  );
  fs.writeFileSync(rulesFile, `groups:\n  - name: dashboard-queries\n    rules:\n${rules.join('\n')}\n`);
}

if (problems.length > 0) {
  for (const p of problems) console.error(`error: ${p}`);
  console.error(`check-dashboards: ${problems.length} problem(s) in ${files.length} dashboard(s)`);
  process.exit(1);
}
if (flag('list-queries')) {
  process.stdout.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
  });
  process.stdout.write(queries.map((q) => `${JSON.stringify(q)}\n`).join(''));
} else {
  console.log(
    `check-dashboards: ${files.length} dashboards, ${queries.length} Prometheus queries, datasources ${[...datasourceUids.keys()].join(', ')}: OK`,
  );
}
