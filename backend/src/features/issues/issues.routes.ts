/**
 * /api/v1/issues: the signed-in member's problem reports (issues in
 * Overseerr, filed as them): list, report, read with comments, comment.
 */
import { problemCommentBody, problemReportCreateBody } from '@medianest/contracts';
import { Router } from 'express';
import { z } from 'zod';
import { authed } from '../../http/authed';
import type { ApiRes } from '../../http/api-response';
import { parse } from '../../http/validate';
import type { IssuesService } from './issues.service';

const idParams = z.object({ id: z.coerce.number({ message: 'id must be a number' }).int().positive().max(2_147_483_647) });

export function issuesRouter(issues: IssuesService): Router {
  const router = Router();

  router.get(
    '/',
    authed(async (_req, res: ApiRes<'GET /api/v1/issues'>, user) => {
      res.json(await issues.list(user));
    }),
  );

  router.post(
    '/',
    authed(async (req, res: ApiRes<'POST /api/v1/issues'>, user) => {
      const body = parse(problemReportCreateBody, req.body);
      res.status(201).json({ issue: await issues.create(user, body) });
    }),
  );

  router.get(
    '/:id',
    authed(async (req, res: ApiRes<'GET /api/v1/issues/:id'>, user) => {
      const { id } = parse(idParams, req.params, 'problem report id');
      res.json({ issue: await issues.get(user, id) });
    }),
  );

  router.post(
    '/:id/comments',
    authed(async (req, res: ApiRes<'POST /api/v1/issues/:id/comments'>, user) => {
      const { id } = parse(idParams, req.params, 'problem report id');
      const { message } = parse(problemCommentBody, req.body);
      res.json({ issue: await issues.comment(user, id, message) });
    }),
  );

  return router;
}
