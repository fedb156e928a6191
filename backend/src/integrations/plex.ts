/**
 * Plex Media Server client (its HTTP API on port 32400), on the one
 * instrumented HTTP client: JSON via `Accept: application/json`, the server
 * token in the `X-Plex-Token` header (never the URL), container paging in
 * `X-Plex-Container-Start`/`-Size` headers.
 *
 * It remembers the server's machineIdentifier: every `/identity` read that
 * shows a different one calls the identity-change listeners (the Plex
 * recovery procedure clears the Plex caches then).
 */
import { z } from 'zod';
import { HttpClient, parseUpstreamBody } from './http-client';
import {
  itemMediaSchema,
  sessionsSchema,
  toPlaybackSessions,
  toSourceMedia,
  type PlexPlaybackSession,
  type SourceMedia,
} from './plex-sessions';

export interface PlexIdentity {
  machineIdentifier: string;
  version: string;
}

const identitySchema = z.looseObject({
  MediaContainer: z.looseObject({ machineIdentifier: z.string().min(1), version: z.string() }),
});

const sectionSchema = z.looseObject({
  key: z.union([z.string(), z.number()]).transform(String),
  type: z.string(),
  title: z.string(),
  agent: z.string().optional(),
  updatedAt: z.number().optional(),
  scannedAt: z.number().optional(),
});

const sectionsSchema = z.looseObject({
  MediaContainer: z.looseObject({ Directory: z.array(sectionSchema).default([]) }),
});

const metadataSchema = z.looseObject({
  ratingKey: z.union([z.string(), z.number()]).transform(String),
  type: z.string(),
  title: z.string(),
  year: z.number().optional(),
  summary: z.string().optional(),
  thumb: z.string().optional(),
  art: z.string().optional(),
  addedAt: z.number().optional(),
  duration: z.number().optional(),
  leafCount: z.number().optional(),
  childCount: z.number().optional(),
  librarySectionID: z.number().optional(),
  librarySectionTitle: z.string().optional(),
  parentTitle: z.string().optional(),
  grandparentTitle: z.string().optional(),
  index: z.number().optional(),
  parentIndex: z.number().optional(),
  Guid: z.array(z.looseObject({ id: z.string() })).optional(),
});
export type PlexMetadata = z.infer<typeof metadataSchema>;

const metadataContainerSchema = z.looseObject({
  MediaContainer: z.looseObject({
    size: z.number().optional(),
    totalSize: z.number().optional(),
    offset: z.number().optional(),
    Metadata: z.array(metadataSchema).default([]),
  }),
});

const hubsSchema = z.looseObject({
  MediaContainer: z.looseObject({
    Hub: z
      .array(z.looseObject({ type: z.string(), hubIdentifier: z.string().optional(), Metadata: z.array(metadataSchema).default([]) }))
      .default([]),
  }),
});

export interface PlexSection {
  key: string;
  type: string;
  title: string;
  updatedAt?: number;
  scannedAt?: number;
}

export interface PlexPage {
  items: PlexMetadata[];
  offset: number;
  totalSize: number;
}

export type IdentityChangeListener = (previous: string, current: string) => void;

export class PlexClient {
  private knownIdentity: PlexIdentity | undefined;
  private readonly identityListeners: IdentityChangeListener[] = [];

  constructor(private readonly http: HttpClient) {}

  /** GET /identity (health probes, access checks, recovery). `bypassBreaker` is for the recovery procedure only. */
  async identity(options: { bypassBreaker?: boolean } = {}): Promise<PlexIdentity> {
    const body = await this.http.json<unknown>({
      operation: 'identity',
      path: '/identity',
      bypassBreaker: options.bypassBreaker,
      ...(options.bypassBreaker ? { retries: 0 } : {}),
    });
    const { machineIdentifier, version } = parseUpstreamBody(identitySchema, body, this.http, 'identity').MediaContainer;
    const previous = this.knownIdentity?.machineIdentifier;
    this.knownIdentity = { machineIdentifier, version };
    if (previous !== undefined && previous !== machineIdentifier) {
      for (const listener of this.identityListeners) listener(previous, machineIdentifier);
    }
    return { machineIdentifier, version };
  }

  /** The breaker probe: does /identity answer? */
  probe(): Promise<void> {
    return this.http.probe('/identity');
  }

