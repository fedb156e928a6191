/**
 * The attacks that once worked, run as an attacker would (several connections, several source
 * addresses), so they stay fixed. Each block names what it guards.
 */
import request from 'supertest';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test/context';
import { loopbackClient, setCookie, type Answer, type LoopbackClient } from '../../test/loopback-clients';
import { registrySum } from '../../test/metrics-helpers';
import { createUser } from '../../test/auth-helpers';
import { waitFor } from '../../test/tcp-proxy';
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
    Array.from({ length: count }, (_, i) =>
      from[i % from.length]!.post('/api/v1/auth/login', { username, password: right(i) ?? `guess-${i}` }),
    ),
  );
}

/** How many answers had each status, e.g. { 401: 3, 429: 197 }. */
function statuses(answers: Answer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
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
    expect(Object.keys(statuses(answers)).filter((code) => code !== '401' && code !== '429')).toEqual([]);
    expectRefusals(answers);
    wrong += answers.filter((a) => a.status === 401).length;
  }
  return wrong;
}

// Hundreds of real HTTP requests per case: on a busy machine that takes longer than the default 30 s.
describe('sign-in bursts (200 guesses at once over keep-alive connections)', { timeout: 180_000 }, () => {
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
    expect(statuses(withRight)).toEqual({ 429: 200 });
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
    expect(statuses(withRight)).toEqual({ 429: 200 });
    expect(withRight.some((a) => setCookie(a, 'medianest_session'))).toBe(false);
    expectRefusals(withRight);
    expect(again.status).toBe(200);
    // Only the owner's sign-in was checked.
    expect(await checks()).toBe(afterBudget + 1);
  });
});

describe('Socket.IO recovery (events missed while away are replayed only to who the account still is)', () => {
  const sockets: Socket[] = [];
  afterAll(() => {
    for (const socket of sockets) socket.disconnect();
  });

  /** A connection that reconnects only when told to, holding a position in the event stream to recover from. */
  async function openRecoverable(cookie: string): Promise<Socket> {
    const socket = connect(s.baseUrl, { path: '/socket.io', transports: ['websocket'], reconnection: false, extraHeaders: { cookie } });
    sockets.push(socket);
    const ready = new Promise<void>((resolve) => socket.once('realtime.ready', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    await ready;
    return socket;
  }

  /** The network drops the connection (no close frame); resolves once the server has let it go. */
  async function dropConnection(socket: Socket): Promise<void> {
    const before = await registrySum('medianest_websocket_connections_active');
    socket.io.engine.close();
    await waitFor(async () => (await registrySum('medianest_websocket_connections_active')) === before - 1, 10_000);
  }

  /** Reconnects; resolves to whether the state was recovered, or the handshake's refusal. */
  function reconnect(socket: Socket): Promise<boolean | Error> {
    return new Promise((resolve) => {
      socket.once('connect', () => resolve(socket.recovered));
      socket.once('connect_error', (err) => resolve(err));
      socket.connect();
    });
  }

  /** Whatever of `event` reached the socket before a marker published after it (one connection delivers in order). */
  async function received<K extends 'request.created' | 'issue.updated'>(socket: Socket, got: unknown[], event: K): Promise<unknown[]> {
    const marker = `marker-${Math.random().toString(36).slice(2)}`;
    const seen: string[] = [];
    const onStatus = (e: { service: string }) => seen.push(e.service);
    socket.on('service.status', onStatus);
    s.container.events.publish('service.status', {
      service: marker,
      status: 'up',
      previousStatus: undefined,
      responseTimeMs: 1,
      checkedAt: new Date().toISOString(),
    });
    await waitFor(() => seen.includes(marker), 5_000, 20);
    socket.off('service.status', onStatus);
    socket.off(event);
    return got;
  }

  it('a demoted admin does not get the admin-only events published while it was away', async () => {
    const app = buildApp(s.container);
    // Not the seeded admin: the bursts above spent that account's budget (as they should).
    const owner = (await createUser(app, s.container, `owner-${Math.random().toString(36).slice(2, 8)}`, { role: 'admin' })).cookie;
    const pat = await createUser(app, s.container, 'pat', { role: 'admin' });
    const socket = await openRecoverable(pat.cookie);
    const created: unknown[] = [];
    socket.on('request.created', (e: unknown) => created.push(e));

    await dropConnection(socket);
    expect((await request(app).patch(`/api/v1/admin/users/${pat.id}`).set('Cookie', owner).send({ role: 'user' })).status).toBe(200);
    s.container.events.publish('request.created', {
      requestId: 901,
      userId: pat.id,
      mediaType: 'movie',
      tmdbId: 603,
      title: 'The Matrix',
      status: 'pending',
    });

    // Connected again as the member it is now, told to refetch, without the admin's event.
    expect(await reconnect(socket)).toBe(false);
    expect(await received(socket, created, 'request.created')).toEqual([]);
  });

  it('a member disabled while away is refused, and does not get the private news published meanwhile', async () => {
    const app = buildApp(s.container);
    // Not the seeded admin: the bursts above spent that account's budget (as they should).
    const owner = (await createUser(app, s.container, `owner-${Math.random().toString(36).slice(2, 8)}`, { role: 'admin' })).cookie;
    const quinn = await createUser(app, s.container, 'quinn');
    const socket = await openRecoverable(quinn.cookie);
    const news: unknown[] = [];
    socket.on('issue.updated', (e: unknown) => news.push(e));

    await dropConnection(socket);
    expect((await request(app).patch(`/api/v1/admin/users/${quinn.id}`).set('Cookie', owner).send({ enabled: false })).status).toBe(200);
    s.container.events.publish('issue.updated', {
      issueId: 77,
      userId: quinn.id,
      title: 'The Matrix',
      change: 'comment',
      status: 'open',
      comment: { author: 'admin', message: 'Private answer' },
    });

    const outcome = await reconnect(socket);
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toBe('UNAUTHENTICATED');
    expect(news).toEqual([]);
  });

  it('a member whose account did not change still gets what it missed', async () => {
    const app = buildApp(s.container);
    const rae = await createUser(app, s.container, 'rae');
    const socket = await openRecoverable(rae.cookie);
    const news: unknown[] = [];
    socket.on('issue.updated', (e: unknown) => news.push(e));
    await dropConnection(socket);
    const missed = { issueId: 78, userId: rae.id, title: 'Dune', change: 'resolved' as const, status: 'resolved' as const, comment: null };
    s.container.events.publish('issue.updated', missed);
    expect(await reconnect(socket)).toBe(true);
    expect(await received(socket, news, 'issue.updated')).toEqual([missed]);
  });
});
