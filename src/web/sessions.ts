/**
 * Web sessions: a user signs in with their token once and their browser holds a random session id
 * in a cookie. The store keeps only the id's sha256 (migration 0008), so every service process
 * finds the session and a sign-out ends it everywhere. A session ends when idle for too long or
 * at its absolute end, whichever comes first; activity is recorded at most once a minute, so a
 * page view is a read, not a write.
 */
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../hashing';
import type { Store, User, WebSession } from '../store/types';

export interface SessionLifetime {
  /** A session unused for this long has ended. */
  idleMs: number;
  /** A session ends this long after sign-in, however busy. */
  absoluteMs: number;
  /** Activity is written at most this often (the idle clock's resolution). */
  touchEveryMs: number;
}

/** An office day with a lunch break, as operators' portals commonly allow. */
export const DEFAULT_SESSION_LIFETIME: SessionLifetime = {
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 60 * 60_000,
  touchEveryMs: 60_000,
};

export interface SignedIn {
  session: WebSession;
  user: User;
}

/** 32 random bytes: as unguessable as a token, so its plain sha256 is a safe key. */
function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Session ids are random text of a fixed alphabet; anything else is not looked up at all. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export class Sessions {
  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    readonly lifetime: SessionLifetime = DEFAULT_SESSION_LIFETIME,
  ) {}

  /** Starts a session for `user`; returns the id for the cookie (never stored) and the session. */
  async start(user: User): Promise<{ id: string; signedIn: SignedIn }> {
    const now = this.now();
    // Sign-ins are rare: a good moment to forget sessions that ended without a sign-out.
    await this.store.deleteExpiredSessions({
      now: new Date(now).toISOString(),
      lastSeenBefore: new Date(now - this.lifetime.idleMs).toISOString(),
    });
    const id = randomSecret();
    const session: WebSession = {
      idHash: sha256Hex(id),
      userId: user.id,
      csrfToken: randomSecret(),
      createdAt: new Date(now).toISOString(),
      lastSeenAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.lifetime.absoluteMs).toISOString(),
    };
    await this.store.createSession(session);
    return { id, signedIn: { session, user } };
  }

  /** The live session of a cookie's id, its activity recorded; undefined when unknown or ended. */
  async resume(id: string | undefined): Promise<SignedIn | undefined> {
    if (id === undefined || !SESSION_ID.test(id)) return undefined;
    const found = await this.store.findSession(sha256Hex(id));
    if (!found) return undefined;
    const now = this.now();
    const lastSeen = Date.parse(found.session.lastSeenAt);
    if (now >= Date.parse(found.session.expiresAt) || now - lastSeen >= this.lifetime.idleMs) {
      await this.store.deleteSession(found.session.idHash);
      return undefined;
    }
    if (now - lastSeen >= this.lifetime.touchEveryMs) {
      const lastSeenAt = new Date(now).toISOString();
      await this.store.touchSession(found.session.idHash, lastSeenAt);
      found.session = { ...found.session, lastSeenAt };
    }
    return found;
  }

  /** Ends the session of a cookie's id (sign-out); nothing happens for an unknown one. */
  async end(id: string | undefined): Promise<void> {
    if (id === undefined || !SESSION_ID.test(id)) return;
    await this.store.deleteSession(sha256Hex(id));
  }
}

/** A fresh random value for a sign-in form's double-submit cookie. */
export function signInFormToken(): string {
  return randomSecret();
}
