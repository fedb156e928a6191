/**
 * Every call MediaNest's Overseerr client can make — each method, with each
 * optional parameter it may send — is one Seerr's API description accepts:
 * Seerr validates every request against it before its route code runs, so a
 * query parameter it does not declare is a 400 whatever the route code would
 * read (MediaNest's `GET /issue?createdBy=` was one). The list of methods is
 * typed over the client, so a new method cannot be left out of this test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BreakerRegistry } from '../resilience/breakers';
import { FakeOverseerr } from '../../test/fakes/fake-overseerr';
import { findRoute, violations } from '../../test/fakes/overseerr-spec';
import { HttpClient } from './http-client';
import { OverseerrClient } from './overseerr';
import { errorMessage } from '../errors';

const API_KEY = 'conformance-api-key';
const OWNER = 1;
const ALICE = 2;

type ClientMethod = {
  [K in keyof OverseerrClient]: OverseerrClient[K] extends (...args: never[]) => unknown ? K : never;
}[keyof OverseerrClient];

let fake: FakeOverseerr;
let registry: BreakerRegistry;
let client: OverseerrClient;

beforeAll(async () => {
  fake = new FakeOverseerr(API_KEY);
  await fake.start();
  registry = new BreakerRegistry({ resetTimeoutMs: 60_000, errorThresholdPercentage: 50, volumeThreshold: 100, rollingWindowMs: 10_000 });
  client = new OverseerrClient(
    new HttpClient({
      service: 'overseerr',
      displayName: 'Overseerr',
      baseUrl: fake.url,
      headers: { 'X-Api-Key': API_KEY },
      breaker: registry.get('overseerr'),
      timeoutMs: 5000,
      retries: 0,
      retryBaseDelayMs: 1,
    }),
  );
});

afterAll(async () => {
  registry?.close();
  await fake?.stop();
});

/** Each client method with every shape of call MediaNest makes (optional parameters set and unset). */
function everyCall(c: OverseerrClient): Record<ClientMethod, (() => Promise<unknown>)[]> {
  let requestId = 0;
  let issueId = 0;
  return {
    probe: [() => c.probe()],
    status: [() => c.status()],
    search: [() => c.search('matrix', 1), () => c.search('keanu', 2)],
    movie: [() => c.movie(603), () => c.movie(603, ALICE)],
    tv: [() => c.tv(1399), () => c.tv(1399, ALICE)],
    discover: [
      () => c.discover({ list: 'trending' }, 1, ALICE),
      ...(['movie', 'tv'] as const).flatMap((mediaType) => [
        () => c.discover({ list: 'popular', mediaType }, 2, ALICE),
        () => c.discover({ list: 'upcoming', mediaType }, 1, ALICE),
        () => c.discover({ list: 'genre', mediaType, genreId: 18 }, 1, ALICE),
      ]),
    ],
    genreSlider: [() => c.genreSlider('movie', ALICE), () => c.genreSlider('tv', ALICE)],
    related: [
      () => c.related('movie', 603, 'recommendations', 1, ALICE),
      () => c.related('movie', 603, 'similar', 2, ALICE),
      () => c.related('tv', 1399, 'recommendations', 1, ALICE),
      () => c.related('tv', 1399, 'similar', 1, ALICE),
    ],
    createRequest: [
      async () => (requestId = (await c.createRequest({ mediaType: 'movie', tmdbId: 605 }, ALICE)).id),
      () => c.createRequest({ mediaType: 'tv', tmdbId: 1399, seasons: [1] }, ALICE),
      () => c.createRequest({ mediaType: 'tv', tmdbId: 95396 }, ALICE),
    ],
    getRequest: [() => c.getRequest(requestId)],
    retryRequest: [() => c.retryRequest(requestId)],
    deleteRequest: [() => c.deleteRequest(requestId)],
    quota: [() => c.quota(ALICE)],
    requestsBy: [() => c.requestsBy(ALICE, 10)],
    createIssue: [
      async () =>
        (issueId = (await c.createIssue({ issueType: 1, message: 'No sound', mediaId: 12, problemSeason: 0, problemEpisode: 0 }, OWNER))
          .id),
      () => c.createIssue({ issueType: 3, message: 'Subtitles drift', mediaId: 20, problemSeason: 1, problemEpisode: 2 }, OWNER),
    ],
    issuesBy: [() => c.issuesBy(OWNER, 50), () => c.issuesBy(OWNER, 1)],
    issue: [() => c.issue(issueId, OWNER)],
    commentOnIssue: [() => c.commentOnIssue(issueId, 'Still broken', OWNER)],
    listUsers: [() => c.listUsers(100, 0)],
    findUser: [() => c.findUser({ plexId: 13692262 }), () => c.findUser({ email: 'carol@example.com' })],
  };
}

describe("the Overseerr client against Seerr's API description", () => {
  it('lists every method of the client', () => {
    const methods = Object.getOwnPropertyNames(OverseerrClient.prototype).filter((n) => n !== 'constructor');
    expect(Object.keys(everyCall(client)).sort()).toEqual(methods.sort());
  });

  it('sends only query parameters and body fields the server accepts, on described routes, and the server takes each call', async () => {
    fake.clearRequests();
    for (const [method, calls] of Object.entries(everyCall(client))) {
      for (const call of calls) {
        await call().catch((err: unknown) => {
          throw new Error(`${method}: ${errorMessage(err)}`);
        });
      }
    }
    expect(fake.requests.length).toBeGreaterThan(20);
    const refused = fake.requests.flatMap((r) => {
      const found = findRoute(r.method, r.path);
      if (!found) return [`${r.method} ${r.path}: not a described route`];
      return violations(found.route, { params: found.params, query: r.query, body: r.body }).map(
        (v) => `${r.method} ${r.path}: ${v.path} ${v.message}`,
      );
    });
    expect(refused).toEqual([]);
    // Discover, recommendations and similar titles are read as the member, so their Overseerr settings apply.
    const discovered = fake.requests.filter((r) => /^\/api\/v1\/(discover\/|(movie|tv)\/\d+\/(recommendations|similar))/.test(r.path));
    expect(discovered).toHaveLength(13);
    for (const r of discovered) expect(r.headers['x-api-user'], r.path).toBe(String(ALICE));
    // Seerr compares `is4k` to what was sent: without it a repeat request is not seen as a duplicate.
    const created = fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/request');
    expect(created).toHaveLength(3);
    for (const r of created) expect((r.body as { is4k?: unknown }).is4k).toBe(false);
  });

  it("answers an undeclared query parameter with Seerr's 400, whatever the route code would read", async () => {
    const res = await fetch(`${fake.url}/api/v1/issue?take=10&createdBy=2`, { headers: { 'X-Api-Key': API_KEY } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      message: "Unknown query parameter 'createdBy'",
      errors: [{ path: '/query/createdBy', message: "Unknown query parameter 'createdBy'" }],
    });
    const badEnum = await fetch(`${fake.url}/api/v1/issue?sort=newest`, { headers: { 'X-Api-Key': API_KEY } });
    expect(badEnum.status).toBe(400);
    expect(((await badEnum.json()) as { message: string }).message).toBe(
      'request/query/sort must be equal to one of the allowed values: added, modified',
    );
  });
});
