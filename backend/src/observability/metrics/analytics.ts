/**
 * Business events (logins, media requests, slow external calls): each event moves a
 * metric and writes one structured log line. User ids go into the log line,
 * never into metric labels (no per-user series).
 */
import {
  authFailuresTotal,
  externalApiDuration,
  loginsTotal,
  mediaRequestsTotal,
  requestFulfilmentSeconds,
  type AuthFailureReason,
} from './catalog';
import { logger } from '../logging/logger';

/** How someone signed in (a fixed set: the `method` label of medianest_logins_total). */
export type LoginMethod = 'local' | 'plex' | 'oidc' | 'forward_auth';
export type MediaRequestSource = 'web' | 'webhook' | 'sync' | 'admin' | 'watchlist';

/** External calls slower than this are logged as a warning (5 s: well past any retry budget). */
export const SLOW_EXTERNAL_CALL_MS = 5000;

export const analytics = {
  trackLogin(method: LoginMethod, result: 'success' | 'failure', userId?: string): void {
    loginsTotal.inc({ method, result });
    logger().info(
      { event: result === 'success' ? 'user.login.success' : 'user.login.failure', loginMethod: method, user_id: userId },
      result === 'success' ? 'User signed in' : 'Sign-in failed',
    );
  },

  /**
   * A refused authentication attempt: counted by reason, and one warning line with the client IP and
   * the normalised username (never the password). A refused sign-in also counts as a failed login.
   */
  trackAuthFailure(
    reason: AuthFailureReason,
    details: { ip: string; username?: string; userId?: string; login?: LoginMethod; retryAfterSeconds?: number },
  ): void {
    authFailuresTotal.inc({ reason });
    if (details.login && reason !== 'throttled') loginsTotal.inc({ method: details.login, result: 'failure' });
    logger().warn(
      {
        event: reason === 'throttled' ? 'auth.throttled' : 'auth.failure',
        reason,
        client_ip: details.ip,
        username: details.username,
        user_id: details.userId,
        retry_after_s: details.retryAfterSeconds,
      },
      reason === 'throttled' ? 'Sign-in attempt throttled (429)' : 'Authentication refused',
    );
  },

  trackMediaRequest(userId: string, mediaType: string, source: MediaRequestSource, status: string): void {
    mediaRequestsTotal.inc({ type: mediaType, status, source });
    logger().info({ event: 'media.request.' + status, user_id: userId, mediaType, source, status }, 'Media request ' + status);
  },

  /**
   * A request became available `seconds` after it was made. Called where a request's status
   * changes are recorded, only when its "available" step is stored for the first time.
   */
  trackRequestFulfilled(requestId: number, mediaType: 'movie' | 'tv', seconds: number): void {
    requestFulfilmentSeconds.observe({ type: mediaType }, Math.max(0, seconds));
    logger().info({ event: 'media.request.fulfilled', requestId, mediaType, fulfilment_s: Math.round(seconds) }, 'Media request fulfilled');
  },

  /**
   * One finished call to Plex, plex.tv or Overseerr (integrations/http-client.ts calls this for
   * every call, so features never do). `operation` is a fixed name, never a URL.
   */
  trackExternalApiCall(service: string, operation: string, durationMs: number, status: string): void {
    externalApiDuration.observe({ service, operation, status }, durationMs / 1000);
    if (durationMs > SLOW_EXTERNAL_CALL_MS) {
      logger().warn(
        { event: 'external.api.slow', service, operation, duration_ms: Math.round(durationMs), status },
        'Slow external API call detected',
      );
    }
  },

  trackFeatureUsage(userId: string, feature: string, action: string): void {
    logger().info({ event: 'feature.usage', user_id: userId, feature, action }, 'Feature used');
  },
};
