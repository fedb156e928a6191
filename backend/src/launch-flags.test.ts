/**
 * Every way an operator starts MediaNest passes the same Node.js flags (launch-flags.ts):
 * `npm start`, the image's CMD and the Kubernetes web and worker Deployments.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { NODE_LAUNCH_FLAGS } from './launch-flags';

const REPO = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(REPO, file), 'utf8');

/** The flags between `node` and the script of a command line. */
function flagsOf(argv: string[], script: string): string[] {
  expect(argv[0]).toBe('node');
  expect(argv.at(-1)).toBe(script);
  return argv.slice(1, -1);
}

interface Deployment {
  kind?: string;
  spec: { template: { spec: { containers: { args: string[] }[] } } };
}

/** The command line of the manifest's Deployment. */
function containerArgs(manifest: string): string[] {
  const docs = YAML.parseAllDocuments(read(manifest)).map((d) => d.toJS() as Deployment);
  return docs.find((d) => d.kind === 'Deployment')!.spec.template.spec.containers[0]!.args;
}

describe('launch flags', () => {
  it('are the same in npm start, the image and the Kubernetes manifests', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start;
    expect(flagsOf(start.split(' && ').at(-1)!.split(' '), 'backend/dist/main.js')).toEqual(NODE_LAUNCH_FLAGS);

    const cmd = read('Dockerfile')
      .split('\n')
      .find((line) => line.startsWith('CMD '))!;
    expect(flagsOf(JSON.parse(cmd.slice(4)) as string[], 'backend/dist/main.js')).toEqual(NODE_LAUNCH_FLAGS);

    expect(flagsOf(containerArgs('deploy/kubernetes/web.yaml'), 'backend/dist/main.js')).toEqual(NODE_LAUNCH_FLAGS);
    expect(flagsOf(containerArgs('deploy/kubernetes/worker.yaml'), 'backend/dist/worker.js')).toEqual(NODE_LAUNCH_FLAGS);
  });
});
