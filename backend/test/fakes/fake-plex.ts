/**
 * A fake Plex Media Server: /identity, /,
 * library sections, a section's items with container paging (headers or
 * query), recently added, hub search and poster images. JSON only when asked
 * with `Accept: application/json` (XML otherwise, like the real server); a
 * wrong or missing token is a 401 with an HTML body.
 * Test hook: `setMachineIdentifier()` (a reinstalled or replaced server).
 * Playback (/status/sessions and the notification WebSocket): `playback`
 * (fake-plex-sessions.ts).
 */
import identityFixture from './fixtures/plex-identity.json';
import hubsFixture from './fixtures/plex-hubs-search.json';
import itemsFixture from './fixtures/plex-library-items.json';
import recentFixture from './fixtures/plex-recently-added.json';
import sectionsFixture from './fixtures/plex-sections.json';
import type http from 'node:http';
import { FakePlexPlayback } from './fake-plex-sessions';
import { FakeHttpServer, json, type FakeRequest, type FakeResponse } from './fake-server';

/** A 1×1 PNG, the poster every item gets. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

export class FakePlex extends FakeHttpServer {
  machineIdentifier = identityFixture.MediaContainer.machineIdentifier;
  readonly playback: FakePlexPlayback;

  constructor(readonly token: string | undefined) {
    super('Plex');
    this.playback = new FakePlexPlayback(token);
    this.route('GET', '/status/sessions', (req) => this.answer(req, this.playback.container()));
    this.route('GET', '/identity', (req) =>
      this.answer(req, { MediaContainer: { ...identityFixture.MediaContainer, machineIdentifier: this.machineIdentifier } }, false),
    );
    this.route('GET', '/', (req) =>
      this.answer(req, {
        MediaContainer: {
          size: 2,
          friendlyName: 'MyServer',
          machineIdentifier: this.machineIdentifier,
          version: identityFixture.MediaContainer.version,
          platform: 'Linux',
          platformVersion: '6.1',
          myPlex: true,
          myPlexUsername: 'owner',
          myPlexSigninState: 'ok',
          multiuser: true,
          updatedAt: 1716000000,
          Directory: [
            { count: 1, key: 'library', title: 'library' },
            { count: 1, key: 'hubs', title: 'hubs' },
          ],
        },
      }),
    );
    this.route('GET', '/library/sections', (req) => this.answer(req, sectionsFixture));
    this.route('GET', '/library/sections/:key/all', (req) => {
      const items = (itemsFixture as Record<string, unknown[]>)[req.params.key!];
      if (!items) return { status: 404, body: '<html><head><title>Not Found</title></head><body><h1>404 Not Found</h1></body></html>' };
      const section = sectionsFixture.MediaContainer.Directory.find((d) => d.key === req.params.key)!;
      return this.paged(req, items, { librarySectionID: Number(section.key), librarySectionTitle: section.title, viewGroup: section.type });
    });
    this.route('GET', '/library/recentlyAdded', (req) => this.paged(req, recentFixture.MediaContainer.Metadata, {}));
    this.route('GET', '/hubs/search', (req) => {
      const q = (req.query.query ?? '').toLowerCase();
      const hubs = hubsFixture.MediaContainer.Hub.map((h) => {
        const metadata = ((h as { Metadata?: { title: string }[] }).Metadata ?? []).filter((m) => m.title.toLowerCase().includes(q));
        return { ...h, size: metadata.length, ...(metadata.length ? { Metadata: metadata } : {}) };
      });
      return this.answer(req, { MediaContainer: { size: hubs.length, Hub: hubs } });
    });
    this.route('GET', '/library/metadata/:id', (req) => {
      const item = this.playback.item(req.params.id!);
      return item ? this.answer(req, { MediaContainer: { size: 1, Metadata: [item] } }) : { status: 404, body: 'Not Found' };
    });
    this.route('GET', '/library/metadata/:id/thumb/:ts', (req) => this.image(req));
    this.route('GET', '/library/metadata/:id/art/:ts', (req) => this.image(req));
  }

  protected override attach(server: http.Server): void {
    this.playback.attach(server);
  }

  setMachineIdentifier(id: string): void {
    this.machineIdentifier = id;
  }

  private authorized(req: FakeRequest): boolean {
    if (!this.token) return true;
    const given = req.headers['x-plex-token'] ?? req.query['X-Plex-Token'];
    return given === this.token;
  }

  private unauthorized(): FakeResponse {
    return {
      status: 401,
      body: '<html><head><title>Unauthorized</title></head><body><h1>401 Unauthorized</h1></body></html>',
      headers: { 'Content-Type': 'text/html' },
    };
  }

  private answer(req: FakeRequest, body: unknown, needsToken = true, headers?: Record<string, string>): FakeResponse {
    if (needsToken && !this.authorized(req)) return this.unauthorized();
    if (!String(req.headers.accept ?? '').includes('application/json')) {
      // The real server speaks XML unless asked for JSON.
      return {
        status: 200,
        body: '<?xml version="1.0" encoding="UTF-8"?>\n<MediaContainer size="0"/>',
        headers: { 'Content-Type': 'text/xml', ...headers },
      };
    }
    return json(200, body, headers);
  }

  private paged(req: FakeRequest, items: unknown[], attrs: Record<string, unknown>): FakeResponse {
    const start = Number(req.headers['x-plex-container-start'] ?? req.query['X-Plex-Container-Start'] ?? 0);
    const size = Number(req.headers['x-plex-container-size'] ?? req.query['X-Plex-Container-Size'] ?? items.length);
    const page = items.slice(start, start + size);
    return this.answer(
      req,
      {
        MediaContainer: {
          size: page.length,
          totalSize: items.length,
          offset: start,
          allowSync: true,
          identifier: 'com.plexapp.plugins.library',
          ...attrs,
          Metadata: page,
        },
      },
      true,
      { 'X-Plex-Container-Start': String(start), 'X-Plex-Container-Total-Size': String(items.length) },
    );
  }

  private image(req: FakeRequest): FakeResponse {
    if (!this.authorized(req)) return this.unauthorized();
    return { status: 200, body: PNG, headers: { 'Content-Type': 'image/png' } };
  }
}
