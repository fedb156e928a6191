/**
 * Discover: the rows a member browses (trending, popular and upcoming movies
 * and shows, one row per genre Overseerr offers) and a title's
 * recommendations and similar titles, page by page, read as the member and
 * marked with where each title stands (in Plex, requested, the member's own
 * request) by the same mapping as search results.
 */
import type { DiscoverSource, OverseerrSearchPage } from '../../integrations/overseerr';
import type { MediaType } from '../../db/schema';
import { titleLoadFailure } from '../media/overseerr-gateway';
import type { MediaRequestsRepository } from '../media/requests.repository';
import { summarizeResults, titleIds } from '../media/title-summary';
import type { User } from '../users/user';
import type { MemberOverseerr } from './member-overseerr';
import type { DiscoverRow, DiscoverRowKind, DiscoverRows, TitleListPage } from '@medianest/contracts';

/** The rows every member sees first, in this order; the genre rows follow. */
const FIXED_ROWS: { kind: DiscoverRowKind; source: DiscoverSource }[] = [
  { kind: 'trending', source: { list: 'trending' } },
  { kind: 'popular-movies', source: { list: 'popular', mediaType: 'movie' } },
  { kind: 'popular-tv', source: { list: 'popular', mediaType: 'tv' } },
  { kind: 'upcoming-movies', source: { list: 'upcoming', mediaType: 'movie' } },
  { kind: 'upcoming-tv', source: { list: 'upcoming', mediaType: 'tv' } },
];

/** Where a row's titles come from; the id was checked by the route (`discoverRowParams`). */
export function sourceOf(rowId: string): DiscoverSource {
  const fixed = FIXED_ROWS.find((r) => r.kind === rowId);
  if (fixed) return fixed.source;
  const genre = /^(movie|tv)-genre-(\d+)$/.exec(rowId);
  if (!genre) throw new Error(`not a Discover row: ${rowId}`);
  return { list: 'genre', mediaType: genre[1] as MediaType, genreId: Number(genre[2]) };
}

export class DiscoverService {
  constructor(
    private readonly member: MemberOverseerr,
    private readonly requests: MediaRequestsRepository,
  ) {}

  /** The rows, in order: the fixed ones, then a row per movie genre and per TV genre. */
  async rows(user: User): Promise<DiscoverRows> {
    const [movie, tv] = await this.member.read(user, 'genres', ({ client, overseerrUserId }) =>
      Promise.all([client.genreSlider('movie', overseerrUserId), client.genreSlider('tv', overseerrUserId)]),
    );
    const genreRow = (type: MediaType, g: { id: number; name: string }): DiscoverRow => ({
      id: `${type}-genre-${g.id}`,
      kind: type === 'movie' ? 'movie-genre' : 'tv-genre',
      genre: g.name,
    });
    return {
      rows: [
        ...FIXED_ROWS.map((r): DiscoverRow => ({ id: r.kind, kind: r.kind, genre: null })),
        ...movie.map((g) => genreRow('movie', g)),
        ...tv.map((g) => genreRow('tv', g)),
      ],
    };
  }

  async row(user: User, rowId: string, page: number): Promise<TitleListPage> {
    const source = sourceOf(rowId);
    const raw = await this.member.read(user, `row:${rowId}:${page}`, ({ client, overseerrUserId }) =>
      client.discover(source, page, overseerrUserId),
    );
    return this.cards(user, raw);
  }

  /** A title's recommendations or similar titles (an id TMDB does not know: Overseerr's 500, explained). */
  async related(
    user: User,
    mediaType: MediaType,
    tmdbId: number,
    list: 'recommendations' | 'similar',
    page: number,
  ): Promise<TitleListPage> {
    try {
      const raw = await this.member.read(user, `${list}:${mediaType}:${tmdbId}:${page}`, ({ client, overseerrUserId }) =>
        client.related(mediaType, tmdbId, list, page, overseerrUserId),
      );
      return await this.cards(user, raw);
    } catch (err) {
      throw titleLoadFailure(err, mediaType, tmdbId);
    }
  }

  private async cards(user: User, raw: OverseerrSearchPage): Promise<TitleListPage> {
    const results = summarizeResults(user, raw.results, await this.requests.findActiveForTitles(titleIds(raw.results)));
    return { page: raw.page, totalPages: raw.totalPages, results };
  }
}
