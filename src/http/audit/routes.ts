/** /api/audit: the append-only log, for finance and admin; no route writes to it. */
import { Router } from 'express';
import type { QuoteService } from '../../quotes/service';
import { actorOf, parsePart } from '../parse';
import { auditQuery } from './validators';

export function auditRoutes(service: QuoteService): Router {
  const router = Router();
  router.get('/audit', async (req, res) => {
    res.json(await service.audit(actorOf(res), parsePart(auditQuery, req.query, 'query')));
  });
  router.get('/audit/verify', async (_req, res) => {
    res.json(await service.verifyAudit(actorOf(res)));
  });
  return router;
}
