/**
 * docker-compose.yml as self-hosters use it, checked offline by scripts/validate-compose.mjs: the file
 * against the Compose Specification schema (every service, including PostgreSQL's and Redis's, whose
 * images cannot be pulled here), and MediaNest's service built from the Dockerfile with its data on a
 * volume and a health check. (scripts/image-test.sh starts that service from the image.) The broken
 * copies show each guard fails with a line naming the problem.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './monitoring-stack';

const VALIDATE = path.join(REPO_ROOT, 'scripts/validate-compose.mjs');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'medianest-compose-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function validate(file: string) {
  const result = spawnSync(process.execPath, [VALIDATE, file], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, POSTGRES_PASSWORD: 'compose-test-password' },
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

/** docker-compose.yml with `edit` applied, written beside the scratch folder's other copies. */
function brokenCopy(name: string, edit: (text: string) => string): string {
  const before = fs.readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
  const after = edit(before);
  expect(after, `the edit for ${name} changed nothing`).not.toBe(before);
  const file = path.join(scratch, `${name}.yml`);
  fs.writeFileSync(file, after);
  return file;
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification, with MediaNest built from the Dockerfile', () => {
    const { status, output } = validate('docker-compose.yml');
    expect(output).toContain('docker-compose.yml: valid against the Compose Specification schema');
    expect(output).toMatch(/validate-compose: docker-compose\.yml: 4 services, references consistent: OK/);
    expect(status, output).toBe(0);
  });

  // [what breaks, the copy's name, edit, what the check must say]
  const breakages: [string, string, (text: string) => string, string | RegExp][] = [
    [
      "MediaNest's data is not on a volume (it would go with the container)",
      'no-volume',
      (t) => t.replace('      - app_data:/data\n', ''),
      'service app: keeps no volume at DATA_DIR (/data)',
    ],
    [
      'MediaNest has no health check',
      'no-healthcheck',
      (t) => t.replace(/ {4}healthcheck:\n {6}test: [^\n]*127\.0\.0\.1:4000\/health\/live[^\n]*\n(?: {6}.*\n)+/, ''),
      'service app: has no healthcheck',
    ],
    [
      'PostgreSQL has a key Compose does not know',
      'postgres-unknown-key',
      (t) => t.replace('    image: postgres:16\n', '    image: postgres:16\n    restart_policy: always\n'),
      /services\/postgres.*restart_policy/,
    ],
    [
      "Redis's health check interval is not a duration",
      'redis-bad-interval',
      (t) => t.replace(/(redis-cli ping[^\n]*\n {6})interval: 5s/, '$1interval: often'),
      /services\/redis\/healthcheck\/interval/,
    ],
  ];

  it.each(breakages)('fails when %s', (_, name, edit, message) => {
    const { status, output } = validate(brokenCopy(name, edit));
    expect(output).toMatch(message);
    expect(status, output).toBe(1);
  });
});
