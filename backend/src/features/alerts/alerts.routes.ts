/**
 * POST /api/v1/alerts/webhook: Alertmanager's webhook receiver (its v4
 * payload: `status`, `groupKey`, `alerts[]` with labels, annotations,
 * `startsAt`/`endsAt` and `fingerprint`). Authenticated with
 * `Authorization: Bearer ALERTS_WEBHOOK_TOKEN` (404 NOT_CONFIGURED while no
 * token is set, 401 without the right one); each alert is stored by
 * fingerprint + start time. Mounted before the API's 100 kB body parser:
 * alert groups may be up to 1 MB here. Alertmanager treats any 4xx as
 * permanent and retries 5xx, so a malformed body is a 400.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../../errors';
import { jsonBody } from '../../http/json-body';
import { parse } from '../../http/validate';
import { bearerMatches } from '../../secret-compare';
import { logger } from '../../observability/logging/logger';
import type { AlertsRepository, NewAlert } from './alerts.repository';

export const ALERTS_BODY_LIMIT_BYTES = 1024 * 1024;

/** Label and annotation names as Prometheus allows them, minus the reserved `__` prefix. */
const labelName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,199}$/, 'must be a label name')
  .refine((k) => !k.startsWith('__'), 'must not start with __');
const stringMap = (valueMax: number) =>
  z.record(labelName, z.string().max(valueMax)).refine((m) => Object.keys(m).length <= 100, 'must have at most 100 entries');

const time = z
  .string()
  .max(64)
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an RFC 3339 time')
  .transform((v) => new Date(v));

const alertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: stringMap(1_000),
  annotations: stringMap(10_000).default({}),
  startsAt: time,
  endsAt: time.optional(),
  generatorURL: z.string().max(4_000).optional(),
  fingerprint: z.string().min(1).max(128),
});

const webhookSchema = z.object({
  version: z.string().max(10),
  groupKey: z.string().max(10_000).optional(),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().max(1_000),
  alerts: z.array(alertSchema).max(5_000),
});

/** Alertmanager writes the zero time (year 1) for "no end yet". */
function endTime(d: Date | undefined): Date | null {
  return d && d.getUTCFullYear() > 1 ? d : null;
}

function requireWebhookToken(token: string | undefined) {
  return (req: Request, _res: Response, next: NextFunction) => {
    // 404, not 503: anyone can post here, and an install that never set a token must not count their posts as its own failures.
    if (!token) return next(new AppError(404, 'NOT_CONFIGURED', 'The alert webhook is not enabled on this server (ALERTS_WEBHOOK_TOKEN)'));
    if (!bearerMatches(req.headers.authorization, token)) {
      return next(
        new AppError(401, 'UNAUTHENTICATED', 'A valid bearer token is required', {
          headers: { 'WWW-Authenticate': 'Bearer realm="alerts"' },
        }),
      );
    }
    next();
  };
}

export function alertsRouter(repository: AlertsRepository, token: string | undefined): Router {
  const router = Router();
  router.post(
    '/webhook',
    requireWebhookToken(token),
    jsonBody({ limitBytes: ALERTS_BODY_LIMIT_BYTES, types: ['application/json'] }),
    async (req, res) => {
      const body = parse(webhookSchema, req.body, 'Alertmanager webhook body');
      const receivedAt = new Date();
      const rows: NewAlert[] = body.alerts.map((a) => ({
        fingerprint: a.fingerprint,
        alertname: a.labels.alertname ?? '(unnamed)',
        status: a.status,
        severity: a.labels.severity ?? null,
        summary: (a.annotations.summary ?? a.annotations.description ?? null)?.slice(0, 500) ?? null,
        labels: a.labels,
        annotations: a.annotations,
        startsAt: a.startsAt,
        endsAt: endTime(a.endsAt),
        receivedAt,
      }));
      await repository.upsert(rows);
      logger().info(
        {
          event: 'alerts.received',
          group_status: body.status,
          alerts: rows.length,
          firing: rows.filter((r) => r.status === 'firing').length,
        },
        'Alertmanager notification received',
      );
      res.json({ received: rows.length });
    },
  );
  return router;
}
