/**
 * The shutdown settings of the Kubernetes base's web Deployment
 * (deploy/kubernetes/web.yaml), read from the manifest so the cluster test's
 * rolling restart drains exactly as a rollout on Kubernetes does.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { REPO_ROOT } from './monitoring-stack';

interface EnvVar {
  name: string;
  value?: string;
}
interface Deployment {
  kind?: string;
  spec?: { template?: { spec?: { terminationGracePeriodSeconds?: number; containers?: { env?: EnvVar[] }[] } } };
}

export function kubernetesWebShutdown(): { drainMs: number; terminationGracePeriodSeconds: number } {
  const file = path.join(REPO_ROOT, 'deploy/kubernetes/web.yaml');
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS() as Deployment);
  const pod = docs.find((d) => d.kind === 'Deployment')?.spec?.template?.spec;
  const drain = pod?.containers?.[0]?.env?.find((e) => e.name === 'SHUTDOWN_DRAIN_MS')?.value;
  if (drain === undefined || pod?.terminationGracePeriodSeconds === undefined) {
    throw new Error(`${file}: the web Deployment sets no SHUTDOWN_DRAIN_MS or terminationGracePeriodSeconds`);
  }
  return { drainMs: Number(drain), terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds };
}
