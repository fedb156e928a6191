/**
 * A fake Overseerr (API v1 and its webhook agent): status, search,
 * movie/tv details (500 for an unknown id, like sct/overseerr), requests
 * (create as the X-API-User, get, list, delete), users, and the webhook it
 * sends, rendered from the default template (every value a string).
 *
 * Test hooks move a request the way Overseerr would and send the matching
 * webhook to `setWebhook(url, authorization)`: `approve`, `decline`,
 * `markAvailable`, `failRequest`; `sendWebhook` posts any payload. Over HTTP:
 * `POST /__test/webhook {url, authorization}`, `POST /__test/requests/:id/:action`.
 *
 * Downloads: `startDownload`, `advanceDownload` and `finishDownload` move the
 * Radarr/Sonarr queue records Overseerr attaches to a media as
 * `downloadStatus` (one record per episode for TV, raw *arr strings for
 * `status` and `timeLeft`, sizes in bytes). Like Overseerr, `downloadStatus`
 * and `downloadStatus4k` are `[]` (never null) when nothing is queued, the
 * queue is cleared once the download is imported, and `ratingKey` appears on
 * the media when it becomes available. `POST /request/:id/retry` sends a
 * request to the *arr again (status APPROVED, media PROCESSING).
 *
 * Discover (fake-overseerr-discover.ts): trending, popular, upcoming and
 * genre lists, the genre slider, recommendations and similar titles, each
 * result with the fake's own `mediaInfo`; `discoverSeenBy` records who asked
 * (the X-API-User, or 1 for the bare API key).
 */
import moviesFixture from './fixtures/overseerr-movies.json';
import searchFixture from './fixtures/overseerr-search.json';
import statusFixture from './fixtures/overseerr-status.json';
import tvFixture from './fixtures/overseerr-tv.json';
import usersFixture from './fixtures/overseerr-users.json';
import { DiscoverCatalog, type DiscoverList } from './fake-overseerr-discover';
import { IssueCommentLoss } from './fake-overseerr-webhooks';
import { FakeHttpServer, json, postJson, type FakeRequest, type FakeResponse } from './fake-server';
import { admit, findRoute } from './overseerr-spec';

/** Seerr's MediaStatus names (1–7): BLOCKLISTED may not be requested; DELETED (gone from Plex) may be requested again. */
export const MEDIA_STATUS_NAMES = [
  '',
  'UNKNOWN',
  'PENDING',
  'PROCESSING',
  'PARTIALLY_AVAILABLE',
  'AVAILABLE',
  'BLOCKLISTED',
  'DELETED',
] as const;
export const Permission = {
  ADMIN: 2,
  MANAGE_USERS: 8,
  MANAGE_REQUESTS: 16,
  REQUEST: 32,
  AUTO_APPROVE: 128,
  REQUEST_4K: 1024,
  REQUEST_4K_MOVIE: 2048,
  REQUEST_4K_TV: 4096,
  MANAGE_ISSUES: 1_048_576,
  VIEW_ISSUES: 2_097_152,
  CREATE_ISSUES: 4_194_304,
};
const ISSUE_TYPE_NAMES = ['', 'VIDEO', 'AUDIO', 'SUBTITLES', 'OTHER'] as const;
const ISSUE_TYPE_WORDS = ['', 'Video', 'Audio', 'Subtitle', 'Other'] as const;
const DAY_MS = 86_400_000;

type MediaType = 'movie' | 'tv';
type FixtureUser = (typeof usersFixture)[number];

/** One Radarr/Sonarr queue record as Overseerr's download tracker keeps it. */
export interface FakeDownloadingItem {
  mediaType: MediaType;
  externalId: number;
  size: number;
  sizeLeft: number;
  status: string;
  timeLeft: string;
  estimatedCompletionTime: string | null;
  title: string;
  episode?: { seasonNumber: number; episodeNumber: number; absoluteEpisodeNumber: number; id: number; title: string };
}

interface MediaState {
  id: number;
  mediaType: MediaType;
  tmdbId: number;
  status: number;
  seasons: { seasonNumber: number; status: number }[];
  downloadStatus?: FakeDownloadingItem[];
  ratingKey?: string | null;
  mediaAddedAt?: string | null;
}

interface RequestState {
  id: number;
  status: number;
  type: MediaType;
  tmdbId: number;
  is4k: boolean;
  seasons: number[];
  requestedBy: number;
  modifiedBy: number | null;
  createdAt: string;
  updatedAt: string;
}

interface IssueComment {
  id: number;
  userId: number;
  message: string;
  createdAt: string;
  updatedAt: string;
}

interface IssueState {
  id: number;
  issueType: number;
  status: number;
  problemSeason: number;
  problemEpisode: number;
  mediaKey: string;
  createdBy: number;
  modifiedBy: number | null;
  comments: IssueComment[];
  createdAt: string;
  updatedAt: string;
}

/** A per-user quota override (Overseerr's movieQuotaLimit/Days, tvQuotaLimit/Days). */
export interface FakeQuota {
  limit: number;
  days: number;
}

export type IssueWebhookType = 'ISSUE_CREATED' | 'ISSUE_COMMENT' | 'ISSUE_RESOLVED' | 'ISSUE_REOPENED';

export type WebhookType =
  | 'MEDIA_PENDING'
  | 'MEDIA_APPROVED'
  | 'MEDIA_AUTO_APPROVED'
  | 'MEDIA_AVAILABLE'
  | 'MEDIA_DECLINED'
  | 'MEDIA_FAILED'
  | 'TEST_NOTIFICATION'
  | IssueWebhookType;

