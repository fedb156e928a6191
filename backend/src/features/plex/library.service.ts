/**
 * The Plex library as MediaNest shows it: libraries, a library's items (one
 * page at a time), search and recently added, read from the Plex server and
 * cached with the one cache. Cache keys carry a generation stamp, so
 * `clearCaches` (the Plex recovery procedure, when the server behind
 * PLEX_URL changed) drops every entry at once; `refreshCaches` (the
 * plex-sync job) re-reads libraries and recently added.
 */
import type { Cache } from '../../cache/cache';
import { AppError } from '../../errors';
import type { PlexClient, PlexMetadata, PlexSection } from '../../integrations/plex';
import type { Library, LibraryItem, LibraryPage, PlayableLibraryItem } from '@medianest/contracts';
import type { PlayLinks } from './play-links';

export const LIBRARIES_TTL_SECONDS = 600;
export const ITEMS_TTL_SECONDS = 120;
export const RECENT_TTL_SECONDS = 300;
export const SEARCH_TTL_SECONDS = 60;
export const PAGE_SIZE = 50;
export const RECENT_SIZE = 30;
const GENERATION_KEY = 'plex:generation';
const GENERATION_TTL_SECONDS = 30 * 86_400;

/** Plex image paths MediaNest proxies: posters and art of library items. */
export const PLEX_IMAGE_PATH = /^\/library\/metadata\/\d+\/(thumb|art)(\/\d+)?$/;

function isoFromUnix(seconds: number | undefined): string | null {
  return seconds === undefined ? null : new Date(seconds * 1000).toISOString();
}

export function toLibraryItem(m: PlexMetadata): LibraryItem {
  const tmdb = m.Guid?.map((g) => /^tmdb:\/\/(\d+)$/.exec(g.id)?.[1]).find((id) => id !== undefined);
  const thumb = m.thumb && PLEX_IMAGE_PATH.test(m.thumb) ? `/api/v1/plex/image?path=${encodeURIComponent(m.thumb)}` : null;
  return {
    ratingKey: m.ratingKey,
    type: m.type,
    title: m.title,
    year: m.year ?? null,
    summary: m.summary ?? null,
    thumbUrl: thumb,
    addedAt: isoFromUnix(m.addedAt),
    durationMs: m.duration ?? null,
    tmdbId: tmdb ? Number(tmdb) : null,
    librarySectionId: m.librarySectionID ?? null,
    showTitle: m.type === 'episode' ? (m.grandparentTitle ?? null) : m.type === 'season' ? (m.parentTitle ?? null) : null,
    seasonNumber: m.type === 'episode' ? (m.parentIndex ?? null) : m.type === 'season' ? (m.index ?? null) : null,
    episodeNumber: m.type === 'episode' ? (m.index ?? null) : null,
    leafCount: m.leafCount ?? null,
  };
}

function toLibrary(s: PlexSection): Library {
  return { key: s.key, type: s.type, title: s.title, updatedAt: isoFromUnix(s.updatedAt), scannedAt: isoFromUnix(s.scannedAt) };
}

export class LibraryService {
  constructor(
    private readonly plex: PlexClient | undefined,
    private readonly cache: Cache,
    private readonly playLinks: PlayLinks,
  ) {}

  get configured(): boolean {
    return this.plex !== undefined;
  }

  async libraries(): Promise<Library[]> {
    const plex = this.client();
    return this.cache.wrap(await this.key('libraries'), LIBRARIES_TTL_SECONDS, async () => (await plex.sections()).map(toLibrary));
  }

  async items(key: string, page: number): Promise<LibraryPage> {
    const plex = this.client();
    const libraries = await this.libraries();
    if (!libraries.some((l) => l.key === key)) throw AppError.notFound(`No Plex library with key ${key}`);
    const result = await this.cache.wrap(await this.key(`items:${key}:${page}`), ITEMS_TTL_SECONDS, async () => {
      const p = await plex.sectionItems(key, (page - 1) * PAGE_SIZE, PAGE_SIZE);
      return { items: p.items.map(toLibraryItem), total: p.totalSize };
    });
    return {
      ...result,
      items: await this.playLinks.attach(result.items),
      page,
      pageSize: PAGE_SIZE,
      totalPages: Math.ceil(result.total / PAGE_SIZE),
    };
  }

  async search(query: string): Promise<PlayableLibraryItem[]> {
    const plex = this.client();
    const normalized = query.trim().replace(/\s+/g, ' ');
    const items = await this.cache.wrap(await this.key(`search:${normalized.toLowerCase()}`), SEARCH_TTL_SECONDS, async () =>
      (await plex.search(normalized, 20)).map(toLibraryItem),
    );
    return this.playLinks.attach(items);
  }

  async recentlyAdded(): Promise<PlayableLibraryItem[]> {
    const plex = this.client();
    const items = await this.cache.wrap(await this.key('recent'), RECENT_TTL_SECONDS, async () =>
      (await plex.recentlyAdded(RECENT_SIZE)).map(toLibraryItem),
    );
    return this.playLinks.attach(items);
  }

  async image(path: string): Promise<{ contentType: string; bytes: Buffer }> {
    if (!PLEX_IMAGE_PATH.test(path)) throw AppError.badRequest('path must be a Plex poster or art path (/library/metadata/<id>/thumb/<n>)');
    return this.client().image(path);
  }

  /** The plex-sync job: re-reads libraries and recently added into the cache. No-op without Plex. */
  async refreshCaches(): Promise<void> {
    const plex = this.plex;
    if (!plex) return;
    const [sections, recent] = await Promise.all([plex.sections(), plex.recentlyAdded(RECENT_SIZE)]);
    await Promise.all([
      this.cache.set(await this.key('libraries'), sections.map(toLibrary), LIBRARIES_TTL_SECONDS),
      this.cache.set(await this.key('recent'), recent.map(toLibraryItem), RECENT_TTL_SECONDS),
    ]);
  }

  /** Drops everything cached from Plex (a new generation makes every old key unreachable). */
  async clearCaches(): Promise<void> {
    await this.cache.set(GENERATION_KEY, newGeneration(), GENERATION_TTL_SECONDS);
  }

  private async key(name: string): Promise<string> {
    let generation = await this.cache.get<string>(GENERATION_KEY);
    if (!generation) {
      generation = newGeneration();
      await this.cache.set(GENERATION_KEY, generation, GENERATION_TTL_SECONDS);
    }
    return `plex:${generation}:${name}`;
  }

  private client(): PlexClient {
    if (!this.plex) throw AppError.notConfigured('Plex');
    return this.plex;
  }
}

function newGeneration(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