  /** The server's machineIdentifier: the last one read, else read now. */
  async machineIdentifier(): Promise<string> {
    return this.knownIdentity?.machineIdentifier ?? (await this.identity()).machineIdentifier;
  }

  onIdentityChange(listener: IdentityChangeListener): void {
    this.identityListeners.push(listener);
  }

  /** GET /library/sections. */
  async sections(): Promise<PlexSection[]> {
    const body = await this.http.json<unknown>({ operation: 'listLibraries', path: '/library/sections' });
    return parseUpstreamBody(sectionsSchema, body, this.http, 'listLibraries').MediaContainer.Directory.map((d) => ({
      key: d.key,
      type: d.type,
      title: d.title,
      updatedAt: d.updatedAt,
      scannedAt: d.scannedAt,
    }));
  }

  /** GET /library/sections/{key}/all, one page (container paging headers). */
  async sectionItems(key: string, offset: number, size: number): Promise<PlexPage> {
    const res = await this.http.request<unknown>({
      operation: 'listLibraryItems',
      path: `/library/sections/${encodeURIComponent(key)}/all`,
      query: { includeGuids: 1 },
      headers: { 'X-Plex-Container-Start': String(offset), 'X-Plex-Container-Size': String(size) },
    });
    return this.page(res.body, res.headers, offset, 'listLibraryItems');
  }

  /** GET /status/sessions: every stream the server is playing now. */
  async sessions(): Promise<PlexPlaybackSession[]> {
    const body = await this.http.json<unknown>({ operation: 'listSessions', path: '/status/sessions' });
    return toPlaybackSessions(parseUpstreamBody(sessionsSchema, body, this.http, 'listSessions'));
  }

  /** GET /library/metadata/{ratingKey}: the item's own media (the source of a stream Plex converts). */
  async itemSource(ratingKey: string): Promise<SourceMedia> {
    const body = await this.http.json<unknown>({ operation: 'itemMetadata', path: `/library/metadata/${encodeURIComponent(ratingKey)}` });
    return toSourceMedia(parseUpstreamBody(itemMediaSchema, body, this.http, 'itemMetadata').MediaContainer.Metadata[0]?.Media[0]);
  }

  /** How many items a library holds (an empty page of /library/sections/{key}/all, which carries the total). */
  async sectionSize(key: string): Promise<number> {
    return (await this.sectionItems(key, 0, 0)).totalSize;
  }

  /** GET /library/recentlyAdded, newest first. */
  async recentlyAdded(size: number): Promise<PlexMetadata[]> {
    const res = await this.http.request<unknown>({
      operation: 'recentlyAdded',
      path: '/library/recentlyAdded',
      headers: { 'X-Plex-Container-Start': '0', 'X-Plex-Container-Size': String(size) },
    });
    return this.page(res.body, res.headers, 0, 'recentlyAdded').items.slice(0, size);
  }

  /** GET /hubs/search: the items of every hub, in hub order. */
  async search(query: string, limit: number): Promise<PlexMetadata[]> {
    const body = await this.http.json<unknown>({ operation: 'search', path: '/hubs/search', query: { query, limit } });
    return parseUpstreamBody(hubsSchema, body, this.http, 'search').MediaContainer.Hub.flatMap((h) => h.Metadata);
  }

  /** An image (poster, art) under /library/metadata/…, as bytes with its content type. */
  async image(path: string): Promise<{ contentType: string; bytes: Buffer }> {
    const res = await this.http.request<Buffer>({ operation: 'image', path, responseType: 'bytes' });
    return { contentType: res.headers.get('content-type') ?? 'application/octet-stream', bytes: res.body };
  }

  private page(body: unknown, headers: Headers, offset: number, operation: string): PlexPage {
    const container = parseUpstreamBody(metadataContainerSchema, body, this.http, operation).MediaContainer;
    const headerTotal = Number(headers.get('x-plex-container-total-size'));
    const totalSize =
      Number.isFinite(headerTotal) && headers.has('x-plex-container-total-size')
        ? headerTotal
        : (container.totalSize ?? container.size ?? container.Metadata.length);
    return { items: container.Metadata, offset: container.offset ?? offset, totalSize };
  }
}
