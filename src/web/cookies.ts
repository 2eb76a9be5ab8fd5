/**
 * The workspace's cookies and the checks on what a browser sends back: the session cookie, the
 * language, the CSRF token, and where a redirect may lead.
 */
import { timingSafeEqual } from 'node:crypto';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { Request, Response } from 'express';
import {
  DEFAULT_PROPOSAL_LANGUAGE,
  PROPOSAL_LANGUAGES,
  type ProposalLanguage,
} from '../proposals/input';

export const SESSION_COOKIE = 'gq_session';
export const LANGUAGE_COOKIE = 'gq_lang';
/** The header htmx sends each session's CSRF token in (hx-headers on <body>). */
export const CSRF_HEADER = 'X-CSRF-Token';
/** The hidden field every form sends it in. */
export const CSRF_FIELD = '_csrf';

/** The language a browser chose (a cookie), zh-CN by default. */
export function languageOf(req: Request, res: Response): ProposalLanguage {
  const cookies = (res.locals.cookies ?? parseCookies(req.get('cookie') ?? '')) as Record<
    string,
    string | undefined
  >;
  const chosen = cookies[LANGUAGE_COOKIE];
  return PROPOSAL_LANGUAGES.find((lang) => lang === chosen) ?? DEFAULT_PROPOSAL_LANGUAGE;
}

/** A cookie only this site's pages read: HttpOnly, SameSite=Strict, Secure when served over TLS. */
export function setCookie(
  req: Request,
  res: Response,
  name: string,
  value: string,
  maxAgeSeconds?: number,
): void {
  res.append(
    'Set-Cookie',
    serializeCookie(name, value, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/',
      ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
    }),
  );
}

export function clearCookie(req: Request, res: Response, name: string): void {
  setCookie(req, res, name, '', 0);
}

/** A path on this site to come back to after signing in or switching language; `/` otherwise. */
export function localPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/')) return '/';
  // `//host` and `/\host` are other sites to a browser.
  if (value.startsWith('//') || value.startsWith('/\\')) return '/';
  return value;
}

/** Compares two secrets in time independent of where they differ. */
export function sameSecret(sent: unknown, expected: string): boolean {
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
