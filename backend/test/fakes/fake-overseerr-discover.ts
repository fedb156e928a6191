/**
 * What the fake Overseerr discovers: the titles behind its Discover lists
 * (trending, popular and upcoming movies and shows, by genre), the genre
 * slider, and a title's recommendations and similar titles, rendered as
 * Seerr renders them — MovieResult / TvResult bodies (`mediaType`, TMDB's
 * camelCased fields), 20 per page, `{page, totalPages, totalResults,
 * results}`; trending mixes a person in. Titles only the catalog knows get
 * full MovieDetails / TvDetails (credits, a YouTube trailer, seasons), so a
 * card can always be opened and requested.
 *
 * The catalog is `fixtures/overseerr-discover.json` (made-up image paths and
 * trailer keys) plus the titles of the movie and TV fixtures. Availability
 * (`mediaInfo`) is the fake Overseerr's own state, attached by the caller.
 */
import catalogFixture from './fixtures/overseerr-discover.json';
import moviesFixture from './fixtures/overseerr-movies.json';
import tvFixture from './fixtures/overseerr-tv.json';

type MediaType = 'movie' | 'tv';
type CatalogMovie = (typeof catalogFixture.movies)[number];
type CatalogTv = (typeof catalogFixture.tv)[number];
type Entry = { mediaType: 'movie'; movie: CatalogMovie } | { mediaType: 'tv'; tv: CatalogTv };
export type DiscoverList = 'trending' | 'popular' | 'upcoming' | 'genre';

const PAGE_SIZE = 20;
/** Seerr's trending list carries people too (PersonResult); MediaNest leaves them out. */
const TRENDING_PERSON = {
  id: 6384,
  mediaType: 'person',
  name: 'Keanu Reeves',
  profilePath: '/4D0PpNI0kmP58hgrwGC3wCjxhnm.jpg',
  adult: false,
};

export interface PageBody {
  page: number;
  totalPages: number;
  totalResults: number;
  results: Record<string, unknown>[];
}

function genreIdsOf(genres: { id: number }[] | undefined): number[] {
  return (genres ?? []).map((g) => g.id);
}

/** The fixture titles with full details, as catalog entries (their own details are served from the fixtures). */
function fixtureEntries(): Entry[] {
  const movies = Object.values(moviesFixture as Record<string, Record<string, unknown> & { genres?: { id: number }[] }>).map(
    (m): Entry => ({
      mediaType: 'movie',
      movie: { ...(m as unknown as CatalogMovie), genreIds: genreIdsOf(m.genres), popularity: Number(m.popularity ?? 50), upcoming: false },
    }),
  );
  const shows = Object.values(tvFixture as Record<string, Record<string, unknown> & { genres?: { id: number }[] }>).map((t): Entry => ({
    mediaType: 'tv',
    tv: { ...(t as unknown as CatalogTv), genreIds: genreIdsOf(t.genres), popularity: Number(t.popularity ?? 60), upcoming: false },
  }));
  return [...movies, ...shows];
}

export class DiscoverCatalog {
  private readonly entries: Entry[] = [
    ...catalogFixture.movies.map((movie): Entry => ({ mediaType: 'movie', movie })),
    ...catalogFixture.tv.map((tv): Entry => ({ mediaType: 'tv', tv })),
    ...fixtureEntries(),
  ];

  /** Where some catalog titles start out in the fake's media table (available, partly, processing, pending, blocklisted). */
  readonly initialMedia = catalogFixture.mediaInfo;

  /** One page of a Discover list (an empty one for a genre without titles, as Seerr answers). */
  list(list: DiscoverList, page: number, mediaType?: MediaType, genreId?: number): PageBody {
    const byPopularity = (a: Entry, b: Entry) => this.popularity(b) - this.popularity(a);
    const of = (type: MediaType | undefined) => this.entries.filter((e) => type === undefined || e.mediaType === type);
    let titles: Entry[];
    switch (list) {
      case 'trending':
        titles = of(undefined)
          .filter((e) => !this.upcoming(e))
          .sort(byPopularity);
        break;
      case 'popular':
        titles = of(mediaType)
          .filter((e) => !this.upcoming(e))
          .sort(byPopularity);
        break;
      case 'upcoming':
        titles = of(mediaType)
          .filter((e) => this.upcoming(e))
          .sort((a, b) => this.date(a).localeCompare(this.date(b)));
        break;
      case 'genre':
        titles = of(mediaType)
          .filter((e) => this.genres(e).includes(genreId ?? -1))
          .sort(byPopularity);
        break;
    }
    const results: Record<string, unknown>[] = titles.map((e) => this.result(e));
    if (list === 'trending') results.splice(3, 0, TRENDING_PERSON);
    return this.paged(results, page);
  }

  /** Recommendations (same type, most popular first) or similar titles (sharing a genre), never the title itself. */
  related(mediaType: MediaType, tmdbId: number, list: 'recommendations' | 'similar', page: number): PageBody | undefined {
    const self = this.find(mediaType, tmdbId);
    if (!self) return undefined;
    const genres = new Set(this.genres(self));
    const titles = this.entries
      .filter((e) => e.mediaType === mediaType && this.id(e) !== tmdbId && !this.upcoming(e))
      .filter((e) => list === 'recommendations' || this.genres(e).some((g) => genres.has(g)))
      .sort((a, b) => this.popularity(b) - this.popularity(a));
    return this.paged(
      titles.map((e) => this.result(e)),
      page,
    );
  }

