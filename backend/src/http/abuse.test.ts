/**
 * The attacks that once worked, run as an attacker would (several connections, several source
 * addresses), so they stay fixed. Each block names what it guards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../test/context';
import { loopbackClient, setCookie, type Answer, type LoopbackClient } from '../test/loopback-clients';
import { registrySum } from '../test/metrics-helpers';
import { createUser } from '../test/auth-helpers';
import { buildApp } from '../app';

let s: TestServer;
const clients: LoopbackClient[] = [];
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await s.cleanup();
});

function client(address: string): LoopbackClient {
  const c = loopbackClient(s.baseUrl, address);
  clients.push(c);
  return c;
}

const checks = () => registrySum('medianest_auth_password_checks_total');

/** `count` sign-ins sent at once, spread over `from`; `right` marks the guesses that carry the right password. */
function burst(from: LoopbackClient[], username: string, count: number, right: (i: number) => string | undefined = () => undefined) {
  return Promise.all(
    Array.from({ length: count }, (_, i) => from[i % from.length]!.post('/api/v1/auth/login', { username, password: right(i) ?? `guess-${i}` })),
  );
}

function expectRefusals(answers: Answer[]): void {
  for (const a of answers.filter((x) => x.status === 429)) {
    expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
    expect(a.body.error).toMatchObject({ code: 'RATE_LIMITED', message: expect.any(String) });
  }
}

/** Sends bursts of wrong guesses until `budget` of them were checked (401); returns how many were checked. */
async function spendBudget(from: LoopbackClient[], username: string, budget: number): Promise<number> {
  let wrong = 0;
  for (let round = 0; round < 25 && wrong < budget; round++) {
    const answers = await burst(from, username, 200);
    expect(answers.every((a) => a.status === 401 || a.status === 429)).toBe(true);
    expectRefusals(answers);
    wrong += answers.filter((a) => a.status === 401).length;
  }
  return wrong;
}

describe('sign-in bursts (200 guesses at once over keep-alive connections)', () => {
  it('from one address: only the per-client budget (5) is ever checked, and then even the right password is refused', async () => {
    const app = buildApp(s.container);
    await createUser(app, s.container, 'henry', { password: 'henry-password' });
    const attacker = [client('127.0.0.2')];
    const before = await checks();

    const first = await burst(attacker, 'henry', 200);
    // At once: never more checked than the budget, however many arrived together.
    expect(await checks()).toBeLessThanOrEqual(before + 5);
    const firstWrong = first.filter((a) => a.status === 401).length;
    expect(firstWrong).toBeLessThanOrEqual(5);
    expectRefusals(first);

    expect(firstWrong + (await spendBudget(attacker, 'henry', 5 - firstWrong))).toBe(5);
    expect(await checks()).toBe(before + 5);

    const withRight = await burst(attacker, 'henry', 200, (i) => (i % 10 === 9 ? 'henry-password' : undefined));
    expect(withRight.every((a) => a.status === 429)).toBe(true);
    expect(withRight.some((a) => setCookie(a, 'medianest_session'))).toBe(false);
    expect(await checks()).toBe(before + 5);
  });

  it('from several addresses: only the account budget (10) is checked, and the owner’s known device signs in throughout', async () => {
    const owner = client('127.0.0.9');
    const first = await owner.post('/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
    expect(first.status).toBe(200);
    const device = setCookie(first, 'medianest_device')!;
    expect(device).toBeDefined();
    const ownerSignIn = () => owner.post('/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD }, { cookie: device });

    const attackers = ['127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7'].map(client);
    const before = await checks();

    // The owner signs in while the first burst is being answered.
    const [answers, during] = await Promise.all([burst(attackers, 'admin', 200), ownerSignIn()]);
    expect(during.status).toBe(200);
    expect(setCookie(during, 'medianest_session')).toBeDefined();
    expect(await checks()).toBeLessThanOrEqual(before + 10 + 1);
    const firstWrong = answers.filter((a) => a.status === 401).length;
    expect(firstWrong).toBeLessThanOrEqual(10);
    expectRefusals(answers);

    expect(firstWrong + (await spendBudget(attackers, 'admin', 10 - firstWrong))).toBe(10);
    const afterBudget = await checks();
    expect(afterBudget).toBe(before + 10 + 1);

    // Budget spent: the right password inside the next burst signs nobody in; the owner's device still does.
    const [withRight, again] = await Promise.all([
      burst(attackers, 'admin', 200, (i) => (i % 7 === 3 ? ADMIN_PASSWORD : undefined)),
      ownerSignIn(),
    ]);
    expect(withRight.every((a) => a.status === 429)).toBe(true);
    expect(withRight.some((a) => setCookie(a, 'medianest_session'))).toBe(false);
    expectRefusals(withRight);
    expect(again.status).toBe(200);
    // Only the owner's sign-in was checked.
    expect(await checks()).toBe(afterBudget + 1);
  });
});
