import { eq } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settings } from '../../db/schema';
import { CLIENT_IDENTIFIER_SETTING, resolvePlexClientIdentifier } from '../../integrations/plex-client-identifier';
import { createLogger, logger, setLogger } from '../../observability/logging/logger';
import { createTestApp, type TestApp } from '../../../test/context';
import { FAKE_OVERSEERR_API_KEY, FAKE_PLEX_TOKEN, startUpstreams, type Upstreams } from '../../../test/fakes/upstreams';
import { SESSION_COOKIE } from './sessions';

const ALICE_TOKEN = 'plex-user-token-alice-Zx81';
const MALLORY_TOKEN = 'plex-user-token-mallory-Qq42';

let up: Upstreams;
let t: TestApp;
const lines: string[] = [];
const previousLogger = logger();

beforeAll(async () => {
  setLogger(
    createLogger({ level: 'debug', version: 'test', environment: 'test', destination: { write: (s: string) => void lines.push(s) } }),
  );
  up = await startUpstreams();
  up.plexTv.addAccount(ALICE_TOKEN, 'alice', ['sharedServer', 'phone'], up.plex.machineIdentifier);
  // Mallory's only entry with this server's identifier is a phone, which does not provide "server".
  up.plexTv.addAccount(MALLORY_TOKEN, 'mallory', ['otherServer', 'phone'], up.plex.machineIdentifier);
  t = await createTestApp(up.env);
});

afterAll(async () => {
  setLogger(previousLogger);
  await t?.cleanup();
  await up?.stop();
});

async function startPin(agent = request.agent(t.app)) {
  const res = await agent.post('/api/v1/auth/plex/pin').set('X-Requested-With', 'XMLHttpRequest');
  expect(res.status).toBe(201);
  return { agent, pin: res.body as { id: number; code: string; authUrl: string; expiresAt: string }, res };
}

