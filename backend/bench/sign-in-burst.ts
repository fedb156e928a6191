/**
 * How long the owner's sign-in takes while the server is being hammered:
 * `node backend/dist-bench/bench/sign-in-burst.js` (after `npm run build -w backend && npm run bench:build -w backend`).
 *
 * One MediaNest (embedded, observability off) on loopback. The owner's browser
 * signed in before and holds the known-device cookie. Five other loopback
 * addresses send waves of 200 simultaneous guesses over keep-alive
 * connections — against the admin account and spread over 200 made-up
 * usernames, so that the per-account holds do not shield the hashing slots —
 * while the owner signs in again and again. Prints the owner's sign-in
 * latency with and without the attack, and what the attack got checked.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loopbackClient, setCookie } from '../test/loopback-clients';
import { median } from './load';
import { percentile } from './steady';
import { BENCH_ADMIN_PASSWORD, startInstance } from './instances';

const SAMPLES = 20;

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medianest-sign-in-burst-'));
  const instance = await startInstance({ name: 'sign-in-burst', dataDir, observability: false, noSignIn: true });
  try {
    const owner = loopbackClient(instance.baseUrl, '127.0.0.9', 2);
    const first = await owner.post('/api/v1/auth/login', { username: 'admin', password: BENCH_ADMIN_PASSWORD });
    const device = setCookie(first, 'medianest_device');
    if (first.status !== 200 || !device) throw new Error(`the owner could not sign in: ${first.status}`);
    const ownerSignIn = async () => {
      const started = performance.now();
      const answer = await owner.post('/api/v1/auth/login', { username: 'admin', password: BENCH_ADMIN_PASSWORD }, { cookie: device });
      return { ms: performance.now() - started, status: answer.status };
    };

    const quiet: number[] = [];
    for (let i = 0; i < SAMPLES; i++) quiet.push((await ownerSignIn()).ms);

    const attackers = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6'].map((a) => loopbackClient(instance.baseUrl, a, 40));
    let attacking = true;
    const answered: Record<number, number> = {};
    const attack = (async () => {
      for (let wave = 0; attacking; wave++) {
        const answers = await Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            attackers[i % attackers.length]!.post('/api/v1/auth/login', {
              username: i % 2 === 0 ? 'admin' : `user-${wave}-${i}`,
              password: `guess-${wave}-${i}`,
            }),
          ),
        );
        for (const a of answers) answered[a.status] = (answered[a.status] ?? 0) + 1;
      }
    })();

    const during: number[] = [];
    const statuses: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const { ms, status } = await ownerSignIn();
      during.push(ms);
      statuses.push(status);
    }
    attacking = false;
    await attack;
    for (const c of [owner, ...attackers]) c.close();

    const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
    const line = (label: string, values: number[]) =>
      `${label}: median ${median(values).toFixed(0)} ms, p95 ${percentile(sorted(values), 95).toFixed(0)} ms, max ${Math.max(...values).toFixed(0)} ms`;
    process.stdout.write(
      [
        `Owner's sign-in with the known-device cookie (${SAMPLES} each, 2 CPUs: ${os.cpus().length})`,
        line('  quiet', quiet),
        line('  during the attack', during),
        `  owner's answers during the attack: ${JSON.stringify(statuses.reduce<Record<number, number>>((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {}))}`,
        `Attack answers (waves of 200 at once from 5 addresses): ${JSON.stringify(answered)}`,
        '',
      ].join('\n'),
    );
  } finally {
    await instance.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
