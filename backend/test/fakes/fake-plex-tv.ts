/**
 * A fake plex.tv (API v2) for the PIN login: PIN
 * creation and polling, the account behind a token, and its resources list.
 * It also plays Plex's discover provider (discover.provider.plex.tv, where
 * PLEX_DISCOVER_URL points): `GET /library/sections/watchlist/all` answers
 * the token's watchlist as Plex does — a MediaContainer paged by
 * X-Plex-Container-Start/Size (query or header) with offset, size and
 * totalSize, each title's `Guid` ids (imdb/tmdb/tvdb) only with
 * includeGuids=1, and 401 without a token it knows; and `GET /library/metadata/:ratingKey`
 * answers one title as Plex's metadata provider does — `MediaContainer.Metadata[0]` with every id
 * Plex knows for it in `Guid` (fixtures/plex-tv-metadata.json, where the listing carries fewer; else
 * the fixture title as listed), 404 for any other (a title a test put on a watchlist by hand).
 * Test hooks: `authorizePin(id, token)` (what approving on app.plex.tv does),
 * `expirePin(id)`, `addAccount(token, …)`, `setWatchlist(token, titles)`,
 * `revokeToken(token)`, `failMetadataWith(status)` (the metadata lookups alone fail); over HTTP
 * `POST /__test/pins/:id/authorize {authToken}` and `POST /__test/pins/:id/expire`.
 */
import { STATUS_CODES } from 'node:http';
import pinFixture from './fixtures/plex-tv-pin.json';
import watchlistFixture from './fixtures/plex-tv-watchlist.json';
import metadataFixture from './fixtures/plex-tv-metadata.json';
import accountsFixture from './fixtures/plex-tv-accounts.json';
import resourcesFixture from './fixtures/plex-tv-resources.json';
import { FakeHttpServer, json, type FakeRequest } from './fake-server';

interface Pin {
  id: number;
  code: string;
  clientIdentifier: string;
  createdAt: Date;
  expiresAt: Date;
  authToken: string | null;
  expired: boolean;
}

interface Account {
  user: Record<string, unknown>;
  resources: Record<string, unknown>[];
}

export type FixtureAccount = keyof typeof accountsFixture;
export type FixtureResource = keyof typeof resourcesFixture;
export type FixtureWatchlistTitle = keyof typeof watchlistFixture;

/** Plex's page size when a client names none. */
const DEFAULT_CONTAINER_SIZE = 20;
/** The most Plex hands out in one page. */
const MAX_CONTAINER_SIZE = 300;

const PLEX_ERROR_401 = { errors: [{ code: 1001, message: 'User could not be authenticated', status: 401 }] };
const PIN_NOT_FOUND = { errors: [{ code: 1020, message: 'Code not found or expired' }] };
const METADATA_NOT_FOUND = { errors: [{ code: 1001, message: 'Not Found', status: 404 }] };

function header(req: FakeRequest, name: string): string | undefined {
  const fromHeader = req.headers[name.toLowerCase()];
  if (typeof fromHeader === 'string') return fromHeader;
  const fromQuery = req.query[name];
  if (fromQuery) return fromQuery;
  const body = req.body as Record<string, string> | undefined;
  return typeof body === 'object' && body ? body[name] : undefined;
}

export class FakePlexTv extends FakeHttpServer {
  private readonly pins = new Map<number, Pin>();
  private readonly accounts = new Map<string, Account>();
  private readonly watchlists = new Map<string, Record<string, unknown>[]>();
  private metadataFault: number | undefined;
  private nextPinId = (pinFixture as { id: number }).id;
  pinLifetimeSeconds = 900;

