/**
 * The monitoring configuration checks (scripts/check-monitoring.sh) as part of
 * `npm test`: promtool check config / check rules / test rules, the
 * Alertmanager config, dashboards as provisioning input, the alert-rule
 * conventions, the compose files against the Compose schema, shellcheck.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from './monitoring-stack';

it('passes every monitoring configuration check', () => {
  const result = spawnSync('bash', [path.join(REPO_ROOT, 'scripts/check-monitoring.sh')], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 240_000 });
  const output = `${result.stdout}\n${result.stderr}`;
  expect(output).toMatch(/monitoring: \d+ passed, 0 failed/);
  expect(result.status, output).toBe(0);
});
