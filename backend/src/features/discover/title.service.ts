/**
 * A title page: Overseerr's details of a movie or show read as the member
 * (facts, cast, trailer), where it stands (the same mapping as search
 * results), for a show every season with its availability and the member's
 * own request for it, and Play on Plex once it is in Plex.
 */
import type { MediaType } from '../../db/schema';
import type { OverseerrMovie, OverseerrTv } from '../../integrations/overseerr';
import type { OverseerrGateway } from '../media/overseerr-gateway';
import { standingFor } from '../media/request-status';
import type { MediaRequestRow, MediaRequestsRepository } from '../media/requests.repository';
import { detailsOf } from '../media/title-summary';
import type { PlayLinks } from '../plex/play-links';
import type { User } from '../users/user';
import type { MemberOverseerr } from './member-overseerr';
import type { CastMember, SeasonSummary, TitleDetails, TitleSeason } from '@medianest/contracts';

const TOP_CAST = 12;
const VIDEO_KEY = /^[\w-]{1,32}$/;

/** The title's trailer on YouTube (a teaser when there is no trailer), as a watch link; null when there is none. */
export function trailerUrl(videos: OverseerrMovie['relatedVideos']): string | null {
  const youtube = (videos ?? []).filter((v) => v.site === 'YouTube' && VIDEO_KEY.test(v.key));
  const best = youtube.find((v) => v.type === 'Trailer') ?? youtube.find((v) => v.type === 'Teaser');
  return best ? `https://www.youtube.com/watch?v=${best.key}` : null;
}

function topCast(title: OverseerrMovie | OverseerrTv): CastMember[] {
  return [...(title.credits?.cast ?? [])]
    .sort((a, b) => (a.order ?? Number.MAX_SAFE_INTEGER) - (b.order ?? Number.MAX_SAFE_INTEGER))
    .slice(0, TOP_CAST)
    .map((c) => ({ name: c.name, character: c.character ?? null, profilePath: c.profilePath ?? null }));
}

export class TitleService {
  constructor(
    private readonly member: MemberOverseerr,
    private readonly overseerr: OverseerrGateway,
    private readonly requests: MediaRequestsRepository,
    private readonly playLinks: PlayLinks,
  ) {}

  async details(user: User, mediaType: MediaType, tmdbId: number): Promise<TitleDetails> {
    const { overseerrUserId } = await this.member.actAs(user);
    const d = await this.overseerr.details(mediaType, tmdbId, {
      userId: user.id,
      overseerrUserId,
      ttlSeconds: this.member.ttlSeconds,
    });
    const title = d.mediaType === 'movie' ? d.movie : d.tv;
    const ours = await this.requests.findActiveForMedia(mediaType, tmdbId);
    const base = detailsOf(user, d, ours);
    const inPlex = base.availability === 'available' || base.availability === 'partially_available';
    return {
      ...base,
      seasons: base.seasons.map((s) => this.season(user, s, standingFor(title.mediaInfo, ours), base.availability === 'blocklisted')),
      cast: topCast(title),
      trailerUrl: trailerUrl(title.relatedVideos),
      playUrl: inPlex ? await this.playLinks.forRatingKey(title.mediaInfo?.ratingKey ?? null) : null,
    };
  }

  /** A season with the member's own request covering it; requestable while nobody has it or asked for it. */
  private season(user: User, s: SeasonSummary, standing: MediaRequestRow[], blocked: boolean): TitleSeason {
    const own = standing.find((r) => r.userId === user.id && (r.seasons === null || r.seasons.includes(s.seasonNumber)));
    return {
      ...s,
      requestable: !blocked && s.availability === 'none',
      requestId: own?.id ?? null,
      requestStatus: own?.status ?? null,
    };
  }
}
