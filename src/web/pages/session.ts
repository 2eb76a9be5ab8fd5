/**
 * Signing in and out, the language switch and the home page. A user signs in with the token
 * `quote users add` printed for them (the same token the API takes as a bearer); the page trades
 * it for a session cookie. The sign-in form has no session yet, so its CSRF token is a
 * double-submit: a random cookie of its own that the form repeats.
 */
import { rateLimit } from 'express-rate-limit';
import { mayOpen } from '../page';
import { definePage, type Page, type PageRequest } from '../page';
import { hashToken } from '../../store/tokens';
import { signInFormToken } from '../sessions';
import {
  CSRF_FIELD,
  LANGUAGE_COOKIE,
  SESSION_COOKIE,
  clearCookie,
  localPath,
  sameSecret,
  setCookie,
} from '../cookies';
import { PROPOSAL_LANGUAGES } from '../../proposals/input';

const SIGN_IN_COOKIE = 'gq_sign_in';

/** As for unknown bearer tokens (src/http/throttle.ts): 30 failed sign-ins per address a minute. */
const failedSignIns = rateLimit({
  windowMs: 60_000,
  limit: 30,
  standardHeaders: 'draft-7',
  legacyHeaders: false,
  validate: { xForwardedForHeader: false },
  handler: (_req, _res, next) => next(new TooManySignIns()),
});

class TooManySignIns extends Error {}

/** The first page of the menu the user may open: where signing in and `/` lead. */
function homeOf(request: PageRequest, pages: readonly Page[]): string {
  const first = pages.find(
    (page) => page.nav && page.method === 'get' && mayOpen(request.actor, page.access),
  );
  return first?.path ?? '/quotes';
}

function renderSignIn(request: PageRequest, next: string, problem?: string): void {
  const token = signInFormToken();
  setCookie(request.req, request.res, SIGN_IN_COOKIE, token);
  request.render('sign-in', { csrfToken: token, next, problem }, 'web.signIn.title');
}

export function sessionPages(pages: () => readonly Page[]): Page[] {
  return [
    definePage({
      method: 'get',
      path: '/',
      access: 'signed-in',
      handler(request) {
        request.res.redirect(303, homeOf(request, pages()));
      },
    }),
    definePage({
      method: 'get',
      path: '/sign-in',
      access: 'public',
      handler(request) {
        const next = localPath(request.req.query.next);
        if (request.actor) {
          request.res.redirect(303, next);
          return;
        }
        renderSignIn(request, next);
      },
    }),
    definePage({
      method: 'post',
      path: '/sign-in',
      access: 'public',
      async handler(request) {
        const { req, res } = request;
        const body = req.body as Record<string, unknown>;
        const next = localPath(body.next);
        const cookies = res.locals.cookies as Record<string, string | undefined>;
        const formToken = cookies[SIGN_IN_COOKIE];
        if (formToken === undefined || !sameSecret(body[CSRF_FIELD], formToken)) {
          res.status(403);
          renderSignIn(request, next, 'web.signIn.expiredForm');
          return;
        }
        const token = typeof body.token === 'string' ? body.token.trim() : '';
        const user = token
          ? await request.service.store.findUserByTokenHash(hashToken(token))
          : undefined;
        if (!user) {
          try {
            await new Promise<void>((resolve, reject) =>
              failedSignIns(req, res, (error?: unknown) => (error ? reject(error) : resolve())),
            );
          } catch (error) {
            if (!(error instanceof TooManySignIns)) throw error;
            res.status(429);
            renderSignIn(request, next, 'web.signIn.tooMany');
            return;
          }
          res.status(401);
          renderSignIn(request, next, 'web.signIn.unknownToken');
          return;
        }
        const { id } = await request.sessions.start(user);
        clearCookie(req, res, SIGN_IN_COOKIE);
        setCookie(req, res, SESSION_COOKIE, id);
        res.redirect(303, next === '/sign-in' ? '/' : next);
      },
    }),
    definePage({
      method: 'post',
      path: '/sign-out',
      access: 'signed-in',
      async handler({ req, res, sessions }) {
        const cookies = res.locals.cookies as Record<string, string | undefined>;
        await sessions.end(cookies[SESSION_COOKIE]);
        clearCookie(req, res, SESSION_COOKIE);
        res.redirect(303, '/sign-in');
      },
    }),
    definePage({
      // A preference, not an action on anyone's data: a plain link, for signed-out readers too.
      method: 'get',
      path: '/language/:lang',
      access: 'public',
      handler({ req, res }) {
        const lang = PROPOSAL_LANGUAGES.find((known) => known === req.params.lang);
        if (lang) setCookie(req, res, LANGUAGE_COOKIE, lang, 365 * 24 * 60 * 60);
        res.redirect(303, localPath(req.query.next));
      },
    }),
  ];
}
