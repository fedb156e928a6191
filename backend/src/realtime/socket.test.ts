import http from 'node:http';
import { Redis } from 'ioredis';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import type { Express } from 'express';
import { buildApp } from '../app';
import { createUser, loginCookie } from '../../test/auth-helpers';
import { SHUTDOWN_BUDGET_MS } from '../server';
import { loadConfig } from '../config';
import { startServer } from '../server';
import { prepareTestEnv, startTestServer, type TestServer } from '../../test/context';
import { registrySum } from '../../test/metrics-helpers';
import { startTcpProxy, waitFor, type TcpProxy } from '../../test/tcp-proxy';
import type { RealtimeEvents } from '@medianest/contracts';
import { EventBus } from './events';
import { attachRealtime } from './socket';

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
function open(cookie: string | undefined, url = s.baseUrl, origin?: string): Socket {
  const socket = connect(url, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: { ...(cookie ? { cookie } : {}), ...(origin ? { origin } : {}) },
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

/**
 * A connection that reconnects by itself after `delayMs`, as the web app's does, once it holds a
 * position in the event stream (the `realtime.ready` event every new connection gets) to recover from.
 */
async function openRecoverable(cookie: string, delayMs: number): Promise<Socket> {
  const socket = connect(s.baseUrl, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnectionDelay: delayMs,
    reconnectionDelayMax: delayMs,
    extraHeaders: { cookie },
  });
  clients.push(socket);
  const ready = new Promise<void>((resolve) => socket.once('realtime.ready', () => resolve()));
  await connected(socket);
  await ready;
  return socket;
}

/** Collects what a browser receives of `event`, typed by the shared contract. */
function collect<K extends keyof RealtimeEvents>(socket: Socket, event: K): RealtimeEvents[K][] {
  const got: RealtimeEvents[K][] = [];
  const name: string = event;
  socket.on(name, (payload: RealtimeEvents[K]) => {
    got.push(payload);
  });
  return got;
}

const update = (userId: string, requestId: number): RealtimeEvents['request.updated'] => ({
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

  it("sends Now playing to admins only, and a member's own streams to that member only", async () => {
    const a = open(alice.cookie);
    const b = open(bob.cookie);
    const admin = open(adminCookie);
    await Promise.all([connected(a), connected(b), connected(admin)]);
    const aNow = collect(a, 'playback.updated');
    const bNow = collect(b, 'playback.updated');
    const adminNow = collect(admin, 'playback.updated');
    const aMine = collect(a, 'playback.mine');
    const bMine = collect(b, 'playback.mine');
    const totals = {
      streams: 0,
      transcodes: 0,
      hardwareTranscodes: 0,
      hardwareShare: null,
      wanBandwidthKbps: 0,
      lanBandwidthKbps: 0,
      uploadCapacityKbps: null,
      wanShareOfUpload: null,
    };

    s.container.events.publish('playback.member', { userId: alice.id, streams: [] });
    s.container.events.publish('playback.updated', { streams: [], totals, watching: true });

    await waitFor(() => adminNow.length === 1 && aMine.length === 1, 5_000);
    expect(adminNow[0]).toMatchObject({ watching: true, totals: { streams: 0 } });
    expect(aMine).toEqual([{ streams: [] }]);
    expect(aNow).toEqual([]);
    expect(bNow).toEqual([]);
    expect(bMine).toEqual([]);
    for (const c of [a, b, admin]) c.disconnect();
  });

  it('sends download progress to the request owner as a request.updated whose status did not change', async () => {
    const a = open(alice.cookie);
    const b = open(bob.cookie);
    await Promise.all([connected(a), connected(b)]);
    const aUpdates = collect(a, 'request.updated');
    const bUpdates = collect(b, 'request.updated');
    const download = {
      percent: 40,
      estimatedCompletionAt: '2030-01-01T12:00:00.000Z',
      items: [
        {
          title: 'The.Matrix.2160p',
          status: 'downloading',
          size: 100,
          sizeLeft: 60,
          percent: 40,
          estimatedCompletionAt: '2030-01-01T12:00:00.000Z',
          seasonNumber: null,
          episodeNumber: null,
        },
      ],
      seasons: [],
    };
    s.container.events.publish('request.progress', { ...update(alice.id, 7), status: 'processing', download, stalled: false });
    await waitFor(() => aUpdates.length === 1, 5_000);
    expect(aUpdates[0]).toMatchObject({ requestId: 7, status: 'processing', previousStatus: 'processing', download, stalled: false });
    expect(bUpdates).toEqual([]);
    for (const c of [a, b]) c.disconnect();
  });

  it("sends a problem report's news (comment, resolved) to the member who reported it only", async () => {
    const a = open(alice.cookie);
    const b = open(bob.cookie);
    await Promise.all([connected(a), connected(b)]);
    const aIssues = collect(a, 'issue.updated');
    const bIssues = collect(b, 'issue.updated');
    const news: RealtimeEvents['issue.updated'] = {
      issueId: 8,
      userId: alice.id,
      title: 'The Matrix',
      change: 'resolved',
      status: 'resolved',
      comment: null,
    };
    s.container.events.publish('issue.updated', news);
    await waitFor(() => aIssues.length === 1, 5_000);
    expect(aIssues).toEqual([news]);
    expect(bIssues).toEqual([]);
    for (const c of [a, b]) c.disconnect();
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
    expect(
      (await request(app).post('/api/v1/auth/logout').set('Cookie', carol.cookie).set('X-Requested-With', 'XMLHttpRequest')).status,
    ).toBeLessThan(300);
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

  it('gives a client that lost its connection the events it missed once it reconnects, and tells it so', async () => {
    const socket = await openRecoverable(alice.cookie, 100);
    const updates = collect(socket, 'request.updated');

    // The network drops the connection (no close frame from the client); events go on meanwhile.
    const reconnected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.io.engine.close();
    s.container.events.publish('request.updated', update(alice.id, 31));
    s.container.events.publish('request.updated', update(bob.id, 32));
    s.container.events.publish('request.updated', update(alice.id, 33));
    await reconnected;
    expect(socket.recovered).toBe(true);
    await waitFor(() => updates.length === 2, 5_000);
    expect(updates.map((u) => u.requestId)).toEqual([31, 33]);

    // A client whose state cannot be recovered (gone too long, or its stored state lost) starts afresh and is told so.
    const fresh = open(alice.cookie);
    await connected(fresh);
    expect(fresh.recovered).toBe(false);
    socket.disconnect();
    fresh.disconnect();
  });

  it('does not recover a connection whose session ended while it was away: the reconnection is refused', async () => {
    const dora = await createUser(app, s.container, 'dora');
    const socket = await openRecoverable(dora.cookie, 300);
    const refused = new Promise<Error>((resolve) => socket.on('connect_error', (err) => resolve(err)));
    const before = await connections();
    // Held back until the sign-out below is done.
    socket.io.reconnectionDelay(2_000).reconnectionDelayMax(2_000);
    socket.io.engine.close();
    await waitFor(async () => (await connections()) === before - 1, 5_000);
    // Signed out elsewhere while this connection was down.
    expect(
      (await request(app).post('/api/v1/auth/logout').set('Cookie', dora.cookie).set('X-Requested-With', 'XMLHttpRequest')).status,
    ).toBeLessThan(300);
    expect((await refused).message).toBe('UNAUTHENTICATED');
    expect(socket.connected).toBe(false);
    socket.disconnect();
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

/**
 * Every stream reader's answer (XREAD) passes through `hold` before the adapter sees it. Returns the
 * function that puts XREAD back as it was.
 */
function holdStreamReads(hold: (reply: unknown) => Promise<void>): () => void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as it was, on the prototype
  const xread = Redis.prototype.xread;
  Redis.prototype.xread = function (this: Redis, ...args: unknown[]) {
    return (xread as (...a: unknown[]) => Promise<unknown>).apply(this, args).then(async (reply) => {
      await hold(reply);
      return reply;
    });
  } as typeof xread;
  return () => {
    Redis.prototype.xread = xread;
  };
}

/** A new member signed in on `server`, with a socket that got its `realtime.ready`, collecting `request.updated`. */
async function memberWatchingUpdates(server: Awaited<ReturnType<typeof startServer>>, name: string) {
  const app = buildApp(server.container);
  await loginCookie(app);
  const member = await createUser(app, server.container, name);
  const socket = open(member.cookie, `http://127.0.0.1:${server.port}`);
  const ready = new Promise<void>((resolve) => socket.once('realtime.ready', () => resolve()));
  await connected(socket);
  await ready;
  return { member, socket, updates: collect(socket, 'request.updated') };
}

/**
 * Admin-only events reach `socket` while `publish` can deliver them: publishes a request.created and then a
 * service.status marker (delivered in order on one connection), and tells whether the creation arrived before the marker.
 */
async function receivesAdminEvents(socket: Socket, events: EventBus, userId: string): Promise<boolean> {
  const marker = `marker-${Math.random().toString(36).slice(2)}`;
  const requestId = Math.floor(Math.random() * 1e9);
  const created = collect(socket, 'request.created');
  const statuses = collect(socket, 'service.status');
  events.publish('request.created', { ...update(userId, requestId), status: 'pending' });
  events.publish('service.status', {
    service: marker,
    status: 'up',
    previousStatus: undefined,
    responseTimeMs: 1,
    checkedAt: new Date().toISOString(),
  });
  await waitFor(() => statuses.some((e) => e.service === marker), 5_000, 20);
  socket.off('request.created');
  socket.off('service.status');
  return created.some((e) => e.requestId === requestId);
}

describe('Socket.IO browser-session checks', () => {
  it('refuses pages from another origin; accepts its own', async () => {
    const evil = open(alice.cookie, s.baseUrl, 'http://evil.example');
    await expect(connected(evil)).rejects.toThrow('FORBIDDEN_ORIGIN');
    const lookalike = open(alice.cookie, s.baseUrl, `http://127.0.0.1:${s.port + 1}`);
    await expect(connected(lookalike)).rejects.toThrow('FORBIDDEN_ORIGIN');
    const own = open(alice.cookie, s.baseUrl, s.baseUrl);
    await connected(own);
    own.disconnect();
  });

  it('with PUBLIC_URL, accepts only that origin', async () => {
    const server = http.createServer();
    const realtime = attachRealtime(server, {
      events: new EventBus(),
      identify: async () => ({ user: { id: 'u1', role: 'user' }, sessionId: 's1' }),
      identifyStored: async () => ({ user: { id: 'u1', role: 'user' }, sessionId: 's1' }),
      publicUrl: 'https://media.example.com',
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(connected(open('x=1', url, url))).rejects.toThrow('FORBIDDEN_ORIGIN');
      await expect(connected(open('x=1', url, 'http://media.example.com'))).rejects.toThrow('FORBIDDEN_ORIGIN');
      const proxied = open('x=1', url, 'https://media.example.com');
      await connected(proxied);
      proxied.disconnect();
    } finally {
      await realtime.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a demoted admin stops receiving admin-only events at once; a promoted user starts', async () => {
    const dave = await createUser(app, s.container, 'dave', { role: 'admin' });
    const socket = open(dave.cookie);
    await connected(socket);
    expect(await receivesAdminEvents(socket, s.container.events, dave.id)).toBe(true);

    const demote = await request(app).patch(`/api/v1/admin/users/${dave.id}`).set('Cookie', adminCookie).send({ role: 'user' });
    expect(demote.status).toBe(200);
    // Right after the answer: nothing admin-only reaches the still-open socket.
    expect(await receivesAdminEvents(socket, s.container.events, dave.id)).toBe(false);
    expect(socket.connected).toBe(true);

    await request(app).patch(`/api/v1/admin/users/${dave.id}`).set('Cookie', adminCookie).send({ role: 'admin' });
    await waitFor(() => receivesAdminEvents(socket, s.container.events, dave.id), 5_000);
    socket.disconnect();
  });

  it('a client recovering on a process gets an event that process emitted while it was reading what it missed', async () => {
    // The race the Redis Streams adapter leaves open: the recovery reads the stream, the process emits an
    // event (written to the stream after that read), Redis answers, the event is handed to the local sockets,
    // and only then does the recovering socket join its rooms. Forced here by holding the recovery's read
    // until the event has been handed over.
    const env = await prepareTestEnv({ PROMETHEUS_ENABLED: 'false' }, 'services');
    const one = await startServer(loadConfig(env.env));
    // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as it was, on the prototype
    const xrange = Redis.prototype.xrange;
    try {
      const appOne = buildApp(one.container);
      const owner = await loginCookie(appOne);
      const frank = await createUser(appOne, one.container, 'frank');
      const socket = connect(`http://127.0.0.1:${one.port}`, {
        path: '/socket.io',
        transports: ['websocket'],
        reconnectionDelay: 100,
        reconnectionDelayMax: 100,
        extraHeaders: { cookie: frank.cookie },
      });
      clients.push(socket);
      const ready = new Promise<void>((resolve) => socket.once('realtime.ready', () => resolve()));
      await connected(socket);
      await ready;
      const updates = collect(socket, 'request.updated');
      expect(owner).toBeTruthy();

      let armed = true;
      Redis.prototype.xrange = function (this: Redis, ...args: unknown[]) {
        const reply = (xrange as (...a: unknown[]) => Promise<unknown>).apply(this, args);
        if (!armed || args[2] !== '+') return reply;
        armed = false;
        one.container.events.publish('request.updated', update(frank.id, 41));
        return reply.then(async (entries) => {
          await new Promise((r) => setTimeout(r, 200));
          return entries;
        });
      } as typeof xrange;

      const reconnected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.io.engine.close();
      await reconnected;
      expect(armed).toBe(false);
      expect(socket.recovered).toBe(true);
      await waitFor(() => updates.some((u) => u.requestId === 41), 5_000).catch(() => undefined);
      expect(updates.map((u) => u.requestId)).toContain(41);
      socket.disconnect();
    } finally {
      Redis.prototype.xrange = xrange;
      await one.stop();
      await env.cleanup();
    }
  });

  it('a socket gets events in stream order: an earlier event of another process before a later one of its own', async () => {
    // A client recovers from the last event it got, so a later event that overtakes an earlier one is a loss
    // waiting for a disconnect. Forced here by holding each stream reader's answer that carries the other
    // process's event while this process emits its own.
    // The event's JSON sits in a stream field, so it reads escaped in the stringified reply.
    const carriesHeld = (reply: unknown) => JSON.stringify(reply ?? null).includes('\\"requestId\\":61,');
    const restore = holdStreamReads(async (reply) => {
      if (carriesHeld(reply)) await new Promise((r) => setTimeout(r, 300));
    });
    const env = await prepareTestEnv({ PROMETHEUS_ENABLED: 'false' }, 'services');
    const one = await startServer(loadConfig(env.env));
    const two = await startServer(loadConfig(env.env));
    const reader = new Redis(env.env.REDIS_URL!);
    try {
      const { member: gina, socket, updates } = await memberWatchingUpdates(one, 'gina');

      two.container.events.publish('request.updated', update(gina.id, 61));
      // In the stream before this process emits its own.
      const stream = `${env.env.REDIS_KEY_PREFIX ?? ''}socket.io`;
      await waitFor(async () => carriesHeld(await reader.xrevrange(stream, '+', '-', 'COUNT', 5)), 5_000, 5);
      one.container.events.publish('request.updated', update(gina.id, 62));

      await waitFor(() => updates.length >= 2, 5_000);
      expect(updates.map((u) => u.requestId)).toEqual([61, 62]);
      socket.disconnect();
    } finally {
      restore();
      reader.disconnect();
      await two.stop();
      await one.stop();
      await env.cleanup();
    }
  });

  it("a process's own event still reaches its sockets while its stream reader is stalled", async () => {
    // Own events wait for the stream reader (the test above); a reader that is not reading (Redis slow to
    // answer it, or not started yet) must not hold them back for good.
    let stalled = false;
    const restore = holdStreamReads(async () => {
      while (stalled) await new Promise((r) => setTimeout(r, 20));
    });
    const env = await prepareTestEnv({ PROMETHEUS_ENABLED: 'false' }, 'services');
    const one = await startServer(loadConfig(env.env));
    try {
      const { member: hana, socket, updates } = await memberWatchingUpdates(one, 'hana');

      stalled = true;
      one.container.events.publish('request.updated', update(hana.id, 71));
      await waitFor(() => updates.length >= 1, 5_000).catch(() => undefined);
      expect(updates.map((u) => u.requestId)).toEqual([71]);
      socket.disconnect();
    } finally {
      stalled = false;
      restore();
      await one.stop();
      await env.cleanup();
    }
  });

  it('a role change or a disable made on one process reaches the sockets on another', async () => {
    // Two web processes sharing one PostgreSQL and one Redis (their own, in either test project).
    const env = await prepareTestEnv({ PROMETHEUS_ENABLED: 'false' }, 'services');
    const one = await startServer(loadConfig(env.env));
    const two = await startServer(loadConfig(env.env));
    try {
      const appOne = buildApp(one.container);
      const owner = await loginCookie(appOne);
      const erin = await createUser(appOne, one.container, 'erin', { role: 'admin' });
      const onTwo = open(erin.cookie, `http://127.0.0.1:${two.port}`);
      await connected(onTwo);
      expect(await receivesAdminEvents(onTwo, two.container.events, erin.id)).toBe(true);

      expect((await request(appOne).patch(`/api/v1/admin/users/${erin.id}`).set('Cookie', owner).send({ role: 'user' })).status).toBe(200);
      await waitFor(async () => !(await receivesAdminEvents(onTwo, two.container.events, erin.id)), 10_000);
      expect(onTwo.connected).toBe(true);

      const closed = new Promise<string>((resolve) => onTwo.once('disconnect', resolve));
      expect((await request(appOne).patch(`/api/v1/admin/users/${erin.id}`).set('Cookie', owner).send({ enabled: false })).status).toBe(
        200,
      );
      expect(await closed).toBe('io server disconnect');
    } finally {
      await two.stop();
      await one.stop();
      await env.cleanup();
    }
  });
});
