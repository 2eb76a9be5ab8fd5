/** Public routes, served before authentication: health, the OpenAPI document and its docs page. */
import { defineRoute, type Route } from '../route';
import { DOCS_PAGE_CONTENT_SECURITY_POLICY } from './docs-page';

export const metaRoutes: readonly Route[] = [
  defineRoute({
    method: 'get',
    path: '/health',
    operationId: 'health',
    summary: 'Liveness, with a round trip to the store',
    policy: 'public',
    responses: {
      200: { description: 'Up', schema: 'Health' },
      503: { description: 'Store unavailable', schema: 'Error' },
    },
    async handler({ res, service }) {
      res.json(await service.health());
    },
  }),
  defineRoute({
    method: 'get',
    path: '/openapi.json',
    operationId: 'openApi',
    summary: 'This document',
    policy: 'public',
    responses: { 200: { description: 'OpenAPI 3.1' } },
    handler({ res, documentation }) {
      res.json(documentation.openApi);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/docs',
    operationId: 'docs',
    summary: 'A readable page of the operations',
    policy: 'public',
    responses: { 200: { description: 'HTML' } },
    handler({ res, documentation }) {
      res
        .type('html')
        .set('Content-Security-Policy', DOCS_PAGE_CONTENT_SECURITY_POLICY)
        .send(documentation.page);
    },
  }),
];
