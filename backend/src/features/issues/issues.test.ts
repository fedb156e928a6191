import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineBackgroundJobs } from '../../background-jobs';
import { createJobQueue } from '../../jobs/create-job-queue';
import type { DomainEvents } from '../../realtime/events';
import { createUser } from '../../../test/auth-helpers';
import { createTestApp, type TestApp } from '../../../test/context';
import { Permission } from '../../../test/fakes/fake-overseerr';
import { FAKE_WEBHOOK_SECRET, listen, startUpstreams, type Upstreams } from '../../../test/fakes/upstreams';
import { startInMemoryTracing, type InMemoryTracing } from '../../../test/in-memory-tracing';
import { waitFor } from '../../../test/tcp-proxy';
import { probeTargets } from '../monitoring/service-probes';

let tracing: InMemoryTracing;
let up: Upstreams;
let t: TestApp;
let server: { url: string; close(): Promise<void> };
let alice: { id: string; cookie: string };
let carol: { id: string; cookie: string };
const pushed: DomainEvents['issue.updated'][] = [];

beforeAll(async () => {
  // Traced like production, so a failed call has a trace id to hand to the owner.
  tracing = startInMemoryTracing();
  up = await startUpstreams();
  t = await createTestApp(up.env);
  server = await listen(t.app);
  up.overseerr.setWebhook(`${server.url}/api/v1/webhooks/overseerr`, FAKE_WEBHOOK_SECRET);
  // Overseerr users 2 (alice) and 3 (carol), matched by e-mail; new Overseerr users may only request.
  alice = await createUser(t.app, t.container, 'alice', { email: 'alice@example.com' });
  carol = await createUser(t.app, t.container, 'carol', { email: 'carol@example.com' });
  t.container.events.subscribe('issue.updated', (e) => pushed.push(e));
});

afterAll(async () => {
  await server?.close();
  await t?.cleanup();
  await up?.stop();
  await tracing?.shutdown();
});

const report = (cookie: string, body: Record<string, unknown>) => request(t.app).post('/api/v1/issues').set('Cookie', cookie).send(body);
const AUDIO = { mediaType: 'movie', tmdbId: 603, issueType: 'audio', message: 'The audio drifts out of sync after about 20 minutes.' };

function grantReportIssues(email: string): void {
  up.overseerr.setPermissions(up.overseerr.userId(email), Permission.REQUEST | Permission.CREATE_ISSUES);
}