/** *arr's "HH:MM:SS" time left for `sizeLeft` bytes at 8 MB/s. */
function arrTimeLeft(sizeLeft: number): string {
  const seconds = Math.round(sizeLeft / 8_000_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

const FORBIDDEN = { status: 403, error: 'You do not have permission to access this endpoint' };

interface Details {
  title?: string;
  name?: string;
  releaseDate?: string;
  firstAirDate?: string;
  overview?: string;
  posterPath?: string | null;
  seasons?: { seasonNumber: number }[];
}

export class FakeOverseerr extends FakeHttpServer {
  private readonly media = new Map<string, MediaState>();
  private readonly requestsById = new Map<number, RequestState>();
  private readonly users: FixtureUser[] = usersFixture.map((u) => ({ ...u }));
  private nextRequestId = 40;
  private nextMediaId = 100;
  private nextIssueId = 7;
  private nextCommentId = 30;
  private readonly issuesById = new Map<number, IssueState>();
  private readonly quotas = new Map<string, FakeQuota>();
  private readonly catalog = new DiscoverCatalog();
  /** The Overseerr user each Discover, recommendations or similar call acted as, in order. */
  readonly discoverSeenBy: number[] = [];
  private webhook: { url: string; authorization?: string } | undefined;
  /**
   * Like Overseerr: notify MEDIA_PENDING / MEDIA_AUTO_APPROVED right after creating a request (`true`: not
   * waited for, so it may arrive before or after the 201); `'before-response'`: delivered before the 201 is sent.
   */
  notifyOnCreate: boolean | 'before-response' = false;
  /** ISSUE_COMMENT webhooks to lose, as Seerr sometimes does. */
  readonly issueCommentLoss = new IssueCommentLoss();
  /** What GET /api/v1/status answers (an upgrade changes `version`). */
  statusBody: { version: string; commitTag: string; [key: string]: unknown } = { ...statusFixture };
  /** Overseerr request ids retried through the API, in order. */
  readonly retried: number[] = [];
  readonly webhookResults: { type: WebhookType; status: number }[] = [];

  constructor(readonly apiKey: string) {
    super('Overseerr');
    for (const r of searchFixture) {
      const info = (r as { mediaInfo?: { id: number; status: number; seasons?: { seasonNumber: number; status: number }[] } }).mediaInfo;
      if (info && (r.mediaType === 'movie' || r.mediaType === 'tv')) {
        this.media.set(`${r.mediaType}:${r.id}`, {
          id: info.id,
          mediaType: r.mediaType,
          tmdbId: r.id,
          status: info.status,
          seasons: (info.seasons ?? []).map((s) => ({ seasonNumber: s.seasonNumber, status: s.status })),
        });
      }
    }

    for (const m of this.catalog.initialMedia) {
      this.media.set(`${m.mediaType}:${m.tmdbId}`, {
        id: m.id,
        mediaType: m.mediaType as MediaType,
        tmdbId: m.tmdbId,
        status: m.status,
        seasons: (m.seasons ?? []).map((s) => ({ ...s })),
        ratingKey: m.ratingKey ?? null,
      });
    }
    this.installDiscover();

    this.route('GET', '/api/v1/status', () => json(200, this.statusBody));
    this.api('GET', '/api/v1/search', (req) => {
      const q = req.query.query!;
      const page = Math.max(1, Number(req.query.page ?? 1));
      const matches = searchFixture.filter((r) => {
        const t = ((r as { title?: string }).title ?? (r as { name?: string }).name ?? '').toLowerCase();
        return t.includes(q.toLowerCase());
      });
      const results = matches.slice((page - 1) * 20, page * 20).map((r) => {
        const state = this.media.get(`${r.mediaType}:${r.id}`);
        const { mediaInfo: _fixtureInfo, ...rest } = r;
        return state ? { ...rest, mediaInfo: this.mediaInfo(state, false) } : rest;
      });
      return json(200, { page, totalPages: Math.max(1, Math.ceil(matches.length / 20)), totalResults: matches.length, results });
    });
    this.api('GET', '/api/v1/movie/:id', (req) => this.details('movie', Number(req.params.id)));
    this.api('GET', '/api/v1/tv/:id', (req) => this.details('tv', Number(req.params.id)));
    this.api('POST', '/api/v1/request', (req, actor) => this.createRequest(req, actor));
    this.api('GET', '/api/v1/request', (req, actor) => {
      const take = Number(req.query.take ?? 10);
      const skip = Number(req.query.skip ?? 0);
      // Without MANAGE_REQUESTS (or REQUEST_VIEW) a user sees only their own requests.
      const mayViewAll = (actor.permissions & (Permission.ADMIN | Permission.MANAGE_REQUESTS | 16_384)) !== 0;
      const requestedBy = mayViewAll ? (req.query.requestedBy ? Number(req.query.requestedBy) : undefined) : actor.id;
      const all = [...this.requestsById.values()]
        .filter((r) => requestedBy === undefined || r.requestedBy === requestedBy)
        .sort((a, b) => (req.query.sort === 'modified' ? b.updatedAt.localeCompare(a.updatedAt) : b.id - a.id));
      return json(200, {
        pageInfo: { pages: Math.ceil(all.length / take), pageSize: take, results: all.length, page: Math.ceil(skip / take) + 1 },
        results: all.slice(skip, skip + take).map((r) => this.requestBody(r)),
      });
    });
    this.api('GET', '/api/v1/request/:id', (req) => {
      const r = this.requestsById.get(Number(req.params.id));
      return r ? json(200, this.requestBody(r)) : json(404, { message: 'Request not found.' });
    });
    this.api('POST', '/api/v1/request/:id/retry', (req, actor) => {
      if ((actor.permissions & (Permission.ADMIN | Permission.MANAGE_REQUESTS)) === 0) return json(403, FORBIDDEN);
      const r = this.requestsById.get(Number(req.params.id));
      if (!r) return json(404, { message: 'Request not found.' });
      this.retried.push(r.id);
      r.status = 2;
      r.modifiedBy = actor.id;
      this.setMediaStatus(r, 3);
      return json(200, this.requestBody(r));
    });
    this.api('DELETE', '/api/v1/request/:id', (req) => {
      const r = this.requestsById.get(Number(req.params.id));
      if (!r) return json(404, { message: 'Request not found.' });
      this.requestsById.delete(r.id);
      const m = this.media.get(`${r.type}:${r.tmdbId}`);
      // Seerr resets the media only when no request for it is left at all (a declined one keeps it PENDING).
      if (m && m.status !== 5 && ![...this.requestsById.values()].some((o) => o.type === r.type && o.tmdbId === r.tmdbId)) m.status = 1;
      return { status: 204 };
    });
    this.api('GET', '/api/v1/user', (req, actor) => {
      const take = Number(req.query.take ?? 10);
      const skip = Number(req.query.skip ?? 0);
      const showFiltered = (actor.permissions & (Permission.ADMIN | Permission.MANAGE_USERS)) !== 0;
      return json(200, {
        pageInfo: {
          pages: Math.ceil(this.users.length / take),
          pageSize: take,
          results: this.users.length,
          page: Math.ceil(skip / take) + 1,
        },
        results: this.users.slice(skip, skip + take).map((u) => this.userBody(u, showFiltered)),
      });
    });

    this.api('GET', '/api/v1/user/:id/quota', (req, actor) => {
      const id = Number(req.params.id);
      const manages =
        (actor.permissions & Permission.ADMIN) !== 0 ||
        (actor.permissions & (Permission.MANAGE_USERS | Permission.MANAGE_REQUESTS)) ===
          (Permission.MANAGE_USERS | Permission.MANAGE_REQUESTS);
      if (id !== actor.id && !manages) return json(403, { message: "You do not have permission to view this user's request limits." });
      const user = this.users.find((u) => u.id === id);
      if (!user)
        return json(404, {
          message: `Could not find any entity of type "User" matching: {\n    "where": {\n        "id": ${id}\n    }\n}`,
        });
      return json(200, { movie: this.quotaOf(user, 'movie'), tv: this.quotaOf(user, 'tv') });
    });

    this.api('POST', '/api/v1/issue', (req, actor) => this.createIssue(req, actor));
    this.api('GET', '/api/v1/issue', (req, actor) => {
      const take = Number(req.query.take ?? 10);
      const skip = Number(req.query.skip ?? 0);
      const mayView = this.hasAny(actor, Permission.MANAGE_ISSUES | Permission.VIEW_ISSUES);
      if (!mayView && !this.hasAny(actor, Permission.CREATE_ISSUES)) return json(403, FORBIDDEN);
      // No user filter gets this far (the description has none); without VIEW/MANAGE_ISSUES a member sees only their own.
      const owner = mayView ? undefined : actor.id;
      const filter = req.query.filter;
      const all = [...this.issuesById.values()]
        .filter((i) => owner === undefined || i.createdBy === owner)
        .filter((i) => filter === 'all' || (filter === 'open' ? i.status === 1 : i.status === 2))
        .sort((a, b) => (req.query.sort === 'modified' ? b.updatedAt.localeCompare(a.updatedAt) || b.id - a.id : b.id - a.id));
      return json(200, {
        pageInfo: { pages: Math.ceil(all.length / take), pageSize: take, results: all.length, page: Math.ceil(skip / take) + 1 },
        // Seerr's list carries the comments without their authors, and who last changed the issue.
        results: all.slice(skip, skip + take).map((i) => this.issueBody(i, 'list')),
      });
    });
    this.api('GET', '/api/v1/issue/:id', (req, actor) => {
      if (!this.hasAny(actor, Permission.MANAGE_ISSUES | Permission.VIEW_ISSUES | Permission.CREATE_ISSUES)) return json(403, FORBIDDEN);
      const issue = this.issuesById.get(Number(req.params.id));
      // Overseerr answers 500 for an id it does not have.
      if (!issue) return json(500, { message: 'Issue not found.' });
      if (issue.createdBy !== actor.id && !this.hasAny(actor, Permission.MANAGE_ISSUES | Permission.VIEW_ISSUES))
        return json(403, FORBIDDEN);
      return json(200, this.issueBody(issue, 'single'));
    });
    this.api('POST', '/api/v1/issue/:id/comment', async (req, actor) => {
      if (!this.hasAny(actor, Permission.MANAGE_ISSUES | Permission.CREATE_ISSUES)) return json(403, FORBIDDEN);
      const issue = this.issuesById.get(Number(req.params.id));
      if (!issue) return json(404, { message: 'Issue not found.' });
      if (issue.createdBy !== actor.id && !this.hasAny(actor, Permission.MANAGE_ISSUES)) {
        return json(403, { message: 'You do not have permission to comment on this issue.' });
      }
      const message = (req.body as { message?: unknown } | undefined)?.message;
      if (typeof message !== 'string' || message === '')
        return json(400, { message: 'request.body should have required property message' });
      await this.addComment(issue, actor.id, message);
      return json(200, this.issueBody(issue, 'changed'));
    });
    this.api('POST', '/api/v1/issue/:id/:status', async (req, actor) => {
      if (!this.hasAny(actor, Permission.MANAGE_ISSUES | Permission.CREATE_ISSUES)) return json(403, FORBIDDEN);
      const issue = this.issuesById.get(Number(req.params.id));
      if (!issue) return json(404, { message: 'Issue not found.' });
      if (issue.createdBy !== actor.id && !this.hasAny(actor, Permission.MANAGE_ISSUES)) {
        return json(401, { message: 'You do not have permission to modify this issue.' });
      }
      if (req.params.status !== 'open' && req.params.status !== 'resolved') return json(400, { message: 'Bad status parameter.' });
      await this.setIssueStatus(issue, req.params.status === 'resolved' ? 2 : 1, actor.id);
      return json(200, this.issueBody(issue, 'changed'));
    });

    this.route('POST', '/__test/webhook', (req) => {
      const body = req.body as { url?: string; authorization?: string };
      if (!body?.url) return json(400, { message: 'url is required' });
      this.setWebhook(body.url, body.authorization);
      return json(200, { ok: true });
    });
    this.route('POST', '/__test/issues/:id/:action', async (req) => {
      const id = Number(req.params.id);
      if (!this.issuesById.has(id)) return json(404, { message: 'no such issue' });
      const body = req.body as { message?: string; by?: number } | undefined;
      const actions: Record<string, () => Promise<unknown>> = {
        comment: () => this.commentOnIssue(id, body?.message ?? 'Looking into it.', body?.by),
        resolve: () => this.resolveIssue(id, body?.by),
        reopen: () => this.reopenIssue(id, body?.by),
      };
      const action = actions[req.params.action!];
      if (!action) return json(400, { message: 'action must be comment, resolve or reopen' });
      await action();
      return json(200, { ok: true });
    });
    this.route('POST', '/__test/requests/:id/:action', async (req) => {
      const id = Number(req.params.id);
      const actions: Record<string, () => Promise<unknown>> = {
        approve: () => this.approve(id),
        decline: () => this.decline(id),
        available: () => this.markAvailable(id),
        fail: () => this.failRequest(id),
        'download-start': async () => this.startDownload(id),
        'download-progress': async () => this.advanceDownload(id, Number((req.body as { fraction?: number } | undefined)?.fraction ?? 0.5)),
        'download-done': async () => this.finishDownload(id),
      };
      const action = actions[req.params.action!];
      if (!action) {
        return json(400, {
          message: 'action must be approve, decline, available, fail, download-start, download-progress or download-done',
        });
      }
      await action();
      return json(200, { ok: true });
    });
  }

  /** Sets an Overseerr user's permission bits (what an admin does in Overseerr's user settings). */
  setPermissions(userId: number, permissions: number): void {
    const u = this.users.find((x) => x.id === userId);
    if (!u) throw new Error(`no Overseerr user ${userId}`);
    u.permissions = permissions;
  }

  /** Gives an Overseerr user a movie or TV quota (Overseerr's per-user override); `undefined` removes it. */
  setQuota(userId: number, mediaType: MediaType, quota: FakeQuota | undefined): void {
    if (quota) this.quotas.set(`${userId}:${mediaType}`, quota);
    else this.quotas.delete(`${userId}:${mediaType}`);
  }

  /** Sets a title's media status the way Seerr's own jobs do (7 DELETED: gone from Plex; 6 BLOCKLISTED), without a webhook. */
  setTitleStatus(mediaType: MediaType, tmdbId: number, status: number): void {
    const key = `${mediaType}:${tmdbId}`;
    const m = this.media.get(key) ?? { id: this.nextMediaId++, mediaType, tmdbId, status: 1, seasons: [] };
    m.status = status;
    if (status === 7) m.ratingKey = null;
    this.media.set(key, m);
  }

  /** Moves a request's creation `days` into the past (it stops counting against a quota of fewer days). */
  ageRequest(id: number, days: number): void {
    const r = this.mustGet(id);
    r.createdAt = new Date(Date.parse(r.createdAt) - days * DAY_MS).toISOString();
  }

  issue(id: number): IssueState | undefined {
    return this.issuesById.get(id);
  }

  /** Someone (Overseerr user `by`, the owner by default) comments on an issue: ISSUE_COMMENT is sent. */
  async commentOnIssue(id: number, message: string, by = 1): Promise<number | undefined> {
    return this.addComment(this.mustGetIssue(id), by, message);
  }

  /** The owner (or `by`) resolves an issue: ISSUE_RESOLVED is sent. */
  async resolveIssue(id: number, by = 1): Promise<number | undefined> {
    return this.setIssueStatus(this.mustGetIssue(id), 2, by);
  }

  async reopenIssue(id: number, by = 1): Promise<number | undefined> {
    return this.setIssueStatus(this.mustGetIssue(id), 1, by);
  }

  setWebhook(url: string, authorization?: string): void {
    this.webhook = { url, authorization };
  }

  userId(email: string): number {
    const u = this.users.find((x) => x.email === email);
    if (!u) throw new Error(`no Overseerr user ${email}`);
    return u.id;
  }

  request(id: number): RequestState | undefined {
    return this.requestsById.get(id);
  }

  /**
   * Approves a pending request as Overseerr user `by` (modifiedBy; the owner by default). Like Seerr,
   * MEDIA_APPROVED goes out BEFORE the media is updated (its `media.status` still "PENDING"), and only
   * once the webhook was answered does the media turn PROCESSING.
   */
  async approve(id: number, by = 1): Promise<number | undefined> {
    const r = this.mustGet(id);
    r.status = 2;
    r.modifiedBy = by;
    r.updatedAt = new Date().toISOString();
    const status = await this.notify('MEDIA_APPROVED', r);
    this.setMediaStatus(r, 3);
    return status;
  }

  async decline(id: number, by = 1): Promise<number | undefined> {
    const r = this.mustGet(id);
    r.status = 3;
    r.modifiedBy = by;
    this.setMediaStatus(r, 1);
    return this.notify('MEDIA_DECLINED', r);
  }

  /**
   * A library scan found the title: media → AVAILABLE with its Plex
   * `ratingKey`, the request COMPLETED, the download queue is empty,
   * MEDIA_AVAILABLE is sent.
   */
  async markAvailable(id: number, ratingKey = String(50_000 + id)): Promise<number | undefined> {
    const r = this.mustGet(id);
    // Seerr completes the request (5) once its media is available; it then no longer blocks a new request.
    r.status = 5;
    this.setMediaStatus(r, 5);
    const m = this.mediaOf(r);
    m.ratingKey = ratingKey;
    m.mediaAddedAt = new Date().toISOString();
    m.downloadStatus = [];
    return this.notify('MEDIA_AVAILABLE', r);
  }

  /**
   * Radarr/Sonarr grabbed a release: one queue record for a movie, one per
   * episode of each requested season for TV (`episodes` per season, 2 by
   * default), nothing downloaded yet. No webhook: Overseerr sends none for
   * downloads; it shows up in `downloadStatus` at its next download-sync.
   */
  startDownload(id: number, options: { size?: number; episodes?: number; estimatedCompletion?: boolean } = {}): void {
    const r = this.mustGet(id);
    const m = this.mediaOf(r);
    const size = options.size ?? (r.type === 'movie' ? 4_700_000_000 : 1_200_000_000);
    const name = (this.fixtureDetails(r.type, r.tmdbId)?.title ?? this.fixtureDetails(r.type, r.tmdbId)?.name ?? 'Release').replace(
      /[^A-Za-z0-9]+/g,
      '.',
    );
    const record = (title: string, episode?: FakeDownloadingItem['episode']): FakeDownloadingItem => ({
      mediaType: r.type,
      externalId: 700 + m.id,
      size,
      sizeLeft: size,
      status: 'downloading',
      timeLeft: arrTimeLeft(size),
      estimatedCompletionTime:
        options.estimatedCompletion === false ? null : new Date(Date.now() + (size / 8_000_000) * 1000).toISOString(),
      title,
      ...(episode ? { episode } : {}),
    });
    if (r.type === 'movie') {
      m.downloadStatus = [record(`${name}.2160p.WEB-DL.DDP5.1.x265-GROUP`)];
      return;
    }
    let absolute = 0;
    m.downloadStatus = r.seasons.flatMap((seasonNumber) =>
      Array.from({ length: options.episodes ?? 2 }, (_, i) => {
        absolute++;
        const tag = `S${String(seasonNumber).padStart(2, '0')}E${String(i + 1).padStart(2, '0')}`;
        return record(`${name}.${tag}.1080p.WEB.h264-GROUP`, {
          seasonNumber,
          episodeNumber: i + 1,
          absoluteEpisodeNumber: absolute,
          id: 9000 + seasonNumber * 100 + i + 1,
          title: `Episode ${i + 1}`,
        });
      }),
    );
  }

  /** Every queue record of the request is `fraction` (0–1) downloaded; the ETA and *arr's time left shrink with it. */
  advanceDownload(id: number, fraction: number): void {
    const m = this.mediaOf(this.mustGet(id));
    for (const item of m.downloadStatus ?? []) {
      item.sizeLeft = Math.round(item.size * (1 - Math.min(1, Math.max(0, fraction))));
      item.timeLeft = arrTimeLeft(item.sizeLeft);
      if (item.estimatedCompletionTime !== null)
        item.estimatedCompletionTime = new Date(Date.now() + (item.sizeLeft / 8_000_000) * 1000).toISOString();
      if (item.sizeLeft === 0) item.status = 'completed';
    }
  }

  /** The download was imported: the queue records are gone (`[]`), the media is not available until a library scan. */
  finishDownload(id: number): void {
    this.mediaOf(this.mustGet(id)).downloadStatus = [];
  }

  async failRequest(id: number): Promise<number | undefined> {
    const r = this.mustGet(id);
    r.status = 4;
    return this.notify('MEDIA_FAILED', r);
  }

  /** Changes a request without telling anyone (what a lost webhook looks like). */
  silentlySet(id: number, status: number, mediaStatus?: number): void {
    const r = this.mustGet(id);
    r.status = status;
    if (mediaStatus !== undefined) this.setMediaStatus(r, mediaStatus);
  }

  /**
   * The webhook body of an issue notification: `message` is the issue's first
   * comment, `comment` the latest one (ISSUE_COMMENT only), `request` null.
   */
  issueWebhookPayload(type: IssueWebhookType, issueId: number): Record<string, unknown> {
    const issue = this.mustGetIssue(issueId);
    const m = [...this.media.values()].find((x) => `${x.mediaType}:${x.tmdbId}` === issue.mediaKey)!;
    const d = this.fixtureDetails(m.mediaType, m.tmdbId)!;
    const reporter = this.users.find((u) => u.id === issue.createdBy)!;
    const last = issue.comments.at(-1);
    const commenter = last && this.users.find((u) => u.id === last.userId);
    const events: Record<IssueWebhookType, string> = {
      ISSUE_CREATED: `New ${ISSUE_TYPE_WORDS[issue.issueType]} Issue Reported`,
      ISSUE_COMMENT: `New Comment on ${ISSUE_TYPE_WORDS[issue.issueType]} Issue`,
      ISSUE_RESOLVED: `${ISSUE_TYPE_WORDS[issue.issueType]} Issue Resolved`,
      ISSUE_REOPENED: `${ISSUE_TYPE_WORDS[issue.issueType]} Issue Reopened`,
    };
    const date = d.releaseDate ?? d.firstAirDate ?? '';
    const extra: { name: string; value: string }[] = [];
    if (issue.problemSeason > 0) extra.push({ name: 'Affected Season', value: String(issue.problemSeason) });
    if (issue.problemEpisode > 0) extra.push({ name: 'Affected Episode', value: String(issue.problemEpisode) });
    return {
      notification_type: type,
      event: events[type],
      subject: `${d.title ?? d.name} (${date.slice(0, 4)})`,
      message: issue.comments[0]?.message ?? '',
      image: d.posterPath ? `https://image.tmdb.org/t/p/w600_and_h900_bestv2${d.posterPath}` : '',
      media: { media_type: m.mediaType, tmdbId: String(m.tmdbId), tvdbId: '', status: MEDIA_STATUS_NAMES[m.status], status4k: 'UNKNOWN' },
      request: null,
      issue: {
        issue_id: String(issue.id),
        issue_type: ISSUE_TYPE_NAMES[issue.issueType],
        issue_status: issue.status === 2 ? 'RESOLVED' : 'OPEN',
        reportedBy_email: reporter.email,
        reportedBy_username: reporter.displayName,
        reportedBy_avatar: reporter.avatar,
        reportedBy_settings_discordId: '',
        reportedBy_settings_telegramChatId: '',
      },
      comment:
        type === 'ISSUE_COMMENT' && last && commenter
          ? {
              comment_message: last.message,
              commentedBy_email: commenter.email,
              commentedBy_username: commenter.displayName,
              commentedBy_avatar: commenter.avatar,
              commentedBy_settings_discordId: '',
              commentedBy_settings_telegramChatId: '',
            }
          : null,
      extra,
    };
  }

  /** The webhook body Overseerr's default template renders for `type` (every value a string). */
  webhookPayload(type: Exclude<WebhookType, IssueWebhookType>, requestId?: number): Record<string, unknown> {
    if (type === 'TEST_NOTIFICATION' || requestId === undefined) {
      return {
        notification_type: 'TEST_NOTIFICATION',
        event: '',
        subject: 'Test Notification',
        message: 'Check check, 1, 2, 3. Are we coming in clear?',
        image: '',
        media: null,
        request: null,
        issue: null,
        comment: null,
        extra: [],
      };
    }
    const r = this.mustGet(requestId);
    const d = this.fixtureDetails(r.type, r.tmdbId)!;
    const m = this.media.get(`${r.type}:${r.tmdbId}`);
    const user = this.users.find((u) => u.id === r.requestedBy)!;
    const kind = r.type === 'movie' ? 'Movie' : 'Series';
    const events: Record<Exclude<WebhookType, 'TEST_NOTIFICATION' | IssueWebhookType>, string> = {
      MEDIA_PENDING: `New ${kind} Request`,
      MEDIA_APPROVED: `${kind} Request Approved`,
      MEDIA_AUTO_APPROVED: `${kind} Request Automatically Approved`,
      MEDIA_AVAILABLE: `${kind} Request Now Available`,
      MEDIA_DECLINED: `${kind} Request Declined`,
      MEDIA_FAILED: `${kind} Request Failed`,
    };
    const date = d.releaseDate ?? d.firstAirDate ?? '';
    return {
      notification_type: type,
      event: events[type],
      subject: `${d.title ?? d.name} (${date.slice(0, 4)})`,
      message: (d.overview ?? '').slice(0, 500),
      image: d.posterPath ? `https://image.tmdb.org/t/p/w600_and_h900_bestv2${d.posterPath}` : '',
      media: {
        media_type: r.type,
        tmdbId: String(r.tmdbId),
        tvdbId: '',
        status: MEDIA_STATUS_NAMES[m?.status ?? 1],
        status4k: 'UNKNOWN',
      },
      request: {
        request_id: String(r.id),
        requestedBy_email: user.email,
        requestedBy_username: user.displayName,
        requestedBy_avatar: user.avatar,
        requestedBy_settings_discordId: '',
        requestedBy_settings_telegramChatId: '',
      },
      issue: null,
      comment: null,
      extra: r.type === 'tv' ? [{ name: 'Requested Seasons', value: r.seasons.join(', ') }] : [],
    };
  }

  /** Posts a webhook the way Overseerr does (Authorization verbatim, no retries); resolves with the answer's status. */
  async sendWebhook(payload: unknown, target = this.webhook): Promise<number> {
    if (!target) throw new Error('no webhook target: call setWebhook(url, authorization) first');
    const res = await postJson(target.url, payload, target.authorization ? { Authorization: target.authorization } : {});
    return res.status;
  }

  private async notifyIssue(type: IssueWebhookType, issue: IssueState): Promise<number | undefined> {
    if (!this.webhook) return undefined;
    if (type === 'ISSUE_COMMENT' && this.issueCommentLoss.dropsNext()) return undefined;
    const status = await this.sendWebhook(this.issueWebhookPayload(type, issue.id));
    this.webhookResults.push({ type, status });
    return status;
  }

  private hasAny(actor: FixtureUser, bits: number): boolean {
    return (actor.permissions & (Permission.ADMIN | bits)) !== 0;
  }

  /**
   * Overseerr's getQuota: counted requests are not declined and made within
   * `days` (TV counts seasons); administrators and user managers bypass
   * quotas (limit 0); without a quota only `used` and `restricted` are sent.
   */
  private quotaOf(
    user: FixtureUser,
    type: MediaType,
  ): { days?: number; limit?: number; used: number; remaining?: number; restricted: boolean } {
    const bypass = (user.permissions & (Permission.ADMIN | Permission.MANAGE_USERS)) !== 0;
    const set = this.quotas.get(`${user.id}:${type}`);
    const since = Date.now() - (set?.days ?? 0) * DAY_MS;
    const used =
      set && !bypass
        ? [...this.requestsById.values()]
            .filter((r) => r.requestedBy === user.id && r.type === type && r.status !== 3 && Date.parse(r.createdAt) > since)
            .reduce((n, r) => n + (type === 'tv' ? r.seasons.length : 1), 0)
        : 0;
    // Seerr counts nothing without a limit; its answers: {limit: 0, …} for those who bypass, no limit at all otherwise.
    if (bypass) return { ...(set ? { days: set.days } : {}), limit: 0, used, restricted: false };
    if (!set) return { used, restricted: false };
    const remaining = Math.max(0, set.limit - used);
    return { days: set.days, limit: set.limit, used, remaining, restricted: remaining <= 0 };
  }

  private createIssue(req: FakeRequest, actor: FixtureUser): FakeResponse {
    if (!this.hasAny(actor, Permission.CREATE_ISSUES | Permission.MANAGE_ISSUES)) return json(403, FORBIDDEN);
    const body = req.body as
      { issueType?: number; message?: string; mediaId?: number; problemSeason?: number; problemEpisode?: number } | undefined;
    const media = [...this.media.values()].find((m) => m.id === body?.mediaId);
    if (!media) return json(404, { message: 'Media does not exist.' });
    const now = new Date().toISOString();
    const issue: IssueState = {
      id: this.nextIssueId++,
      issueType: body?.issueType ?? 4,
      status: 1,
      problemSeason: body?.problemSeason ?? 0,
      problemEpisode: body?.problemEpisode ?? 0,
      mediaKey: `${media.mediaType}:${media.tmdbId}`,
      createdBy: actor.id,
      modifiedBy: null,
      comments: [{ id: this.nextCommentId++, userId: actor.id, message: body?.message ?? '', createdAt: now, updatedAt: now }],
      createdAt: now,
      updatedAt: now,
    };
    this.issuesById.set(issue.id, issue);
    if (this.notifyOnCreate) void this.notifyIssue('ISSUE_CREATED', issue);
    // Overseerr answers 200 here (its API description says 201).
    return json(200, this.issueBody(issue, 'single'));
  }

  private async addComment(issue: IssueState, userId: number, message: string): Promise<number | undefined> {
    const now = new Date().toISOString();
    issue.comments.push({ id: this.nextCommentId++, userId, message, createdAt: now, updatedAt: now });
    issue.updatedAt = now;
    return this.notifyIssue('ISSUE_COMMENT', issue);
  }

  private async setIssueStatus(issue: IssueState, status: number, by: number): Promise<number | undefined> {
    issue.status = status;
    issue.modifiedBy = by;
    issue.updatedAt = new Date().toISOString();
    return this.notifyIssue(status === 2 ? 'ISSUE_RESOLVED' : 'ISSUE_REOPENED', issue);
  }

  private mustGetIssue(id: number): IssueState {
    const issue = this.issuesById.get(id);
    if (!issue) throw new Error(`no Overseerr issue ${id}`);
    return issue;
  }

  /**
   * An issue as Seerr serialises it, which depends on the answer: GET
   * /issue/{id} and the POST /issue answer (`single`) carry no `modifiedBy`
   * at all; the answers of a comment or status change (`changed`) and the
   * list do; the list's comments have no `user`.
   */
  private issueBody(issue: IssueState, kind: 'single' | 'changed' | 'list'): Record<string, unknown> {
    const m = this.media.get(issue.mediaKey)!;
    const person = (id: number | null) => {
      const u = id === null ? undefined : this.users.find((x) => x.id === id);
      return u ? this.userBody(u, true) : null;
    };
    return {
      id: issue.id,
      issueType: issue.issueType,
      status: issue.status,
      problemSeason: issue.problemSeason,
      problemEpisode: issue.problemEpisode,
      createdAt: issue.createdAt,
      updatedAt: issue.updatedAt,
      media: this.mediaBody(m),
      createdBy: person(issue.createdBy),
      ...(kind === 'single' ? {} : { modifiedBy: person(issue.modifiedBy) }),
      comments: issue.comments.map((c) => ({
        id: c.id,
        message: c.message,
        createdAt: c.createdAt,
        updatedAt: c.updatedAt,
        ...(kind === 'list' ? {} : { user: person(c.userId) }),
      })),
    };
  }

  private async notify(type: Exclude<WebhookType, IssueWebhookType>, r: RequestState): Promise<number | undefined> {
    if (!this.webhook) return undefined;
    const status = await this.sendWebhook(this.webhookPayload(type, r.id));
    this.webhookResults.push({ type, status });
    return status;
  }

  private api(method: string, path: string, handler: (req: FakeRequest, actor: FixtureUser) => FakeResponse | Promise<FakeResponse>): void {
    // Every route the fake serves is in the described table, so its validation applies to all of them.
    if (!findRoute(method, path.replace(/:\w+/g, '1'))) throw new Error(`${method} ${path} is not in the Overseerr route table`);
    this.route(method, path, (req) => {
      // Like Seerr, the request is checked against the API description before anything else (even the API key).
      const admitted = admit(req);
      if ('refusal' in admitted) return json(admitted.refusal.status, admitted.refusal.body);
      req = { ...req, query: admitted.query };
      const key = Object.entries(req.headers).find(([k]) => k.toLowerCase() === 'x-api-key')?.[1];
      if (key !== this.apiKey) return json(403, FORBIDDEN);
      const actingAs = req.headers['x-api-user'];
      const actor = this.users.find((u) => u.id === (actingAs ? Number(actingAs) : 1));
      if (!actor) return json(403, FORBIDDEN);
      return handler(req, actor);
    });
  }

  private fixtureDetails(type: MediaType, tmdbId: number): Details | undefined {
    const table = (type === 'movie' ? moviesFixture : tvFixture) as Record<string, Details>;
    return table[String(tmdbId)] ?? this.catalog.details(type, tmdbId);
  }

  private installDiscover(): void {
    const page = (req: FakeRequest, actor: FixtureUser, list: DiscoverList, type?: MediaType) => {
      this.discoverSeenBy.push(actor.id);
      return json(200, this.withMediaInfo(this.catalog.list(list, Number(req.query.page), type, Number(req.params.genreId))));
    };
    this.api('GET', '/api/v1/discover/trending', (req, actor) => page(req, actor, 'trending'));
    for (const [type, segment] of [
      ['movie', 'movies'],
      ['tv', 'tv'],
    ] as const) {
      this.api('GET', `/api/v1/discover/${segment}`, (req, actor) => page(req, actor, 'popular', type));
      this.api('GET', `/api/v1/discover/${segment}/upcoming`, (req, actor) => page(req, actor, 'upcoming', type));
      this.api('GET', `/api/v1/discover/${segment}/genre/:genreId`, (req, actor) => page(req, actor, 'genre', type));
      this.api('GET', `/api/v1/discover/genreslider/${type}`, (_req, actor) => {
        this.discoverSeenBy.push(actor.id);
        return json(200, this.catalog.genreSlider(type));
      });
      for (const list of ['recommendations', 'similar'] as const) {
        this.api('GET', `/api/v1/${type}/:id/${list}`, (req, actor) => {
          this.discoverSeenBy.push(actor.id);
          const body = this.catalog.related(type, Number(req.params.id), list, Number(req.query.page));
          // Like Seerr, an id TMDB does not know is a 500.
          return body ? json(200, this.withMediaInfo(body)) : json(500, { message: `Unable to retrieve ${type} ${list}.` });
        });
      }
    }
  }

  /** A page of results with the fake's `mediaInfo` on the titles it has state for (with `requests: []`, as in search). */
  private withMediaInfo<T extends { results: Record<string, unknown>[] }>(body: T): T {
    const results = body.results.map((r) => {
      const state = this.media.get(`${String(r.mediaType)}:${Number(r.id)}`);
      return state ? { ...r, mediaInfo: this.mediaInfo(state, false) } : r;
    });
    return { ...body, results };
  }

  private details(type: MediaType, tmdbId: number): FakeResponse {
    const d = this.fixtureDetails(type, tmdbId);
    if (!d) return json(500, { message: type === 'movie' ? 'Unable to retrieve movie.' : 'Unable to retrieve series.' });
    const state = this.media.get(`${type}:${tmdbId}`);
    const { mediaInfo: _fixtureInfo, ...rest } = d as Details & { mediaInfo?: unknown };
    return json(200, state ? { ...rest, mediaInfo: this.mediaInfo(state, true) } : rest);
  }

  /** A serialised Media: download queues are `[]` when empty, never null. */
  private mediaBody(m: MediaState): Record<string, unknown> {
    return {
      id: m.id,
      mediaType: m.mediaType,
      tmdbId: m.tmdbId,
      tvdbId: null,
      status: m.status,
      status4k: 1,
      createdAt: '2024-01-01T00:00:00.000Z',
      updatedAt: new Date().toISOString(),
      mediaAddedAt: m.mediaAddedAt ?? null,
      ratingKey: m.ratingKey ?? null,
      ratingKey4k: null,
      seasons: m.seasons.map((s, i) => ({ id: 1000 + i, ...s, status4k: 1 })),
      downloadStatus: (m.downloadStatus ?? []).map((d) => ({ ...d, ...(d.episode ? { episode: { ...d.episode } } : {}) })),
      downloadStatus4k: [],
    };
  }

  private mediaInfo(m: MediaState, withRequests: boolean): Record<string, unknown> {
    const requests = [...this.requestsById.values()].filter((r) => r.type === m.mediaType && r.tmdbId === m.tmdbId);
    return {
      ...this.mediaBody(m),
      // Search results carry `requests: []` whatever the title has; title details carry them.
      requests: withRequests ? requests.map((r) => this.requestBody(r, false)) : [],
      ...(withRequests ? { issues: [] } : {}),
    };
  }

  /**
   * Seerr's MediaRequest.request, in its order: permission (4K separately),
   * a used-up quota, the TMDB lookup (500 for an unknown id), a blocklisted
   * title (403), then duplicates. A movie is a duplicate only when the FIRST
   * request for it with the same `is4k` is neither declined nor completed —
   * so a title whose last request was cancelled (deleted) is accepted again
   * even while its media still says PENDING, and a body without `is4k`
   * matches no earlier request at all. TV drops seasons already requested or
   * present (any season status but UNKNOWN and DELETED); none left is a 202.
   */
  private createRequest(req: FakeRequest, actor: FixtureUser): FakeResponse | Promise<FakeResponse> {
    // The route table already refused a body without mediaType or mediaId.
    const body = req.body as { mediaType: MediaType; mediaId: number; seasons?: number[] | 'all'; is4k?: boolean };
    const type = body.mediaType;
    const kind = type === 'movie' ? 'movie' : 'series';
    const mayRequest = body.is4k
      ? this.hasAny(actor, Permission.REQUEST_4K | (type === 'movie' ? Permission.REQUEST_4K_MOVIE : Permission.REQUEST_4K_TV))
      : this.hasAny(actor, Permission.REQUEST);
    if (!mayRequest) return json(403, { message: `You do not have permission to make ${body.is4k ? '4K ' : ''}${kind} requests.` });
    const quota = this.quotaOf(actor, type);
    if (quota.restricted) return json(403, { message: type === 'movie' ? 'Movie Quota exceeded.' : 'Series Quota exceeded.' });
    const details = this.fixtureDetails(type, body.mediaId);
    if (!details) return json(500, { message: 'Unable to retrieve media.' });
    const key = `${type}:${body.mediaId}`;
    let media = this.media.get(key);
    if (media?.status === 6) return json(403, { message: 'This media is blocklisted.' });
    const existing = [...this.requestsById.values()]
      .filter((r) => r.type === type && r.tmdbId === body.mediaId && r.is4k === body.is4k)
      .sort((a, b) => a.id - b.id);
    let seasons: number[] = [];
    if (type === 'movie') {
      const first = existing[0];
      if (first && first.status !== 3 && first.status !== 5) return json(409, { message: 'Request for this media already exists.' });
    } else {
      const all = (details.seasons ?? []).map((s) => s.seasonNumber).filter((n) => n > 0);
      const wanted = body.seasons === 'all' || body.seasons === undefined ? all : body.seasons;
      const taken = new Set([
        ...existing.filter((r) => r.status !== 3 && r.status !== 5).flatMap((r) => r.seasons),
        ...(media?.seasons ?? []).filter((s) => s.status !== 1 && s.status !== 7).map((s) => s.seasonNumber),
      ]);
      seasons = wanted.filter((n) => !taken.has(n));
      if (seasons.length === 0) return json(202, { message: 'No seasons available to request' });
      if (quota.limit && seasons.length > (quota.remaining ?? 0)) return json(403, { message: 'Series Quota exceeded.' });
    }
    const autoApprove = (actor.permissions & (Permission.ADMIN | Permission.MANAGE_REQUESTS | Permission.AUTO_APPROVE)) !== 0;
    if (!media) {
      media = { id: this.nextMediaId++, mediaType: type, tmdbId: body.mediaId, status: 1, seasons: [] };
      this.media.set(key, media);
    }
    const now = new Date().toISOString();
    const r: RequestState = {
      id: this.nextRequestId++,
      status: autoApprove ? 2 : 1,
      type,
      tmdbId: body.mediaId,
      is4k: body.is4k ?? false,
      seasons,
      requestedBy: actor.id,
      modifiedBy: autoApprove ? actor.id : null,
      createdAt: now,
      updatedAt: now,
    };
    this.requestsById.set(r.id, r);
    // Like Seerr, the media stays PENDING in the webhook and the 201 of an auto-approved request; it turns PROCESSING just after.
    this.setMediaStatus(r, 2);
    const answer = () => {
      const created = json(201, this.requestBody(r));
      if (autoApprove) this.setMediaStatus(r, 3);
      return created;
    };
    const notification = autoApprove ? 'MEDIA_AUTO_APPROVED' : 'MEDIA_PENDING';
    if (this.notifyOnCreate === 'before-response') return this.notify(notification, r).then(answer);
    if (this.notifyOnCreate) void this.notify(notification, r);
    return answer();
  }

  private setMediaStatus(r: RequestState, status: number): void {
    const m = this.media.get(`${r.type}:${r.tmdbId}`);
    if (!m) return;
    if (m.status !== 5 || status === 5) m.status = status;
    // Seerr has season rows only once a scan saw the seasons (partly) available; a decline resets them.
    for (const n of r.seasons) {
      if (status !== 1 && status < 4) continue;
      const season = m.seasons.find((s) => s.seasonNumber === n);
      if (season) season.status = status;
      else if (status >= 4) m.seasons.push({ seasonNumber: n, status });
    }
    r.updatedAt = new Date().toISOString();
  }

  private mediaOf(r: RequestState): MediaState {
    const m = this.media.get(`${r.type}:${r.tmdbId}`);
    if (!m) throw new Error(`no Overseerr media for request ${r.id}`);
    return m;
  }

  private mustGet(id: number): RequestState {
    const r = this.requestsById.get(id);
    if (!r) throw new Error(`no Overseerr request ${id}`);
    return r;
  }

  private requestBody(r: RequestState, withMedia = true): Record<string, unknown> {
    const m = this.media.get(`${r.type}:${r.tmdbId}`);
    const user = this.users.find((u) => u.id === r.requestedBy)!;
    return {
      id: r.id,
      status: r.status,
      type: r.type,
      is4k: r.is4k,
      isAutoRequest: false,
      serverId: null,
      profileId: null,
      rootFolder: null,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      seasonCount: r.seasons.length,
      seasons: r.seasons.map((n, i) => ({
        id: r.id * 100 + i,
        seasonNumber: n,
        status: r.status,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
      })),
      ...(withMedia && m ? { media: this.mediaBody(m) } : {}),
      requestedBy: this.userBody(user, true),
      modifiedBy:
        r.modifiedBy === null
          ? null
          : this.userBody(
              this.users.find((u) => u.id === r.modifiedBy)!,
              true,
            ),
    };
  }

  private userBody(u: FixtureUser, showFiltered: boolean): Record<string, unknown> {
    const { email, plexId, ...rest } = u;
    return showFiltered ? { ...rest, email, plexId } : rest;
  }
}
