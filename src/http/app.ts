/**
 * The HTTP face of a quote service: express 5 under /api, serving the route table (routes.ts).
 * Security headers on every response, then the public routes (health, OpenAPI, docs), then
 * authentication (its failures throttled per address), the JSON body parser (64 kB), the
 * protected routes, and the one error handler. It wires nothing itself: serve/ builds the
 * service and hands it in.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { Router, type Express, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { AppError } from '../errors';
import type { QuoteService } from '../quotes/service';
import type { ReportService } from '../reports/service';
import type { RuleSetService } from '../rulesets/service';
import type { ImpactService } from '../impact/service';
import type { User } from '../store/types';
import { authenticate } from './auth';
import { errorHandler, notFound } from './errors';
import { defaultLogger, requestLogger } from './logging';
import { renderDocsPage } from './meta/docs-page';
import { API_PREFIX, buildOpenApiDocument } from './openapi';
import { routerOf, type RouteContext } from './route';
import { API_ROUTES, isPublic } from './routes';
import { throttleFailedAuthentication } from './throttle';

/** The largest JSON body accepted; a quote request is well under 2 kB. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** A pushed rule set with its cases: the sample tariff is some 35 kB of JSON. */
export const RULE_SET_BODY_LIMIT_BYTES = 512 * 1024;

/** Trust no proxy (false), that many hops, or these addresses and express's names. */
export type TrustProxy = false | number | string[];

export interface AppOptions {
  /** express's 'trust proxy': req.secure and req.ip believe these proxies' X-Forwarded-* headers. */
  trustProxy?: TrustProxy;
  service: QuoteService;
  /** Margin reports, charts, the monthly PDF and the user list, over the same store and clock. */
  reports: ReportService;
  /** Rule-set governance: push, diff, publish, roll back. */
  ruleSets: RuleSetService;
  /** Impact analyses of rule sets on the portfolio. */
  impact: ImpactService;
  /** The user a bearer token's sha256 belongs to. */
  findUserByTokenHash: (tokenHash: string) => Promise<User | undefined>;
  /** Milliseconds since the epoch; injectable so tests can move time past a token's cache life. */
  now?: () => number;
  logger?: Logger;
  /**
   * What the service serves outside /api: the web workspace's pages (src/web), which serve/
   * builds and hands in. Without it, every path outside /api is not found.
   */
  pages?: RequestHandler;
}

/**
 * helmet's headers with a policy for an API: nothing a response holds may load or run anything
 * (`default-src 'none'`) or be framed; the docs page widens it for its own style sheet alone.
 * Strict-Transport-Security leaves out includeSubDomains: the service cannot know which other
 * hosts share its domain. Browsers ignore it over plain HTTP.
 */
const securityHeaders: RequestHandler = securityHeadersWith({
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
});

/** helmet's headers, HSTS without subdomains and no framing, with this Content-Security-Policy. */
export function securityHeadersWith(directives: Record<string, string[]>): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    strictTransportSecurity: { maxAge: 365 * 24 * 60 * 60, includeSubDomains: false },
    xFrameOptions: { action: 'deny' },
  });
}

/**
 * What an authenticated caller is answered (quotes with their costs and margin, the audit log,
 * and the errors about them) is never kept by a browser or a proxy: `no-store` on all of it.
 */
const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // Quotes change state; a conditional GET answering 304 from a stale ETag would hide that.
  app.set('etag', false);
  app.set('trust proxy', options.trustProxy ?? false);
  const logger = options.logger ?? defaultLogger();
  app.use(requestLogger(logger));
  app.use(securityHeaders);

  // The document describes the request of the rule set live now: built again after a publication.
  let documented: { hash: string; documentation: RouteContext['documentation'] } | undefined;
  const context: RouteContext = {
    service: options.service,
    reports: options.reports,
    ruleSets: options.ruleSets,
    impact: options.impact,
    get documentation() {
      const ruleSet = options.service.ruleSet;
      if (documented?.hash !== ruleSet.hash) {
        const openApi = buildOpenApiDocument(API_ROUTES, ruleSet);
        documented = {
          hash: ruleSet.hash,
          documentation: { openApi, page: renderDocsPage(openApi) },
        };
      }
      return documented.documentation;
    },
  };
  const api = Router();
  api.use(routerOf(API_ROUTES.filter(isPublic), context));
  api.use(noStore);
  api.use(authenticate(options.findUserByTokenHash, options.now ?? Date.now));
  api.use(throttleFailedAuthentication(logger));
  // A pushed rule set's body is parsed here; body-parser marks it read, so the next one skips it.
  const ruleSetBody = express.json({ limit: RULE_SET_BODY_LIMIT_BYTES, verify: keepBodyText });
  api.use('/rulesets', (req, res, next) =>
    req.method === 'POST' && req.path === '/' ? ruleSetBody(req, res, next) : next(),
  );
  api.use(express.json({ limit: BODY_LIMIT_BYTES, verify: keepBodyText }));
  api.use(
    routerOf(
      API_ROUTES.filter((route) => !isPublic(route)),
      context,
    ),
  );
  api.use(notFound);

  app.use(API_PREFIX, api);
  if (options.pages) app.use(options.pages);
  app.use(notFound);
  app.use(errorHandler);
  return app;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A JSON body must be UTF-8 as sent: the parser would replace a bad byte silently, storing text
 * the client never wrote. The text is kept (res.locals.bodyText) for checks only the text allows,
 * such as a count written `1.2e2`.
 */
function keepBodyText(_req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    throw AppError.invalidInput(
      [{ path: '(request)', message: 'is not valid UTF-8: send the JSON body encoded as UTF-8' }],
      'the request body is not valid UTF-8',
    );
  }
  (res as Response).locals.bodyText = text;
}
