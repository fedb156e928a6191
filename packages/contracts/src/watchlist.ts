/**
 * The member's Plex watchlist (read from plex.tv with their own Plex token):
 * each title with its availability and the member's request state, "Request
 * all", the member's opt-in to automatic requests and the owner's switch.
 */
import { z } from 'zod';
import type { MediaSummary } from './api';
import type { MediaType } from './domain';

/**
 * Why a member sees no watchlist: they never signed in with Plex here, their Plex sign-in is no
 * longer accepted by plex.tv (sign in with Plex again), or Overseerr is not configured.
 */
export const watchlistUnavailableReasons = ['no_plex_sign_in', 'plex_sign_in_expired', 'overseerr_not_configured'] as const;
export type WatchlistUnavailableReason = (typeof watchlistUnavailableReasons)[number];

/** One watchlist title: the same summary search results carry (availability, the member's request). */
export type WatchlistItem = MediaSummary;

/** `GET /api/v1/watchlist`. */
export interface WatchlistResponse {
  /** Null when the watchlist could be read; otherwise why there is none (items is then empty). */
  unavailable: WatchlistUnavailableReason | null;
  items: WatchlistItem[];
  /** Titles on the Plex watchlist that carry no TMDB id (MediaNest cannot look them up or request them). */
  unmatched: number;
  autoRequest: {
    /** The owner turned automatic requests from watchlists on. */
    offered: boolean;
    /** This member opted in. */
    enabled: boolean;
  };
}

/** Why "Request all" left a title out. */
export const watchlistSkipReasons = [
  'available',
  'already_requested',
  'blocklisted',
  'quota',
  'not_allowed',
  'not_linked',
  'failed',
] as const;
export type WatchlistSkipReason = (typeof watchlistSkipReasons)[number];

export interface WatchlistTitleRef {
  mediaType: MediaType;
  tmdbId: number;
  title: string;
}

/** `POST /api/v1/watchlist/request-all`: what was requested, and what was left out and why. */
export interface WatchlistRequestAllResult extends WatchlistResponse {
  requested: (WatchlistTitleRef & { requestId: number })[];
  skipped: (WatchlistTitleRef & { reason: WatchlistSkipReason })[];
}

/** `GET|PATCH /api/v1/admin/watchlist`: the owner's switch for automatic requests from members' watchlists. */
export interface WatchlistOwnerSettings {
  autoRequest: boolean;
}

/** PATCH /api/v1/watchlist/auto-request: the member opts in or out of automatic requests. */
export const watchlistAutoRequestBody = z.object({ enabled: z.boolean({ message: 'enabled must be true or false' }) }).strict();
export type WatchlistAutoRequestBody = z.input<typeof watchlistAutoRequestBody>;

/** PATCH /api/v1/admin/watchlist. */
export const watchlistOwnerSettingsBody = z.object({ autoRequest: z.boolean({ message: 'autoRequest must be true or false' }) }).strict();
export type WatchlistOwnerSettingsBody = z.input<typeof watchlistOwnerSettingsBody>;