describe('Plex PIN sign-in', () => {
  it('creates a PIN with a stable client identifier and an app.plex.tv auth URL', async () => {
    const { pin, res } = await startPin();
    const [row] = await t.container.database.db.select().from(settings).where(eq(settings.key, CLIENT_IDENTIFIER_SETTING));
    const cid = row!.value;
    expect(pin.authUrl).toBe(
      `https://app.plex.tv/auth#?clientID=${encodeURIComponent(cid)}&code=${pin.code}&context%5Bdevice%5D%5Bproduct%5D=MediaNest`,
    );
    expect(pin.code).toHaveLength(25);
    expect(String(res.headers['set-cookie'])).toMatch(/medianest_plex_pin=.*HttpOnly/);

    const [sent] = up.plexTv.requestsTo('/api/v2/pins', 'POST').slice(-1);
    expect(sent!.query.strong).toBe('true');
    expect(sent!.headers['x-plex-client-identifier']).toBe(cid);
    expect(sent!.headers['x-plex-product']).toBe('MediaNest');
    expect(sent!.headers.accept).toBe('application/json');
    // The same identifier on every start.
    expect(await resolvePlexClientIdentifier(t.container.database, undefined)).toBe(cid);
    expect(await resolvePlexClientIdentifier(t.container.database, 'from-env')).toBe('from-env');
  });

  it('answers 202 while pending, then signs an authorized account in with a session cookie', async () => {
    const { agent, pin } = await startPin();
    const pending = await agent.post('/api/v1/auth/plex/verify').send({ id: pin.id });
    expect(pending.status).toBe(202);
    expect(pending.body.status).toBe('pending');

    up.plexTv.authorizePin(pin.id, ALICE_TOKEN);
    const done = await agent.post('/api/v1/auth/plex/verify').send({ id: pin.id });
    expect(done.status).toBe(200);
    expect(done.body.user).toMatchObject({ username: 'alice', email: 'alice@example.com', plexUsername: 'alice', role: 'user' });
    expect(JSON.stringify(done.body)).not.toContain(ALICE_TOKEN);
    const cookie = ([] as string[]).concat(done.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    expect(cookie).toBeDefined();

    const session = await request(t.app).get('/api/v1/auth/session').set('Cookie', cookie!.split(';')[0]!);
    expect(session.status).toBe(200);
    expect(session.body.user.username).toBe('alice');

    // The first sign-in created the row and linked the Overseerr user by Plex id.
    const user = await t.container.users.findByPlexId(String(up.plexTv.accountId('alice')));
    expect(user).toMatchObject({ username: 'alice', overseerrUserId: up.overseerr.userId('alice@example.com') });
    // plex.tv saw the user's token only in a header.
    const userCall = up.plexTv.requestsTo('/api/v2/user').at(-1)!;
    expect(userCall.headers['x-plex-token']).toBe(ALICE_TOKEN);
    expect(Object.values(userCall.query)).not.toContain(ALICE_TOKEN);

    // A PIN signs in once.
    const again = await agent.post('/api/v1/auth/plex/verify').send({ id: pin.id });
    expect(again.status).toBe(410);
  });

  it('answers 410 for an expired PIN', async () => {
    const { agent, pin } = await startPin();
    up.plexTv.expirePin(pin.id);
    const res = await agent.post('/api/v1/auth/plex/verify').send({ id: pin.id });
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('GONE');
  });

  it('refuses an account without access to the Plex server with 403', async () => {
    const { agent, pin } = await startPin();
    up.plexTv.authorizePin(pin.id, MALLORY_TOKEN);
    const res = await agent.post('/api/v1/auth/plex/verify').send({ id: pin.id });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/The Plex account mallory has no access to this Plex server/);
    expect(res.headers['set-cookie'] ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${SESSION_COOKIE}=`))]));
    expect(await t.container.users.findByPlexId(String(up.plexTv.accountId('mallory')))).toBeUndefined();
  });

  it('lets in an account an administrator enabled, and refuses it once disabled', async () => {
    const row = await t.container.users.create({ username: 'mallory', plexId: String(up.plexTv.accountId('mallory')), role: 'user' });
    const first = await startPin();
    up.plexTv.authorizePin(first.pin.id, MALLORY_TOKEN);
    const ok = await first.agent.post('/api/v1/auth/plex/verify').send({ id: first.pin.id });
    expect(ok.status).toBe(200);
    expect(ok.body.user.id).toBe(row.id);

    await t.container.users.update(row.id, { enabled: false });
    const second = await startPin();
    up.plexTv.authorizePin(second.pin.id, MALLORY_TOKEN);
    const refused = await second.agent.post('/api/v1/auth/plex/verify').send({ id: second.pin.id });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/disabled/);
  });

  it('does not let another browser claim a PIN', async () => {
    const { pin } = await startPin();
    up.plexTv.authorizePin(pin.id, ALICE_TOKEN);
    const res = await request(t.app).post('/api/v1/auth/plex/verify').send({ id: pin.id });
    expect(res.status).toBe(403);
  });

  it('rejects a malformed verify body with 400 and an unknown PIN with 410', async () => {
    const agent = request.agent(t.app);
    expect((await agent.post('/api/v1/auth/plex/verify').send({ id: 'abc' })).status).toBe(400);
    expect((await agent.post('/api/v1/auth/plex/verify').send({})).status).toBe(400);
    expect((await agent.post('/api/v1/auth/plex/verify').send({ id: 999 })).status).toBe(410);
  });

  it('answers 503 when plex.tv cannot be reached', async () => {
    up.plexTv.failWith(500);
    try {
      const res = await request(t.app).post('/api/v1/auth/plex/pin').set('X-Requested-With', 'XMLHttpRequest');
      expect(res.status).toBe(503);
      expect(res.body.error.message).toMatch(/^plex\.tv is unavailable right now/);
    } finally {
      up.plexTv.recover();
    }
  });

  it('never logs a Plex token or API key', () => {
    expect(lines.some((l) => l.includes('"event":"user.login.success"'))).toBe(true);
    for (const line of lines) {
      expect(line).not.toContain(ALICE_TOKEN);
      expect(line).not.toContain(MALLORY_TOKEN);
      expect(line).not.toContain(FAKE_PLEX_TOKEN);
      expect(line).not.toContain(FAKE_OVERSEERR_API_KEY);
    }
  });
});
