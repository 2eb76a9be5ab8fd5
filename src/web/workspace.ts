/**
 * The web workspace (issue 16): server-rendered pages beside the API, for account managers and
 * finance (pricing analysts' pages join the same table). In order: page security headers, the
 * static assets (our style sheet and script, htmx from node_modules), form bodies, the session
 * (cookie → store), CSRF on every POST, the page table, and errors as pages.
 *
 * Security: a strict Content-Security-Policy (scripts and styles from this origin only: no inline
 * script, no inline style, no event-handler attributes; htmx is configured by a meta tag not to
 * inject its indicator style nor evaluate anything); the session cookie is HttpOnly,
 * SameSite=Strict and Secure over TLS; each session has a CSRF token that every form and every
 * htmx request sends back; each page is checked against the API's role table before it runs.
 */
import { dirname, join } from 'node:path';
import { parse as parseCookies } from 'cookie';
import express, {
  Router,
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { AppError } from '../errors';
import { securityHeadersWith } from '../http/app';
import { errorMessage, issueMessage } from '../messages/messages';
import { STATUS_BY_KIND, asAppError } from '../http/errors';
import type { ProposalLanguage } from '../proposals/input';
import { CSRF_HEADER, CSRF_FIELD, SESSION_COOKIE, languageOf, sameSecret } from './cookies';
import { TEMPLATES_DIR } from '../proposals/html';
import type { ImpactService } from '../impact/service';
import type { QuoteService } from '../quotes/service';
import type { DraftInput, RuleSetService } from '../rulesets/service';
import type { ReportService } from '../reports/service';
import {
  PageSignInNeeded,
  checkAccess,
  menuOf,
  type Page,
  type PageContext,
  type PageRequest,
} from './page';
import { WEB_PAGES } from './pages';
import { Sessions, type SessionLifetime, type SignedIn } from './sessions';
import { Views } from './views';

/** A form body is a few kB at most; the API's JSON limit serves here too. */
const FORM_LIMIT_BYTES = 64 * 1024;

export interface WorkspaceOptions {
  service: QuoteService;
  reports: ReportService;
  ruleSets: RuleSetService;
  impact: ImpactService;
  /** The rule cases a draft must pass, for the rule-set pages. */
  ruleCases: () => Pick<DraftInput, 'cases' | 'broken'>;
  /** Milliseconds since the epoch; injectable so tests can move time past a session's end. */
  now?: () => number;
  sessionLifetime?: SessionLifetime;
  templatesDir?: string;
  pages?: readonly Page[];
}

/**
 * Pages may load scripts, styles, images and htmx's requests from this origin only; forms post
 * only here; nothing frames them. No 'unsafe-inline' anywhere: a page holds no script and no
 * style of its own.
 */
const pageHeaders: RequestHandler = securityHeadersWith({
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
});

/** Pages show quotes, margins and the audit log: never kept by a browser cache or a proxy. */
const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

export function createWorkspace(options: WorkspaceOptions): Router {
  const now = options.now ?? Date.now;
  const templatesDir = options.templatesDir ?? TEMPLATES_DIR;
  const sessions = new Sessions(options.service.store, now, options.sessionLifetime);
  const pages = options.pages ?? WEB_PAGES;
  const context: PageContext = {
    service: options.service,
    reports: options.reports,
    ruleSets: options.ruleSets,
    impact: options.impact,
    ruleCases: options.ruleCases,
    // The new-quote form follows the live rule set: a publication changes it without a restart.
    get ruleSet() {
      return options.service.ruleSet;
    },
    views: new Views(templatesDir),
    sessions,
  };

  const router = Router();
  router.use(pageHeaders);
  router.use('/assets', assets(templatesDir));
  router.use(noStore);
  router.use(express.urlencoded({ extended: false, limit: FORM_LIMIT_BYTES }));
  router.use(async (req, res, next) => {
    const cookies = parseCookies(req.get('cookie') ?? '');
    res.locals.cookies = cookies;
    res.locals.signedIn = await sessions.resume(cookies[SESSION_COOKIE]);
    next();
  });
  router.use(checkCsrf);
  for (const page of pages) {
    router[page.method](page.path, async (req, res) => {
      const signedIn = res.locals.signedIn as SignedIn | undefined;
      checkAccess(signedIn?.user, page.access);
      await page.handler(pageRequest(req, res, pages, context, signedIn));
    });
  }
  // A browser that asks for a page no table entry serves gets a page saying so; other clients
  // (Accept: */* or JSON) go on to the API's JSON not-found.
  router.use((req, _res, next) => {
    if (req.method === 'GET' && req.accepts(['json', 'html']) === 'html') {
      throw new AppError('not-found', `no page ${req.path.slice(0, 100)}`);
    }
    next();
  });
  router.use(pageErrors(context, pages));
  return router;
}

function assets(templatesDir: string): Router {
  const router = Router();
  const htmx = join(dirname(require.resolve('htmx.org/package.json')), 'dist', 'htmx.min.js');
  router.get('/htmx.min.js', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600');
    res.sendFile(htmx);
  });
  router.use(express.static(join(templatesDir, 'web', 'assets'), { maxAge: '1h', index: false }));
  return router;
}

