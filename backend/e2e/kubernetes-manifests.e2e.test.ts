/**
 * The Kubernetes base (deploy/kubernetes) as part of `npm test`: rendered with
 * `kubectl kustomize`, every object validated offline against the Kubernetes
 * and prometheus-operator schemas, plus the checks the schemas cannot make
 * (scripts/check-kubernetes.mjs). The broken copies show each guard fails.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './monitoring-stack';

const CHECK = path.join(REPO_ROOT, 'scripts/check-kubernetes.mjs');
const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

function check(root = REPO_ROOT) {
  const result = spawnSync(process.execPath, [CHECK, '--root', root], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

/** A copy of what the check reads, with `edit` applied to one file. */
function brokenCopy(file: string, edit: (text: string) => string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'medianest-k8s-'));
  scratch.push(root);
  for (const dir of ['deploy/kubernetes', 'infrastructure/prometheus', 'infrastructure/grafana/dashboards']) {
    fs.cpSync(path.join(REPO_ROOT, dir), path.join(root, dir), { recursive: true });
  }
  fs.mkdirSync(path.join(root, 'backend/src'), { recursive: true });
  // The check reads the worker's entry point and the web server's shutdown budget.
  for (const source of ['backend/src/worker.ts', 'backend/src/server.ts'])
    fs.copyFileSync(path.join(REPO_ROOT, source), path.join(root, source));
  const target = path.join(root, file);
  const before = fs.readFileSync(target, 'utf8');
  const after = edit(before);
  expect(after, `the edit of ${file} changed nothing`).not.toBe(before);
  fs.writeFileSync(target, after);
  return root;
}

describe('the Kubernetes base', () => {
  it('renders with kubectl kustomize and every object passes its schema and the checks', () => {
    const { status, output } = check();
    expect(output).toMatch(/check-kubernetes: \d+ objects .* OK/);
    expect(status, output).toBe(0);
  });

  // [what breaks, file, edit, what the check must say]
  const breakages: [string, string, (text: string) => string, string | RegExp][] = [
    [
      'an alert rule changes and the generated PrometheusRule is not regenerated',
      'infrastructure/prometheus/alert_rules.yml',
      (t) => t.replace('for: 15m', 'for: 20m'),
      'deploy/kubernetes/generated/prometheus-rule.yaml differs from its sources',
    ],
    [
      'a dashboard changes and its ConfigMap is not regenerated',
      'infrastructure/grafana/dashboards/overview.json',
      (t) => t.replace('"MediaNest / Overview"', '"MediaNest / Overview 2"'),
      'grafana-dashboards.yaml differs from its sources',
    ],
    [
      'an object breaks its schema',
      'deploy/kubernetes/web.yaml',
      (t) => t.replace('minReplicas: 2', 'minReplicas: two'),
      /HorizontalPodAutoscaler\/medianest-web: .*minReplicas must be integer/,
    ],
    [
      'a container may write its root filesystem',
      'deploy/kubernetes/worker.yaml',
      (t) => t.replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false'),
      'Deployment/medianest-worker container medianest: readOnlyRootFilesystem is not true',
    ],
    [
      'the metrics port is open to more than Prometheus',
      'deploy/kubernetes/network-policy.yaml',
      (t) => t.replace('          port: http\n', '          port: http\n        - protocol: TCP\n          port: metrics\n'),
      'NetworkPolicy/medianest: opens the metrics port of Deployment/medianest-web to more than Prometheus',
    ],
    [
      'a secret is set inline',
      'deploy/kubernetes/configmap.yaml',
      (t) => `${t}  PLEX_TOKEN: not-a-reference\n`,
      'ConfigMap/medianest-config holds the secret PLEX_TOKEN',
    ],
  ];
  it.each(breakages)('fails when %s', (_what, file, edit, message) => {
    const { status, output } = check(brokenCopy(file, edit));
    expect(status).toBe(1);
    expect(output).toMatch(message);
  });
});
