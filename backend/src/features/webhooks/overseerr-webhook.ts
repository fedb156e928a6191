/**
 * Overseerr's webhook (its "Webhook" notification agent): who may send it and
 * what it says. Overseerr sends its "Authorization Header" setting verbatim
 * (no "Bearer" added) and never retries; every template value is a string
 * ("request_id":"42", "status":"PROCESSING").
 */
import { z } from 'zod';
import type { RequestStatus } from '../../db/schema';
import { bearerMatches, secretsEqual } from '../../secret-compare';

/** Constant-time check of the Authorization header: the secret itself, or `Bearer <secret>`. */
export function webhookAuthorized(header: string | undefined, secret: string): boolean {
  if (!header) return false;
  const given = header.trim();
  const plain = secretsEqual(given, secret);
  const bearer = bearerMatches(given, secret);
  return plain || bearer;
}

const text = z.union([z.string(), z.number()]).transform(String);

export const webhookPayloadSchema = z.looseObject({
  notification_type: z.string().min(1),
  event: text.optional(),
  subject: text.optional(),
  media: z
    .looseObject({
      media_type: z.string().optional(),
      tmdbId: text.optional(),
      tvdbId: text.optional(),
      status: text.optional(),
      status4k: text.optional(),
    })
    .nullish(),
  request: z.looseObject({ request_id: text.optional(), requestedBy_email: text.optional() }).nullish(),
  issue: z.looseObject({ issue_id: text.optional(), issue_type: text.optional(), issue_status: text.optional() }).nullish(),
  comment: z.looseObject({ comment_message: text.optional(), commentedBy_username: text.optional() }).nullish(),
});
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

/**
 * What a notification type means for our request: the statuses it moves
 * through, in order (an approval whose media is already PROCESSING is
 * `approved` then `processing`); `ignore` for types we do not track (auto-requests from watchlists).
 */
export type WebhookAction =
  | { kind: 'status'; statuses: RequestStatus[] }
  | { kind: 'issue'; change: 'created' | 'comment' | 'resolved' | 'reopened' }
  | { kind: 'test' }
  | { kind: 'ignore' }
  | { kind: 'unknown' };

const IGNORED_TYPES = new Set(['MEDIA_AUTO_REQUESTED']);

export function actionFor(payload: WebhookPayload): WebhookAction {
  switch (payload.notification_type) {
    case 'TEST_NOTIFICATION':
      return { kind: 'test' };
    case 'MEDIA_PENDING':
      return { kind: 'status', statuses: ['pending'] };
    case 'MEDIA_APPROVED':
    case 'MEDIA_AUTO_APPROVED':
      return { kind: 'status', statuses: payload.media?.status === 'PROCESSING' ? ['approved', 'processing'] : ['approved'] };
    case 'MEDIA_AVAILABLE':
      return { kind: 'status', statuses: ['available'] };
    case 'MEDIA_DECLINED':
      return { kind: 'status', statuses: ['declined'] };
    case 'MEDIA_FAILED':
      return { kind: 'status', statuses: ['failed'] };
    case 'ISSUE_CREATED':
      return { kind: 'issue', change: 'created' };
    case 'ISSUE_COMMENT':
      return { kind: 'issue', change: 'comment' };
    case 'ISSUE_RESOLVED':
      return { kind: 'issue', change: 'resolved' };
    case 'ISSUE_REOPENED':
      return { kind: 'issue', change: 'reopened' };
    default:
      return IGNORED_TYPES.has(payload.notification_type) ? { kind: 'ignore' } : { kind: 'unknown' };
  }
}

/** A positive integer from a template string ("42"), else undefined ("" when the value was missing). */
export function idFrom(value: string | undefined): number | undefined {
  if (!value || !/^\d{1,10}$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 && n <= 2_147_483_647 ? n : undefined;
}
