/**
 * Business events (the document's AnalyticsService, §2.3): each event moves a
 * metric and writes one structured log line. User ids go into the log line,
 * never into metric labels (no per-user series).
 */
import { loginsTotal, mediaRequestsTotal } from './metrics';
import { logger } from './logger';

export type LoginMethod = 'local' | 'plex';
export type MediaRequestSource = 'web' | 'webhook' | 'sync' | 'admin';

export const analytics = {
  trackLogin(method: LoginMethod, result: 'success' | 'failure', userId?: string): void {
    loginsTotal.inc({ method, result });
    logger().info(
      { event: result === 'success' ? 'user.login.success' : 'user.login.failure', loginMethod: method, userId },
      result === 'success' ? 'User signed in' : 'Sign-in failed',
    );
  },

  trackMediaRequest(userId: string, mediaType: string, source: MediaRequestSource, status: string): void {
    mediaRequestsTotal.inc({ type: mediaType, status, source });
    logger().info({ event: 'media.request.' + status, userId, mediaType, source, status }, 'Media request ' + status);
  },

  trackFeatureUsage(userId: string, feature: string, action: string): void {
    logger().info({ event: 'feature.usage', userId, feature, action }, 'Feature used');
  },

  trackError(userId: string | undefined, errorType: string, error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    logger().error({ event: 'application.error', userId, errorType, err }, 'Application error: ' + errorType);
  },
};