  constructor() {
    super('plex.tv');
    this.route('POST', '/api/v2/pins', (req) => {
      const clientIdentifier = header(req, 'X-Plex-Client-Identifier');
      if (!clientIdentifier) {
        return json(400, { errors: [{ code: 1000, message: 'X-Plex-Client-Identifier is missing', status: 400 }] });
      }
      const strong = header(req, 'strong') === 'true';
      const now = new Date();
      const pin: Pin = {
        id: this.nextPinId++,
        code: strong ? randomCode(25) : randomCode(4).toUpperCase(),
        clientIdentifier,
        createdAt: now,
        expiresAt: new Date(now.getTime() + this.pinLifetimeSeconds * 1000),
        authToken: null,
        expired: false,
      };
      this.pins.set(pin.id, pin);
      return json(201, this.pinBody(pin, header(req, 'X-Plex-Product')));
    });
    this.route('GET', '/api/v2/pins/:id', (req) => {
      const pin = this.pins.get(Number(req.params.id));
      if (!pin || pin.expired || pin.expiresAt.getTime() <= Date.now()) return json(404, PIN_NOT_FOUND);
      return json(200, this.pinBody(pin, header(req, 'X-Plex-Product')));
    });
    this.route('GET', '/api/v2/user', (req) => {
      const account = this.accountFor(req);
      return account ? json(200, account.user) : json(401, PLEX_ERROR_401);
    });
    this.route('GET', '/api/v2/resources', (req) => {
      const account = this.accountFor(req);
      return account ? json(200, account.resources) : json(401, PLEX_ERROR_401);
    });
    this.route('GET', '/library/sections/watchlist/all', (req) => {
      const token = header(req, 'X-Plex-Token');
      const list = token && this.accounts.has(token) ? (this.watchlists.get(token) ?? []) : undefined;
      if (!list) return json(401, PLEX_ERROR_401);
      const start = Math.max(0, Number(header(req, 'X-Plex-Container-Start') ?? 0) || 0);
      const size = Math.min(MAX_CONTAINER_SIZE, Math.max(0, Number(header(req, 'X-Plex-Container-Size') ?? DEFAULT_CONTAINER_SIZE) || 0));
      const withGuids = header(req, 'includeGuids') === '1';
      const page = list.slice(start, start + size).map((item) => {
        if (withGuids) return item;
        const { Guid: _guid, ...rest } = item;
        return rest;
      });
      return json(200, {
        MediaContainer: {
          librarySectionID: 'watchlist',
          librarySectionTitle: 'Watchlist',
          offset: start,
          totalSize: list.length,
          identifier: 'tv.plex.provider.discover',
          size: page.length,
          Metadata: page,
        },
      });
    });
    this.route('GET', '/library/metadata/:ratingKey', (req) => {
      if (!this.accountFor(req) || this.metadataFault === 401) return json(401, PLEX_ERROR_401);
      const fault = this.metadataFault;
      if (fault) return json(fault, { errors: [{ code: fault, message: STATUS_CODES[fault], status: fault }] });
      const title = this.metadataOf(req.params.ratingKey!);
      if (!title) return json(404, METADATA_NOT_FOUND);
      return json(200, {
        MediaContainer: { offset: 0, totalSize: 1, identifier: 'tv.plex.provider.metadata', size: 1, Metadata: [title] },
      });
    });
    this.route('POST', '/__test/pins/:id/authorize', (req) => {
      const token = (req.body as { authToken?: string } | undefined)?.authToken;
      if (!token) return json(400, { message: 'authToken is required' });
      this.authorizePin(Number(req.params.id), token);
      return json(200, { ok: true });
    });
    this.route('POST', '/__test/pins/:id/expire', (req) => {
      this.expirePin(Number(req.params.id));
      return json(200, { ok: true });
    });
  }

  /**
   * Registers an account: `token` signs in as the fixture account `who`, whose
   * resources are the named fixture resources with `machineIdentifier` filled in.
   */
  addAccount(token: string, who: FixtureAccount, resources: FixtureResource[], machineIdentifier: string): void {
    const user = { ...accountsFixture[who], authToken: token };
    const list = resources.map((r) => {
      const resource: Record<string, unknown> = { ...resourcesFixture[r] };
      if (resource.clientIdentifier === '<machineIdentifier>') resource.clientIdentifier = machineIdentifier;
      return resource;
    });
    this.accounts.set(token, { user, resources: list });
  }

  /**
   * The watchlist of the account behind `token`: fixture titles by name, or whole Metadata entries
   * (a long list for paging); newest first, as Plex sorts it.
   */
  setWatchlist(token: string, titles: (FixtureWatchlistTitle | Record<string, unknown>)[]): void {
    this.watchlists.set(
      token,
      titles.map((t) => (typeof t === 'string' ? { ...watchlistFixture[t] } : t)),
    );
  }

  /** Every metadata lookup answers `status` (undefined: answered again), the watchlist itself as before. */
  failMetadataWith(status: number | undefined): void {
    this.metadataFault = status;
  }

  /** The account signed out everywhere or changed its password: plex.tv no longer accepts the token. */
  revokeToken(token: string): void {
    this.accounts.delete(token);
  }

  accountId(who: FixtureAccount): number {
    return accountsFixture[who].id;
  }

  /** What the user approving the PIN on app.plex.tv does. */
  authorizePin(id: number, token: string): void {
    const pin = this.pins.get(id);
    if (!pin) throw new Error(`no PIN ${id}`);
    pin.authToken = token;
  }

  expirePin(id: number): void {
    const pin = this.pins.get(id);
    if (pin) pin.expired = true;
  }

  pin(id: number): Pin | undefined {
    return this.pins.get(id);
  }

  /** A fixture title's own metadata: its full one where the listing carries fewer ids, else the title as listed. */
  private metadataOf(ratingKey: string): Record<string, unknown> | undefined {
    const byKey = (m: { ratingKey: string }) => m.ratingKey === ratingKey;
    return Object.values(metadataFixture).find(byKey) ?? Object.values(watchlistFixture).find(byKey);
  }

  private accountFor(req: FakeRequest): Account | undefined {
    const token = header(req, 'X-Plex-Token');
    return token ? this.accounts.get(token) : undefined;
  }

  private pinBody(pin: Pin, product: string | undefined): Record<string, unknown> {
    const expiresIn = Math.max(0, Math.round((pin.expiresAt.getTime() - Date.now()) / 1000));
    return {
      ...pinFixture,
      id: pin.id,
      code: pin.code,
      product: product ?? pinFixture.product,
      qr: `https://plex.tv/api/v2/pins/qr/${pin.code}`,
      clientIdentifier: pin.clientIdentifier,
      expiresIn,
      createdAt: pin.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      expiresAt: pin.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      authToken: pin.authToken,
    };
  }
}

function randomCode(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}
