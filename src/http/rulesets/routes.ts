/** /api/rulesets/:hash: the exact files a quote was priced with. */
import { Router } from 'express';
import type { QuoteService } from '../../quotes/service';
import { actorOf, parsePart } from '../parse';
import { ruleSetParams } from './validators';

export function ruleSetRoutes(service: QuoteService): Router {
  const router = Router();
  router.get('/rulesets/:hash', async (req, res) => {
    const { hash } = parsePart(ruleSetParams, req.params, 'params');
    res.json(await service.ruleSetFiles(actorOf(res), hash));
  });
  return router;
}
