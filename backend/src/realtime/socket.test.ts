import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import type { Express } from 'express';
import { buildApp } from '../app';
import { createUser, loginCookie } from '../test/auth-helpers';
import { SHUTDOWN_BUDGET_MS } from '../server';
import { startTestServer, type TestServer } from '../test/context';
import { registrySum } from '../test/metrics-helpers';
import { startTcpProxy, waitFor, type TcpProxy } from '../test/tcp-proxy';
import type { DomainEvents } from './events';

let s: TestServer;
let app: Express;
let adminCookie: string;
let alice: { id: string; cookie: string };
let bob: { id: string; cookie: string };
const clients: Socket[] = [];

beforeAll(async () => {
  s = await startTestServer();
  app = buildApp(s.container);
  adminCookie = await loginCookie(app);
  alice = await createUser(app, s.container, 'alice');
  bob = await createUser(app, s.container, 'bob');
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await s.cleanup();
});

const connections = () => registrySum('medianest_websocket_connections_active');

/** Connects like the web app does: same origin, the session cookie, path /socket.io. */
function open(cookie: string | undefined, url = s.baseUrl): Socket {
  const socket = connect(url, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: cookie ? { cookie } : {},
  });
  clients.push(socket);
  return socket;
}

function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

function collect<K extends keyof DomainEvents>(socket: Socket, event: K): DomainEvents[K][] {
  const got: DomainEvents[K][] = [];
  socket.on(event as string, (payload: DomainEvents[K]) => got.push(payload));
  return got;
}

const update = (userId: string, requestId: number): DomainEvents['request.updated'] => ({
  requestId,
  userId,
  mediaType: 'movie',
  tmdbId: 603,
  title: 'The Matrix',
  status: 'available',
  previousStatus: 'processing',
});

describe('Socket.IO', () => {
  it('rejects connections without a valid session', async () => {
    const anonymous = open(undefined);
    await expect(connected(anonymous)).rejects.toThrow('UNAUTHENTICATED');
    const forged = open('medianest_session=not-a-real-token');
    await expect(connected(forged)).rejects.toThrow('UNAUTHENTICATED');
  });

  it('sends request updates to their owner only, creations to admins, service status to everyone', async () => {
    const a = open(alice.cookie);
    const b = open(bob.cookie);
    const admin = open(adminCookie);
    await Promise.all([connected(a), connected(b), connected(admin)]);
    const aUpdates = collect(a, 'request.updated');
    const bUpdates = collect(b, 'request.updated');
    const aCreated = collect(a, 'request.created');
    const adminCreated = collect(admin, 'request.created');
    const statuses = [a, b, admin].map((c) => collect(c, 'service.status'));

    s.container.events.publish('request.updated', update(alice.id, 1));
    s.container.events.publish('request.created', { ...update(bob.id, 2), status: 'pending' });
    s.container.events.publish('request.updated', update(bob.id, 2));
    s.container.events.publish('service.status', {
      service: 'plex',
      status: 'down',
      previousStatus: 'up',
      responseTimeMs: null,
      checkedAt: new Date().toISOString(),
    });

    // Delivery is in order per connection: once the last event arrived everywhere, nothing else is coming.
    await waitFor(() => statuses.every((got) => got.length === 1), 5_000);
    expect(aUpdates).toEqual([update(alice.id, 1)]);
    expect(bUpdates).toEqual([update(bob.id, 2)]);
    expect(adminCreated).toEqual([expect.objectContaining({ requestId: 2, userId: bob.id })]);
    expect(aCreated).toEqual([]);
    for (const got of statuses) expect(got[0]).toMatchObject({ service: 'plex', status: 'down' });
    for (const c of [a, b, admin]) c.disconnect();
  });

  it('counts connections exactly, abrupt disconnects included', async () => {
    await waitFor(async () => (await connections()) === 0, 5_000);
    const before = await connections();
    const proxy: TcpProxy = await startTcpProxy('127.0.0.1', s.port);
    try {
      const viaProxy = [open(alice.cookie, proxy.url('http')), open(bob.cookie, proxy.url('http'))];
      const direct = open(adminCookie);
      await Promise.all([...viaProxy, direct].map(connected));
      expect(await connections()).toBe(before + 3);

      // The network goes away under two clients: no close frame, the TCP connections just die.
      proxy.cut();
      await waitFor(async () => (await connections()) === before + 1, 10_000);

      direct.disconnect();
      await waitFor(async () => (await connections()) === before, 10_000);
    } finally {
      await proxy.close();
    }
  });

  it("closes a session's connections when it ends: on sign-out that session's only, on disabling the account all of them", async () => {
    const carol = await createUser(app, s.container, 'carol');
    const carolPhone = await loginCookie(app, 'carol', 'carol-password');
    const laptop = open(carol.cookie);
    const phone = open(carolPhone);
    const other = open(alice.cookie);
    await Promise.all([laptop, phone, other].map(connected));
    const closed = (socket: Socket) => new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));

    // Signing out on the laptop ends the laptop's connection; the phone keeps its own.
    const laptopClosed = closed(laptop);
    expect((await request(app).post('/api/v1/auth/logout').set('Cookie', carol.cookie).set('X-Requested-With', 'XMLHttpRequest')).status).toBeLessThan(300);
    expect(await laptopClosed).toBe('io server disconnect');
    expect(phone.connected).toBe(true);

    // An admin disables the account: every connection of it ends, nobody else's.
    const phoneClosed = closed(phone);
    const res = await request(app).patch(`/api/v1/admin/users/${carol.id}`).set('Cookie', adminCookie).send({ enabled: false });
    expect(res.status).toBe(200);
    expect(await phoneClosed).toBe('io server disconnect');
    expect(other.connected).toBe(true);

    // And the revoked sessions cannot come back.
    await expect(connected(open(carolPhone))).rejects.toThrow('UNAUTHENTICATED');
  });

  it('disconnects clients when the server stops', async () => {
    const other = await startTestServer();
    try {
      const otherApp = buildApp(other.container);
      const socket = open(await loginCookie(otherApp), other.baseUrl);
      await connected(socket);
      const before = await connections();
      const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
      const started = Date.now();
      await other.stop();
      expect(await disconnected).toBeTruthy();
      // WebSockets do not hold the shutdown open until its budget runs out.
      expect(Date.now() - started).toBeLessThan(SHUTDOWN_BUDGET_MS);
      expect(await connections()).toBe(before - 1);
    } finally {
      await other.cleanup();
    }
  });
});
