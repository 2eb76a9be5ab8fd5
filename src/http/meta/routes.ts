/** Public routes: health, the OpenAPI document and its docs page. */
import { Router } from 'express';
import type { QuoteService } from '../../quotes/service';
import type { OpenApiDocument } from '../openapi';
import { renderDocsPage } from './docs-page';

export function metaRoutes(service: QuoteService, document: OpenApiDocument): Router {
  const router = Router();
  const page = renderDocsPage(document);
  router.get('/health', async (_req, res) => {
    res.json(await service.health());
  });
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(page);
  });
  return router;
}
