/** Bearer-token authentication: the token's hash finds the user; the user's role decides the rest (policy.ts). */
import type { RequestHandler } from 'express';
import { LRUCache } from 'lru-cache';
import { AppError } from '../errors';
import { hashToken } from '../store/tokens';
import type { User } from '../store/types';

const BEARER = /^Bearer +([\x21-\x7e]{1,512}) *$/i;

/**
 * How long a token's user is remembered. Every request needs its user, and asking the database
 * each time is a round trip that costs PostgreSQL as much as pricing costs us; a user's token and
 * role rarely change, and a change is seen within this long.
 */
export const USER_CACHE_TTL_MS = 10_000;
/** Bounds memory if many distinct tokens are used within one TTL; the least recently used goes. */
const USER_CACHE_MAX_ENTRIES = 10_000;

export function authenticate(
  findUserByTokenHash: (tokenHash: string) => Promise<User | undefined>,
  now: () => number = Date.now,
): RequestHandler {
  const users = new LRUCache<string, User>({
    max: USER_CACHE_MAX_ENTRIES,
    // lru-cache keeps an entry while its age is at most `ttl`; a user is read again once it has
    // been remembered USER_CACHE_TTL_MS (the clock counts whole milliseconds).
    ttl: USER_CACHE_TTL_MS - 1,
    perf: { now },
    // Read the clock on every look-up rather than reuse a reading for a millisecond: exact
    // against an injected clock, and no timer per look-up.
    ttlResolution: 0,
  });
  return async (req, res, next) => {
    const header = req.get('authorization');
    const token = header ? BEARER.exec(header)?.[1] : undefined;
    if (!token) throw new AppError('unauthenticated', 'send Authorization: Bearer <token>');
    const tokenHash = hashToken(token);
    let user = users.get(tokenHash);
    if (!user) {
      // Unknown tokens are never remembered: a user created a moment ago is found at once.
      user = await findUserByTokenHash(tokenHash);
      // Marked as a guess for the throttle (throttle.ts): only a token looked up in vain counts.
      if (!user) throw new AppError('unauthenticated', 'unknown token', { unknownToken: true });
      users.set(tokenHash, user);
    }
    res.locals.actor = user;
    next();
  };
}
