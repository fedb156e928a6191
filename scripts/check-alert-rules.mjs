#!/usr/bin/env node
// Checks the conventions of infrastructure/prometheus/alert_rules.yml that
// promtool does not:
//   - labels.severity is critical | warning | ticket;
//   - every alert has a service label: static, or set by its expression, in
//     which case every firing case in the unit tests must show it;
//   - annotations summary, description and runbook_url, where runbook_url is
//     docs/runbooks.md#<alert name in lower case> and that heading exists;
//   - tests/*.yml hold at least one firing and one non-firing case per alert;
//   - every alert with a `for:` has it pinned by a test: in one test, the
//     alert is pending (a promql_expr_test on ALERTS{alertname="...",
//     alertstate="pending"} expecting a sample) and, at most half of `for:`
//     later, firing (an alert_rule_test or ALERTS{alertstate="firing"} case
//     expecting it). A shorter `for:` fires while the test expects pending, a
//     longer one has not fired when the test expects it to.
// Needs the `yaml` package. Exit code 1 on any problem.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

// --root DIR: check another copy of the repository (the tests break one on purpose).
const rootArg = process.argv.indexOf('--root');
const root = rootArg > 1 ? path.resolve(process.argv[rootArg + 1]) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const promDir = path.join(root, 'infrastructure/prometheus');
const runbooksFile = path.join(root, 'docs/runbooks.md');
const SEVERITIES = new Set(['critical', 'warning', 'ticket']);
const problems = [];
const problem = (msg) => problems.push(msg);

// GitHub's heading anchors: lower case, punctuation dropped, spaces to "-".
const slug = (heading) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
const anchors = new Set(
  fs
    .readFileSync(runbooksFile, 'utf8')
    .split('\n')
    .filter((l) => /^#{1,6}\s/.test(l))
    .map((l) => slug(l.replace(/^#+\s*/, ''))),
);

const alerts = new Map();
for (const group of YAML.parse(fs.readFileSync(path.join(promDir, 'alert_rules.yml'), 'utf8')).groups) {
  for (const rule of group.rules) {
    if (!rule.alert) continue;
    const name = rule.alert;
    if (alerts.has(name)) problem(`${name}: defined twice`);
    alerts.set(name, { rule, firing: 0, quiet: 0, firingWithoutService: 0, pinned: false });
    const labels = rule.labels ?? {};
    const ann = rule.annotations ?? {};
    if (!SEVERITIES.has(labels.severity)) problem(`${name}: labels.severity must be one of ${[...SEVERITIES].join('|')}`);
    if (!labels.service && !/label_replace\([\s\S]*"service"/.test(rule.expr)) {
      problem(`${name}: no service label, and the expression does not set one`);
    }
    for (const key of ['summary', 'description', 'runbook_url']) {
      if (typeof ann[key] !== 'string' || ann[key].trim() === '') problem(`${name}: annotation ${key} missing`);
    }
    const expected = `docs/runbooks.md#${name.toLowerCase()}`;
    if (ann.runbook_url !== expected) problem(`${name}: runbook_url should be ${expected}`);
    else if (!anchors.has(name.toLowerCase())) problem(`${name}: docs/runbooks.md has no heading "${name}"`);
  }
}

/** Seconds in a Prometheus duration ("1m", "2m30s", "1h"); NaN when it is not one. */
function seconds(duration) {
  const text = String(duration ?? '');
  const units = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return Number.NaN;
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * units[unit], 0);
}

/** { alertname, alertstate } of an expression that selects exactly ALERTS{...}, else undefined. */
function alertsSelector(expr) {
  const m = /^\s*ALERTS\s*\{([^}]*)\}\s*$/.exec(String(expr ?? ''));
  if (!m) return undefined;
  const labels = Object.fromEntries([...m[1].matchAll(/(\w+)\s*=\s*"([^"]*)"/g)].map((l) => [l[1], l[2]]));
  return labels.alertname && labels.alertstate ? labels : undefined;
}

const testsDir = path.join(promDir, 'tests');
for (const file of fs.readdirSync(testsDir).filter((f) => /\.ya?ml$/.test(f))) {
  const suite = YAML.parse(fs.readFileSync(path.join(testsDir, file), 'utf8'));
  for (const test of suite.tests ?? []) {
    // Times (s) at which this test expects each alert pending / firing.
    const pending = new Map();
    const firing = new Map();
    const at = (map, name, time) => map.set(name, [...(map.get(name) ?? []), seconds(time)]);
    for (const c of test.promql_expr_test ?? []) {
      const sel = alertsSelector(c.expr);
      if (!sel || (c.exp_samples ?? []).length === 0) continue;
      if (sel.alertstate === 'pending') at(pending, sel.alertname, c.eval_time);
      if (sel.alertstate === 'firing') at(firing, sel.alertname, c.eval_time);
    }
    for (const c of test.alert_rule_test ?? []) {
      if ((c.exp_alerts ?? []).length > 0) at(firing, c.alertname, c.eval_time);
    }
    for (const [name, times] of pending) {
      const entry = alerts.get(name);
      if (!entry || entry.rule.for === undefined) continue;
      const window = seconds(entry.rule.for) / 2;
      if (times.some((p) => (firing.get(name) ?? []).some((f) => f > p && f - p <= window))) entry.pinned = true;
    }
    for (const c of test.alert_rule_test ?? []) {
      const entry = alerts.get(c.alertname);
      if (!entry) {
        problem(`tests/${file}: case for unknown alert ${c.alertname}`);
        continue;
      }
      const exp = c.exp_alerts ?? [];
      if (exp.length === 0) entry.quiet += 1;
      else entry.firing += 1;
      for (const a of exp) {
        const labels = { ...(entry.rule.labels ?? {}), ...(a.exp_labels ?? {}) };
        if (!labels.service || !labels.severity) entry.firingWithoutService += 1;
      }
    }
  }
}
for (const [name, e] of alerts) {
  if (e.firing === 0) problem(`${name}: no unit test case where it fires`);
  if (e.quiet === 0) problem(`${name}: no unit test case where it stays quiet`);
  if (e.firingWithoutService > 0) problem(`${name}: a firing test case expects no service or severity label`);
  if (e.rule.for !== undefined && Number.isNaN(seconds(e.rule.for))) problem(`${name}: for: ${e.rule.for} is not a duration`);
  else if (e.rule.for !== undefined && !e.pinned) {
    problem(`${name}: no test pins for: ${e.rule.for} (pending, then firing at most ${e.rule.for} / 2 later, in one test)`);
  }
}

if (problems.length > 0) {
  for (const p of problems) console.error(`error: ${p}`);
  console.error(`check-alert-rules: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`check-alert-rules: ${alerts.size} alerts, each with severity, service, runbook, firing/quiet tests and a pinned for:: OK`);
