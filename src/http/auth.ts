/** Bearer-token authentication: the token's hash finds the user; the user's role decides the rest (policy.ts). */
import type { RequestHandler } from 'express';
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
/** Bounds memory if many distinct tokens are used within one TTL. */
const USER_CACHE_MAX_ENTRIES = 10_000;

export function authenticate(
  findUserByTokenHash: (tokenHash: string) => Promise<User | undefined>,
  now: () => number = Date.now,
): RequestHandler {
  const users = new UserCache(USER_CACHE_TTL_MS, USER_CACHE_MAX_ENTRIES, now);
  return async (req, res, next) => {
    const header = req.get('authorization');
    const token = header ? BEARER.exec(header)?.[1] : undefined;
    if (!token) throw new AppError('unauthenticated', 'send Authorization: Bearer <token>');
    const tokenHash = hashToken(token);
    let user = users.get(tokenHash);
    if (!user) {
      // Unknown tokens are never remembered: a user created a moment ago is found at once.
      user = await findUserByTokenHash(tokenHash);
      if (!user) throw new AppError('unauthenticated', 'unknown token');
      users.set(tokenHash, user);
    }
    res.locals.actor = user;
    next();
  };
}

/** Users by token hash, each for `ttlMs` after it was read from the store. */
class UserCache {
  readonly #entries = new Map<string, { user: User; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  get(tokenHash: string): User | undefined {
    const entry = this.#entries.get(tokenHash);
    if (!entry) return undefined;
    if (entry.expiresAt > this.now()) return entry.user;
    this.#entries.delete(tokenHash);
    return undefined;
  }

  set(tokenHash: string, user: User): void {
    // Map keeps insertion order, so the first key is the oldest entry.
    if (this.#entries.size >= this.maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    this.#entries.set(tokenHash, { user, expiresAt: this.now() + this.ttlMs });
  }
}
