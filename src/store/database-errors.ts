/**
 * Recognises the few driver errors the store acts on, in both dialects: better-sqlite3 reports
 * `SQLITE_*` codes, pg reports SQLSTATEs (and Node's socket codes when it cannot connect).
 */
import { AppError } from '../errors';

interface DriverError {
  code?: unknown;
  message?: unknown;
}

function codeOf(error: unknown): string {
  if (error === null || typeof error !== 'object') return '';
  const code = (error as DriverError).code;
  return typeof code === 'string' ? code : '';
}

export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

export function isForeignKeyViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** SQLite's write lock is held by another connection. */
export function isSqliteBusy(error: unknown): boolean {
  return codeOf(error).startsWith('SQLITE_BUSY');
}

const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
]);

/**
 * A database that is busy, down or out of connections is `unavailable` (HTTP 503), not a bug;
 * everything else is passed on unchanged.
 */
export function translateDatabaseError(error: unknown): unknown {
  const code = codeOf(error);
  const unavailable =
    isSqliteBusy(error) ||
    code.startsWith('SQLITE_LOCKED') ||
    UNAVAILABLE_SOCKET_CODES.has(code) ||
    code.startsWith('08') || // connection exception
    code.startsWith('57P') || // operator intervention: shutdown, cannot connect now
    code === '53300'; // too many connections
  if (!unavailable) return error;
  const detail = (error as DriverError).message;
  return new AppError('unavailable', `database unavailable: ${String(detail ?? code)}`, { code });
}
