/**
 * The watchlist-sync job: while the owner's switch is on, each new title on an opted-in member's
 * Plex watchlist is requested once (across runs and replicas), within the member's quota; Overseerr's
 * refusals are recorded and not asked again; the member is notified of what was requested for them.
 */
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineBackgroundJobs, startBackgroundJobs } from '../../background-jobs';
import { createContainer, type Container } from '../../container';
import { notificationDeliveries, users, watchlistRequests } from '../../db/schema';
import { InProcessJobQueue } from '../../jobs/in-process-queue';
import { createUser, loginCookie } from '../../../test/auth-helpers';
import { createTestApp, testMode, type TestApp } from '../../../test/context';
import { startUpstreams, type Upstreams } from '../../../test/fakes/upstreams';
import { HttpReceivers, RECEIVER_SECRETS } from '../../../test/receivers/notification-receivers';
import { waitFor } from '../../../test/tcp-proxy';
import { createWatchlist } from './create-watchlist';

const ALICE_TOKEN = 'plex-user-token-alice-Au72hx';
const CAROL_TOKEN = 'plex-user-token-carol-Cq19vb';

let up: Upstreams;
let t: TestApp;
let hooks: HttpReceivers;
let admin: string;
let alice: { id: string; cookie: string };
let carol: { id: string; cookie: string };
let second: Container | undefined;

const asked = () => up.overseerr.requestsTo('/api/v1/request', 'POST').map((r) => (r.body as { mediaId: number }).mediaId);
const recorded = async (userId: string) =>
  (await t.container.database.db.select().from(watchlistRequests).where(eq(watchlistRequests.userId, userId)))
    .map((r) => `${r.title}: ${r.outcome}${r.reason ? ` (${r.reason})` : ''}`)
    .sort();

beforeAll(async () => {
  hooks = new HttpReceivers(RECEIVER_SECRETS.signingSecret);
  await hooks.start();
  up = await startUpstreams();
  t = await createTestApp({ ...up.env, WATCHLIST_SYNC_INTERVAL_SECONDS: '3600', NOTIFICATIONS_RETRY_BASE_MS: '100' });
  await startBackgroundJobs(t.container, 'all');
  admin = await loginCookie(t.app);
  // Alice and carol signed in with Plex (their tokens kept); carol's Plex account is matched in Overseerr by e-mail.
  alice = await createUser(t.app, t.container, 'alice', { email: 'alice@example.com', plexId: String(up.plexTv.accountId('alice')) });
  carol = await createUser(t.app, t.container, 'carol', { email: 'carol@example.com', plexId: String(up.plexTv.accountId('mallory')) });
  up.plexTv.addAccount(ALICE_TOKEN, 'alice', [], up.plex.machineIdentifier);
  up.plexTv.addAccount(CAROL_TOKEN, 'mallory', [], up.plex.machineIdentifier);
  await t.container.watchlist.tokens.save(alice.id, String(up.plexTv.accountId('alice')), ALICE_TOKEN);
  await t.container.watchlist.tokens.save(carol.id, String(up.plexTv.accountId('mallory')), CAROL_TOKEN);
  up.plexTv.setWatchlist(ALICE_TOKEN, ['inception', 'the-matrix', 'game-of-thrones']);
  up.plexTv.setWatchlist(CAROL_TOKEN, ['fight-club', 'the-dark-knight']);

  // Alice hears about requests made for her on Discord.
  const channel = await request(t.app)
    .post('/api/v1/admin/notifications/channels')
    .set('Cookie', admin)
    .send({
      name: 'Discord',
      kind: 'discord',
      settings: {},
      secrets: { webhookUrl: `${hooks.url}/discord/api/webhooks/1/${RECEIVER_SECRETS.discordToken}` },
    });
  await request(t.app)
    .patch(`/api/v1/notifications/preferences/${channel.body.channel.id}`)
    .set('Cookie', alice.cookie)
    .send({ events: ['watchlist.requested'], address: null });
});

afterAll(async () => {
  await second?.close();
  await t?.cleanup();
  await up?.stop();
  await hooks?.stop();
});

