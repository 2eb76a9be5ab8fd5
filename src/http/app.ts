/**
 * The HTTP face of a quote service: express 5 under /api, serving the route table (routes.ts).
 * Public routes first (health, OpenAPI, docs), then authentication, the JSON body parser (64 kB),
 * the protected routes, and the one error handler. It wires nothing itself: serve/ builds the
 * service and hands it in.
 */
import express, { Router, type Express } from 'express';
import type { Logger } from 'pino';
import type { QuoteService } from '../quotes/service';
import type { RuleSet } from '../rules/compile';
import type { User } from '../store/types';
import { authenticate } from './auth';
import { errorHandler, notFound } from './errors';
import { defaultLogger, requestLogger } from './logging';
import { renderDocsPage } from './meta/docs-page';
import { API_PREFIX, buildOpenApiDocument } from './openapi';
import { routerOf, type RouteContext } from './route';
import { API_ROUTES, isPublic } from './routes';

/** The largest JSON body accepted; a quote request is well under 2 kB. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export interface AppOptions {
  service: QuoteService;
  /** The rule set new quotes are priced with, described by the OpenAPI document. */
  ruleSet: RuleSet;
  /** The user a bearer token's sha256 belongs to. */
  findUserByTokenHash: (tokenHash: string) => Promise<User | undefined>;
  /** Milliseconds since the epoch; injectable so tests can move time past a token's cache life. */
  now?: () => number;
  logger?: Logger;
}

export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // Quotes change state; a conditional GET answering 304 from a stale ETag would hide that.
  app.set('etag', false);
  app.use(requestLogger(options.logger ?? defaultLogger()));

  const openApi = buildOpenApiDocument(API_ROUTES, options.ruleSet);
  const context: RouteContext = {
    service: options.service,
    documentation: { openApi, page: renderDocsPage(openApi) },
  };
  const api = Router();
  api.use(routerOf(API_ROUTES.filter(isPublic), context));
  api.use(authenticate(options.findUserByTokenHash, options.now ?? Date.now));
  api.use(express.json({ limit: BODY_LIMIT_BYTES }));
  api.use(
    routerOf(
      API_ROUTES.filter((route) => !isPublic(route)),
      context,
    ),
  );
  api.use(notFound);

  app.use(API_PREFIX, api);
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
