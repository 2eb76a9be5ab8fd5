/**
 * Bearer tokens. A token is 32 random bytes, so a plain sha256 of it cannot be reversed or guessed
 * by brute force; only that hash is stored, and a request's token is looked up by its hash.
 */
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../hashing';

/** Marks a string as a groupquote token (so a leaked one is recognisable in logs and scanners). */
export const TOKEN_PREFIX = 'gq_';

/** A new bearer token: `gq_` + 32 random bytes in base64url (43 characters). */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** What the users table stores and `findUserByTokenHash` looks up: sha256 hex of the token. */
export function hashToken(token: string): string {
  return sha256Hex(token);
}
