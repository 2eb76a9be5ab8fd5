/**
 * The HTTP service: express 5 under /api. Public routes first (health, OpenAPI, docs), then
 * authentication, the JSON body parser (64 kB), the domain routes, and the one error handler.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { Router, type Express } from 'express';
import type { Logger } from 'pino';
import { ProposalRenderer } from '../proposals/renderer';
import { QuoteService, type Clock } from '../quotes/service';
import type { RuleSet } from '../rules/compile';
import type { Store } from '../store/types';
import { auditRoutes } from './audit/routes';
import { authenticate } from './auth';
import { errorHandler, notFound } from './errors';
import { defaultLogger, requestLogger } from './logging';
import { metaRoutes } from './meta/routes';
import { buildOpenApiDocument } from './openapi';
import { quoteRoutes } from './quotes/routes';
import { ruleSetRoutes } from './rulesets/routes';

/** The largest JSON body accepted; a quote request is well under 2 kB. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export interface AppOptions {
  store: Store;
  /** The rule set new quotes are priced with (loadRuleSet). */
  ruleSet: RuleSet;
  /** Injectable so tests can move time past a quote's validity. */
  clock?: Clock;
  logger?: Logger;
  /**
   * Prints proposals and deal sheets: one per process, whose owner closes it. Without one,
   * createApp makes its own (Chromium starts at the first PDF asked for) that nothing closes;
   * startServer makes one and closes it in close().
   */
  renderer?: ProposalRenderer;
}

export function createApp(options: AppOptions): Express {
  const service = new QuoteService({
    store: options.store,
    ruleSet: options.ruleSet,
    renderer: options.renderer ?? new ProposalRenderer(),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const app = express();
  app.disable('x-powered-by');
  // Quotes change state; a conditional GET answering 304 from a stale ETag would hide that.
  app.set('etag', false);
  app.use(requestLogger(options.logger ?? defaultLogger()));

  const api = Router();
  api.use(metaRoutes(service, buildOpenApiDocument(options.ruleSet)));
  const clock = options.clock;
  api.use(authenticate(options.store, clock ? () => clock().getTime() : Date.now));
  api.use(express.json({ limit: BODY_LIMIT_BYTES }));
  api.use(quoteRoutes(service));
  api.use(auditRoutes(service));
  api.use(ruleSetRoutes(service));
  api.use(notFound);

  app.use('/api', api);
  app.use(notFound);
  app.use(errorHandler);
  return app;
}

export interface RunningServer {
  server: Server;
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  /**
   * Stops accepting, lets requests in flight finish, closes idle keep-alive connections, then
   * closes the PDF renderer if startServer made it (one passed in belongs to the caller).
   */
  close(): Promise<void>;
}

/** Listens on `port` (0: an ephemeral one) on `host` (default 127.0.0.1). */
export async function startServer(
  options: AppOptions & { port?: number; host?: string },
): Promise<RunningServer> {
  const ownRenderer = options.renderer ? undefined : new ProposalRenderer();
  const renderer = options.renderer ?? ownRenderer!;
  const app = createApp({ ...options, renderer });
  const host = options.host ?? '127.0.0.1';
  const server = app.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: async () => {
      try {
        await new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeIdleConnections();
        });
      } finally {
        await ownRenderer?.close();
      }
    },
  };
}