/**
 * Every POST of a signed-in browser carries the session's CSRF token (a form's hidden field, or
 * htmx's header); a POST without a session is left to the page, which refuses it (sign-in has a
 * token of its own). A mismatch changes nothing: 403.
 */
const checkCsrf: RequestHandler = (req, res, next) => {
  const signedIn = res.locals.signedIn as SignedIn | undefined;
  if (req.method !== 'POST' || !signedIn) {
    next();
    return;
  }
  const body = req.body as Record<string, unknown> | undefined;
  const sent = req.get(CSRF_HEADER) ?? body?.[CSRF_FIELD];
  if (!sameSecret(sent, signedIn.session.csrfToken)) {
    throw new AppError('forbidden', 'the form is out of date or came from another site (CSRF)', {
      csrf: true,
    });
  }
  next();
};

function isHtmx(req: Request): boolean {
  return req.get('HX-Request') === 'true';
}

function pageRequest(
  req: Request,
  res: Response,
  pages: readonly Page[],
  context: PageContext,
  signedIn: SignedIn | undefined,
): PageRequest {
  const lang = languageOf(req, res);
  const locale = context.views.locales[lang];
  return {
    ...context,
    req,
    res,
    actor: signedIn?.user as PageRequest['actor'],
    session: signedIn?.session as PageRequest['session'],
    lang,
    locale,
    render(template, view, titleKey) {
      res
        .type('html')
        .send(
          context.views.page(
            template,
            view,
            frameOf(req, pages, signedIn, lang, context, titleKey),
            lang,
          ),
        );
    },
    fragment(template, view) {
      res
        .type('html')
        .send(context.views.fragment(template, view, lang, signedIn?.session.csrfToken));
    },
  };
}

function frameOf(
  req: Request,
  pages: readonly Page[],
  signedIn: SignedIn | undefined,
  lang: ProposalLanguage,
  context: PageContext,
  titleKey: string,
) {
  const locale = context.views.locales[lang];
  const here = req.originalUrl.split('?')[0] ?? '/';
  return {
    title: locale.text(titleKey),
    here: req.originalUrl,
    nav: menuOf(pages, signedIn?.user, locale, here),
    ...(signedIn
      ? {
          user: {
            name: signedIn.user.name,
            roleName: locale.text(`web.roles.${signedIn.user.role}`),
          },
          csrfToken: signedIn.session.csrfToken,
        }
      : {}),
  };
}

/**
 * Errors as pages: no session sends the browser to sign in (htmx is told to go there), an
 * AppError is its status with a page saying what happened in the reader's language, anything else
 * a 500 naming the request id. htmx requests get the message alone, to show where they swap.
 */
function pageErrors(context: PageContext, pages: readonly Page[]): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof PageSignInNeeded) {
      const signIn = `/sign-in?next=${encodeURIComponent(req.method === 'GET' ? req.originalUrl : '/')}`;
      if (isHtmx(req)) res.status(401).set('HX-Redirect', signIn).end();
      else res.redirect(303, signIn);
      return;
    }
    const appError = asAppError(error, req);
    if (!appError) req.log.error({ err: error }, 'unexpected error');
    const status = appError ? STATUS_BY_KIND[appError.kind] : 500;
    const lang = languageOf(req, res);
    if (status >= 500 && appError) req.log.error({ err: appError }, appError.message);
    const signedIn = res.locals.signedIn as SignedIn | undefined;
    const view = {
      status,
      kind: appError?.kind ?? 'internal',
      message: appError && status < 500 ? errorMessage(appError, lang) : undefined,
      issues: (appError?.details.issues ?? []).map((issue) => ({
        ...issue,
        message: issueMessage(issue, lang),
      })),
      requestId: typeof req.id === 'string' ? req.id : undefined,
    };
    res.status(status).type('html');
    if (isHtmx(req)) {
      res.send(context.views.fragment('error-message', view, lang));
      return;
    }
    res.send(
      context.views.page(
        'error',
        view,
        frameOf(req, pages, signedIn, lang, context, `web.errors.${view.kind}`),
        lang,
      ),
    );
  };
}