describe('automatic requests from watchlists', () => {
  it('requests nothing while the owner has not turned them on, or for members who did not opt in', async () => {
    expect(await t.container.watchlist.autoRequests.run()).toEqual({ members: 0, requested: 0, refused: 0 });
    await request(t.app).patch('/api/v1/admin/watchlist').set('Cookie', admin).send({ autoRequest: true });
    expect(await t.container.watchlist.autoRequests.run()).toEqual({ members: 0, requested: 0, refused: 0 });
    expect(asked()).toEqual([]);
  });

  it('requests each new title once, however many runs and replicas check the watchlist', async () => {
    const optIn = await request(t.app).patch('/api/v1/watchlist/auto-request').set('Cookie', alice.cookie).send({ enabled: true });
    expect(optIn.body).toEqual({ offered: true, enabled: true });
    // A second replica on the same database, running at the same time (embedded: a second runner in this process).
    if (testMode === 'services') {
      second = await createContainer(t.config);
      await startBackgroundJobs(second, 'web');
    }
    const other =
      second?.watchlist.autoRequests ??
      createWatchlist({ ...t.container, tokens: t.container.watchlist.tokens, notifier: t.container.notifications.planner }).autoRequests;
    const runs = await Promise.all([t.container.watchlist.autoRequests.run(), other.run()]);
    // (With Redis the job itself may run once more meanwhile: whoever runs it, each title is asked for once.)
    expect(runs.reduce((n, r) => n + r.requested, 0)).toBeLessThanOrEqual(2);
    expect((await t.container.watchlist.autoRequests.run()).requested).toBe(0);
    expect(asked().sort()).toEqual([1399, 27205]);
    expect(await recorded(alice.id)).toEqual(['Game of Thrones: requested', 'Inception: requested']);
    const mine = await request(t.app).get('/api/v1/media/requests').set('Cookie', alice.cookie);
    expect(mine.body.requests.map((r: { title: string }) => r.title).sort()).toEqual(['Game of Thrones', 'Inception']);
  });

  it('tells the member what it requested for them', async () => {
    await waitFor(() => hooks.of('discord').length >= 2, 10_000);
    const said = hooks.of('discord').map((h) => JSON.stringify(h.body));
    expect(said.some((s) => s.includes('Requested from your watchlist') && s.includes('Inception'))).toBe(true);
    const rows = await t.container.database.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.userId, alice.id));
    expect(rows.map((r) => r.event)).toEqual(['watchlist.requested', 'watchlist.requested']);
  });

  it('stays within the quota, and requests the rest once it frees up', async () => {
    const carolId = up.overseerr.userId('carol@example.com');
    up.overseerr.setQuota(carolId, 'movie', { limit: 1, days: 7 });
    await request(t.app).patch('/api/v1/watchlist/auto-request').set('Cookie', carol.cookie).send({ enabled: true });
    await t.container.watchlist.autoRequests.run();
    expect(await recorded(carol.id)).toEqual(['Fight Club: requested']);
    up.overseerr.setQuota(carolId, 'movie', { limit: 5, days: 7 });
    await t.container.cache.delete(`overseerr:quota:${carol.id}`); // the member's quota, as read a minute later
    await t.container.watchlist.autoRequests.run();
    expect(await recorded(carol.id)).toEqual(['Fight Club: requested', 'The Dark Knight: requested']);
  });

  it("records Overseerr's refusals and does not ask again", async () => {
    // Carol may no longer request (403); a show blocklisted after Alice's watchlist was looked up answers 403 too (409 to us).
    up.overseerr.setPermissions(up.overseerr.userId('carol@example.com'), 0);
    up.plexTv.setWatchlist(CAROL_TOKEN, ['fight-club', 'the-dark-knight', 'the-matrix-revolutions']);
    up.plexTv.setWatchlist(ALICE_TOKEN, ['inception', 'the-matrix', 'game-of-thrones', 'severance']);
    for (const id of [alice.id, carol.id]) await t.container.cache.delete(`watchlist:${id}`);
    const aliceUser = (await t.container.users.findById(alice.id))!;
    await t.container.watchlist.service.read(aliceUser, await t.container.watchlist.tokens.find(alice.id));
    up.overseerr.setTitleStatus('tv', 95396, 6);
    const before = asked().length;
    expect((await t.container.watchlist.autoRequests.run()).refused).toBe(2);
    expect(await recorded(alice.id)).toContain('Severance: refused (blocklisted)');
    expect(await recorded(carol.id)).toContain('The Matrix Revolutions: refused (not_allowed)');
    expect(asked()).toHaveLength(before + 2);
    await t.container.watchlist.autoRequests.run();
    expect(asked()).toHaveLength(before + 2);
  });

  it('runs as the watchlist-sync job', () => {
    expect(defineBackgroundJobs({ ...t.container, jobs: new InProcessJobQueue() })).toContain('watchlist-sync');
  });

  it('skips members an administrator disabled', async () => {
    await t.container.database.db.update(users).set({ enabled: false }).where(eq(users.id, alice.id));
    const run = await t.container.watchlist.autoRequests.run();
    expect(run.members).toBe(1);
  });
});
