/**
 * The monitoring configuration checks (scripts/check-monitoring.sh) as part of
 * `npm test`: promtool check config / check rules / test rules, the
 * Alertmanager config, dashboards as provisioning input, the alert-rule
 * conventions, the compose files against the Compose schema, shellcheck.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from './monitoring-stack';

it('passes every monitoring configuration check', () => {
  const result = spawnSync('bash', [path.join(REPO_ROOT, 'scripts/check-monitoring.sh')], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 240_000,
  });
  const output = `${result.stdout}\n${result.stderr}`;
  expect(output).toMatch(/monitoring: \d+ passed, 0 failed/);
  expect(result.status, output).toBe(0);
});

it("fails the alert conventions when an alert's for: is no longer pinned by a pending-then-firing test", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'medianest-rules-'));
  try {
    fs.cpSync(path.join(REPO_ROOT, 'infrastructure/prometheus'), path.join(root, 'infrastructure/prometheus'), { recursive: true });
    fs.cpSync(path.join(REPO_ROOT, 'docs/runbooks.md'), path.join(root, 'docs/runbooks.md'));
    const file = path.join(root, 'infrastructure/prometheus/tests/application_test.yml');
    const text = fs.readFileSync(file, 'utf8');
    // the pending case of LogLinesDropped: without it, only "quiet at 2m, firing at 9m" is left
    const unpinned = text.replace(
      / {6}- expr: ALERTS\{alertname="LogLinesDropped", alertstate="pending"\}\n(?: {8}.*\n| {10}.*\n| {12}.*\n)+/,
      '',
    );
    expect(unpinned).not.toBe(text);
    fs.writeFileSync(file, unpinned);
    const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/check-alert-rules.mjs'), '--root', root], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('LogLinesDropped: no test pins for: 5m');
    expect(result.stderr).toContain('check-alert-rules: 1 problem(s)');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
