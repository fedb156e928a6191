/**
 * Search and title details, proxied from Overseerr (through the gateway,
 * which caches them briefly) and marked for the caller: is it available, being processed,
 * requested already (in Overseerr or through MediaNest), and the caller's own
 * request id when there is one. People are left out of search results.
 */
import type { MediaType } from '../../db/schema';
import type { User } from '../users/user';
import type { OverseerrGateway } from './overseerr-gateway';
import type { MediaRequestsRepository } from './requests.repository';
import { detailsOf, summarizeResults, titleIds } from './title-summary';
import type { MediaDetails, SearchPage } from '@medianest/contracts';

export class MediaService {
  constructor(
    private readonly overseerr: OverseerrGateway,
    private readonly requests: MediaRequestsRepository,
  ) {}

  async search(user: User, query: string, page: number): Promise<SearchPage> {
    const raw = await this.overseerr.search(query.trim().replace(/\s+/g, ' '), page);
    const results = summarizeResults(user, raw.results, await this.requests.findActiveForTitles(titleIds(raw.results)));
    return {
      page: raw.page,
      totalPages: raw.totalPages,
      // People are left out, so they do not count either (exact for a single page, the best estimate beyond).
      totalResults: Math.max(results.length, raw.totalResults - (raw.results.length - results.length)),
      results,
    };
  }

  async details(user: User, mediaType: MediaType, tmdbId: number): Promise<MediaDetails> {
    const d = await this.overseerr.details(mediaType, tmdbId);
    return detailsOf(user, d, await this.requests.findActiveForMedia(mediaType, tmdbId));
  }
}