describe('problem reports', () => {
  it('tells a member Overseerr does not let report problems to ask for the "Report Issues" permission', async () => {
    const refused = await report(alice.cookie, AUDIO);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('PERMISSION_MISSING');
    expect(refused.body.error.message).toMatch(
      /ask the server owner to give you the "Report Issues" permission \(CREATE_ISSUES\) in Overseerr/i,
    );
    const list = await request(t.app).get('/api/v1/issues').set('Cookie', alice.cookie);
    expect(list.body).toEqual({ issues: [], canReport: false });
  });

  it("files the report in Overseerr as the member, with Plex and Overseerr's status and their latest failed calls with trace ids", async () => {
    grantReportIssues('alice@example.com');
    await t.container.serviceStatus.checkAll(probeTargets({ plex: t.container.plex, overseerr: t.container.overseerr }, []));
    // A call that failed for alice a moment ago: Overseerr cannot load a title (it answers 500 for an unknown id).
    const failed = await request(t.app).get('/api/v1/media/movie/999999').set('Cookie', alice.cookie);
    expect(failed.status).toBe(503);
    const requestId = failed.headers['x-request-id'] as string;
    const traceId = tracing
      .spans()
      .filter((s) => s.name === 'GET /api/v1/media/:type/:tmdbId')
      .at(-1)!
      .spanContext().traceId;

    const res = await report(alice.cookie, AUDIO);
    expect(res.status).toBe(201);
    const issue = res.body.issue;
    expect(issue).toMatchObject({ mediaType: 'movie', tmdbId: 603, title: 'The Matrix', issueType: 'audio', status: 'open', season: null });
    expect(issue.comments).toHaveLength(1);
    expect(issue.comments[0]).toMatchObject({ author: 'alice', mine: true });

    // In Overseerr it is alice's own issue (X-API-User), type AUDIO, on Overseerr's media id of The Matrix.
    const filed = up.overseerr.issue(issue.id)!;
    expect(filed).toMatchObject({ createdBy: up.overseerr.userId('alice@example.com'), issueType: 2, mediaKey: 'movie:603' });
    const said = filed.comments[0]!.message;
    // MediaNest's block first, the member's words after it.
    expect(said.startsWith('-- Reported through MediaNest by alice --\n')).toBe(true);
    expect(said.endsWith(`-- alice wrote --\n${AUDIO.message}`)).toBe(true);
    expect(said).toMatch(/Plex: up, \d+ ms, checked /);
    expect(said).toMatch(/Overseerr: up, \d+ ms, checked /);
    expect(said).toContain(`GET /api/v1/media/:type/:tmdbId → 503 (trace ${traceId}, request ${requestId})`);
    // Nothing of another member's calls, and no secret.
    expect(said).not.toContain(up.overseerr.apiKey);
  });

  it('refuses what cannot be reported: a title not in Plex, a season of a movie, an unknown kind of problem', async () => {
    const notInPlex = await report(alice.cookie, { ...AUDIO, tmdbId: 155 });
    expect(notInPlex.status).toBe(409);
    expect(notInPlex.body.error.details.reason).toBe('NOT_AVAILABLE');
    const season = await report(alice.cookie, { ...AUDIO, season: 1 });
    expect(season.status).toBe(400);
    const kind = await report(alice.cookie, { ...AUDIO, issueType: 'smell' });
    expect(kind.status).toBe(400);
    expect(JSON.stringify(kind.body.error)).toMatch(/issueType/);
    const empty = await report(alice.cookie, { ...AUDIO, message: '   ' });
    expect(empty.status).toBe(400);
  });

  it("lists only the member's own reports, with comments both ways, and pushes Overseerr's comment and resolution to them live", async () => {
    grantReportIssues('carol@example.com');
    const show = await report(carol.cookie, {
      mediaType: 'tv',
      tmdbId: 95396,
      issueType: 'subtitles',
      message: 'English subtitles are missing.',
      season: 1,
      episode: 2,
    });
    expect(show.status).toBe(201);
    expect(show.body.issue).toMatchObject({ title: 'Severance', season: 1, episode: 2, issueType: 'subtitles' });
    expect(up.overseerr.issue(show.body.issue.id as number)).toMatchObject({ problemSeason: 1, problemEpisode: 2, issueType: 3 });

    const mine = await request(t.app).get('/api/v1/issues').set('Cookie', alice.cookie);
    expect(mine.body.canReport).toBe(true);
    expect(mine.body.issues.map((i: { title: string }) => i.title)).toEqual(['The Matrix']);
    const aliceIssue = mine.body.issues[0].id as number;
    // Someone else's report, or one that does not exist, is not there for carol (and Overseerr is not asked about it).
    const calls = up.overseerr.requests.length;
    expect((await request(t.app).get(`/api/v1/issues/${aliceIssue}`).set('Cookie', carol.cookie)).status).toBe(404);
    expect((await request(t.app).get('/api/v1/issues/424242').set('Cookie', carol.cookie)).status).toBe(404);
    const commentOnTheirs = await request(t.app)
      .post(`/api/v1/issues/${aliceIssue}/comments`)
      .set('Cookie', carol.cookie)
      .send({ message: 'Me too' });
    expect(commentOnTheirs.status).toBe(404);
    expect(up.overseerr.requests.slice(calls).filter((r) => /^\/api\/v1\/issue\/\d+/.test(r.path))).toEqual([]);

    const commented = await request(t.app)
      .post(`/api/v1/issues/${aliceIssue}/comments`)
      .set('Cookie', alice.cookie)
      .send({ message: 'It happens on the TV app too.' });
    expect(commented.status).toBe(200);
    expect(commented.body.issue.comments.map((c: { message: string }) => c.message).at(-1)).toBe('It happens on the TV app too.');
    expect(up.overseerr.issue(aliceIssue)!.comments.at(-1)).toMatchObject({ userId: up.overseerr.userId('alice@example.com') });

    // The owner answers and resolves it in Overseerr; the webhooks reach alice at once.
    pushed.length = 0;
    expect(await up.overseerr.commentOnIssue(aliceIssue, 'Replaced the file, try again.')).toBe(200);
    expect(await up.overseerr.resolveIssue(aliceIssue)).toBe(200);
    expect(pushed).toEqual([
      {
        issueId: aliceIssue,
        userId: alice.id,
        title: 'The Matrix',
        change: 'comment',
        status: 'open',
        comment: { author: 'owner', message: 'Replaced the file, try again.' },
      },
      { issueId: aliceIssue, userId: alice.id, title: 'The Matrix', change: 'resolved', status: 'resolved', comment: null },
    ]);
    const resolved = await request(t.app).get(`/api/v1/issues/${aliceIssue}`).set('Cookie', alice.cookie);
    expect(resolved.body.issue).toMatchObject({ status: 'resolved', resolvedBy: 'owner' });
    expect(resolved.body.issue.comments.map((c: { author: string; mine: boolean }) => [c.author, c.mine])).toEqual([
      ['alice', true],
      ['alice', true],
      ['owner', false],
    ]);

    // Reopened: back to open, also live. An issue not reported through MediaNest is acknowledged and ignored.
    expect(await up.overseerr.reopenIssue(aliceIssue)).toBe(200);
    expect(pushed.at(-1)).toMatchObject({ change: 'reopened', status: 'open' });
    const stranger = await up.overseerr.sendWebhook({
      ...up.overseerr.issueWebhookPayload('ISSUE_RESOLVED', aliceIssue),
      issue: { issue_id: '9999' },
    });
    expect(stranger).toBe(200);
    expect(pushed).toHaveLength(3);
  });

  it('reconciles by polling: a comment whose webhook Seerr lost reaches the member after the issue-sync run, their own echoed comment never does', async () => {
    const aliceIssue = (await request(t.app).get('/api/v1/issues').set('Cookie', alice.cookie)).body.issues[0].id as number;
    pushed.length = 0;
    // Alice's own comment: Seerr echoes it as ISSUE_COMMENT, which must not come back to her as news.
    const echoes = up.overseerr.webhookResults.length;
    const own = await request(t.app)
      .post(`/api/v1/issues/${aliceIssue}/comments`)
      .set('Cookie', alice.cookie)
      .send({ message: 'Still out of sync on my phone.' });
    expect(own.status).toBe(200);
    expect(up.overseerr.webhookResults.slice(echoes)).toEqual([{ type: 'ISSUE_COMMENT', status: 200 }]);
    expect(pushed).toEqual([]);

    // The owner answers, and Seerr never sends that ISSUE_COMMENT (it read the comment before saving it).
    up.overseerr.issueCommentLoss.lose(up.overseerr.issueCommentLoss.count + 1);
    expect(await up.overseerr.commentOnIssue(aliceIssue, 'Which phone app version?')).toBeUndefined();
    expect(pushed).toEqual([]);

    // The issue-sync job reads the report and tells alice, once.
    const jobs = createJobQueue(t.config, t.container.redis);
    try {
      expect(defineBackgroundJobs({ ...t.container, jobs })).toContain('issue-sync');
      await jobs.start({ process: true });
      await waitFor(() => pushed.length > 0, 15_000);
    } finally {
      await jobs.close(2_000);
    }
    const answer = { issueId: aliceIssue, userId: alice.id, title: 'The Matrix', change: 'comment', status: 'open' };
    expect(pushed).toEqual([{ ...answer, comment: { author: 'owner', message: 'Which phone app version?' } }]);
    expect(await t.container.issues.reconcileRecent()).toMatchObject({ changed: 0 });
    expect(pushed).toHaveLength(1);

    // Resolved in Overseerr with no webhook at all: the next run says so, once; a late webhook adds nothing.
    Object.assign(up.overseerr.issue(aliceIssue)!, { status: 2, modifiedBy: 1 });
    expect(await t.container.issues.reconcileRecent()).toMatchObject({ changed: 1 });
    expect(pushed.at(-1)).toMatchObject({ change: 'resolved', status: 'resolved', comment: null });
    await up.overseerr.sendWebhook(up.overseerr.issueWebhookPayload('ISSUE_RESOLVED', aliceIssue));
    expect(pushed).toHaveLength(2);
    const shown = await request(t.app).get(`/api/v1/issues/${aliceIssue}`).set('Cookie', alice.cookie);
    expect(shown.body.issue.status).toBe('resolved');
  });

  it("lists, opens and answers reports filed in Overseerr itself, only the member's own even when they may view everyone's", async () => {
    const fileInOverseerr = async (email: string, mediaId: number, message: string) => {
      const res = await fetch(`${up.overseerr.url}/api/v1/issue`, {
        method: 'POST',
        headers: { 'X-Api-Key': up.overseerr.apiKey, 'X-API-User': String(up.overseerr.userId(email)), 'Content-Type': 'application/json' },
        body: JSON.stringify({ issueType: 1, message, mediaId }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { id: number }).id;
    };
    // Alice may see every issue in Overseerr (VIEW_ISSUES): its list then carries carol's too.
    up.overseerr.setPermissions(
      up.overseerr.userId('alice@example.com'),
      Permission.REQUEST | Permission.CREATE_ISSUES | Permission.VIEW_ISSUES,
    );
    const carols = await fileInOverseerr('carol@example.com', 12, 'Stutters in the lobby scene.');
    const alices = await fileInOverseerr('alice@example.com', 20, 'Episode 3 is the wrong language.');

    const mine = await request(t.app).get('/api/v1/issues').set('Cookie', alice.cookie);
    expect(mine.status).toBe(200);
    const ids = mine.body.issues.map((i: { id: number }) => i.id);
    expect(ids).toContain(alices);
    expect(ids).not.toContain(carols);
    expect(mine.body.issues.find((i: { id: number }) => i.id === alices)).toMatchObject({ title: 'Severance', status: 'open' });
    // Overseerr refuses a user filter it does not declare; MediaNest never sends one.
    expect(up.overseerr.requestsTo('/api/v1/issue', 'GET').filter((r) => 'createdBy' in r.query)).toEqual([]);

    const page = await request(t.app).get(`/api/v1/issues/${alices}`).set('Cookie', alice.cookie);
    expect(page.status).toBe(200);
    expect(page.body.issue.comments.map((c: { message: string }) => c.message)).toEqual(['Episode 3 is the wrong language.']);
    const reply = await request(t.app).post(`/api/v1/issues/${alices}/comments`).set('Cookie', alice.cookie).send({ message: 'Season 1.' });
    expect(reply.status).toBe(200);
    expect((await request(t.app).get(`/api/v1/issues/${carols}`).set('Cookie', alice.cookie)).status).toBe(404);

    // Resolved by the owner: the report page names them like the list, though Overseerr's GET /issue/{id} does not say.
    await up.overseerr.resolveIssue(alices, 1);
    const listed = await request(t.app).get('/api/v1/issues').set('Cookie', alice.cookie);
    expect(listed.body.issues.find((i: { id: number }) => i.id === alices)).toMatchObject({ status: 'resolved', resolvedBy: 'owner' });
    const resolved = await request(t.app).get(`/api/v1/issues/${alices}`).set('Cookie', alice.cookie);
    expect(resolved.body.issue).toMatchObject({ status: 'resolved', resolvedBy: 'owner' });
  });
});