  /** GET /discover/genreslider/{type}: genres with titles, by name, each with up to four backdrops. */
  genreSlider(mediaType: MediaType): { id: number; name: string; backdrops: string[] }[] {
    return catalogFixture.genres[mediaType]
      .map((g) => ({
        id: g.id,
        name: g.name,
        backdrops: this.entries
          .filter((e) => e.mediaType === mediaType && this.genres(e).includes(g.id))
          .map((e) => (e.mediaType === 'movie' ? e.movie.backdropPath : e.tv.backdropPath))
          .filter((p): p is string => typeof p === 'string')
          .slice(0, 4),
      }))
      .filter((g) => g.backdrops.length > 0)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Full MovieDetails / TvDetails of a catalog-only title (the fixture titles have their own). */
  details(mediaType: MediaType, tmdbId: number): Record<string, unknown> | undefined {
    const e = this.find(mediaType, tmdbId);
    if (!e || e.mediaType !== mediaType || !this.fromCatalog(e)) return undefined;
    const names = new Map(catalogFixture.genres[mediaType].map((g) => [g.id, g.name]));
    const common = {
      genres: this.genres(e).map((id) => ({ id, name: names.get(id) ?? 'Other' })),
      credits: {
        cast: (e.mediaType === 'movie' ? e.movie.cast : e.tv.cast).map((c, i) => ({
          id: tmdbId * 10 + i,
          castId: i + 1,
          character: c.character,
          creditId: `c${tmdbId}${i}`,
          gender: 0,
          name: c.name,
          order: i,
          profilePath: null,
        })),
        crew: [],
      },
      relatedVideos: this.trailer(e),
      productionCompanies: [],
      productionCountries: [],
      spokenLanguages: [],
      homepage: '',
      externalIds: {},
      watchProviders: [],
    };
    if (e.mediaType === 'movie') {
      const { genreIds: _g, cast: _c, trailerKey: _t, upcoming: _u, ...movie } = e.movie;
      return { ...movie, ...common, budget: 0, revenue: 0, releases: { results: [] }, imdbId: null };
    }
    const { genreIds: _g, cast: _c, trailerKey: _t, upcoming: _u, episodesPerSeason, episodeRunTime, ...show } = e.tv;
    return {
      ...show,
      ...common,
      episodeRunTime: [episodeRunTime],
      numberOfSeasons: episodesPerSeason.length,
      numberOfEpisodes: episodesPerSeason.reduce((n, c) => n + c, 0),
      inProduction: show.status !== 'Ended',
      languages: [show.originalLanguage],
      networks: [],
      createdBy: [],
      contentRatings: { results: [] },
      keywords: [],
      type: 'Scripted',
      seasons: episodesPerSeason.map((count, i) => ({
        id: tmdbId * 100 + i + 1,
        airDate: `${Number(show.firstAirDate.slice(0, 4)) + i}${show.firstAirDate.slice(4)}`,
        episodeCount: count,
        name: `Season ${i + 1}`,
        overview: '',
        posterPath: null,
        seasonNumber: i + 1,
      })),
    };
  }

  private paged(results: Record<string, unknown>[], page: number): PageBody {
    return {
      page,
      totalPages: Math.max(1, Math.ceil(results.length / PAGE_SIZE)),
      totalResults: results.length,
      results: results.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
    };
  }

  /** A MovieResult or TvResult, without `mediaInfo` (the fake adds its own state). */
  private result(e: Entry): Record<string, unknown> {
    const shared = (t: CatalogMovie | CatalogTv) => ({
      id: t.id,
      mediaType: e.mediaType,
      popularity: t.popularity,
      posterPath: t.posterPath,
      backdropPath: t.backdropPath,
      voteCount: t.voteCount ?? 0,
      voteAverage: t.voteAverage,
      genreIds: t.genreIds,
      overview: t.overview,
      originalLanguage: t.originalLanguage ?? 'en',
    });
    if (e.mediaType === 'movie') {
      const m = e.movie;
      return {
        ...shared(m),
        title: m.title,
        originalTitle: m.originalTitle ?? m.title,
        releaseDate: m.releaseDate,
        adult: false,
        video: false,
      };
    }
    const t = e.tv;
    return {
      ...shared(t),
      name: t.name,
      originalName: t.originalName ?? t.name,
      originCountry: t.originCountry ?? ['US'],
      firstAirDate: t.firstAirDate,
    };
  }

  private trailer(e: Entry): Record<string, unknown>[] {
    const t = e.mediaType === 'movie' ? e.movie : e.tv;
    if (!t.trailerKey) return [];
    const name = `${e.mediaType === 'movie' ? e.movie.title : e.tv.name} | Official Trailer`;
    return [
      { url: `https://www.youtube.com/watch?v=${t.trailerKey}`, key: t.trailerKey, name, size: 1080, type: 'Trailer', site: 'YouTube' },
    ];
  }

  private find(mediaType: MediaType, tmdbId: number): Entry | undefined {
    return this.entries.find((e) => e.mediaType === mediaType && this.id(e) === tmdbId);
  }

  private fromCatalog(e: Entry): boolean {
    return e.mediaType === 'movie' ? catalogFixture.movies.includes(e.movie) : catalogFixture.tv.includes(e.tv);
  }

  private id(e: Entry): number {
    return e.mediaType === 'movie' ? e.movie.id : e.tv.id;
  }

  private genres(e: Entry): number[] {
    return e.mediaType === 'movie' ? e.movie.genreIds : e.tv.genreIds;
  }

  private popularity(e: Entry): number {
    return e.mediaType === 'movie' ? e.movie.popularity : e.tv.popularity;
  }

  private upcoming(e: Entry): boolean {
    return e.mediaType === 'movie' ? e.movie.upcoming : e.tv.upcoming;
  }

  private date(e: Entry): string {
    return e.mediaType === 'movie' ? e.movie.releaseDate : e.tv.firstAirDate;
  }
}
