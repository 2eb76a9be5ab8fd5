/**
 * Opening the store: PostgreSQL when a `postgres://` URL is given, otherwise SQLite in a file
 * (`data/groupquote.sqlite` by default, its directory created). The schema is migrated on open.
 */
import { AppError } from '../errors';
import { connectPostgres, connectSqlite } from './connection';
import { KyselyStore } from './kysely-store';
import type { Store } from './types';

/** Relative to the working directory, like the service's other paths. */
export const DEFAULT_SQLITE_PATH = 'data/groupquote.sqlite';

export interface StoreOptions {
  /** `postgres://…` or `postgresql://…`. Wins over `sqlitePath` when set. */
  databaseUrl?: string;
  /** A SQLite file (created with its directory) or `:memory:`. */
  sqlitePath?: string;
}

/** Opens and migrates the store. Close it with `store.close()`. */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const connection = options.databaseUrl
    ? connectPostgres(postgresUrl(options.databaseUrl))
    : connectSqlite(options.sqlitePath ?? DEFAULT_SQLITE_PATH);
  const store = new KyselyStore(connection);
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/**
 * The store the environment asks for: `DATABASE_URL` (PostgreSQL) if set, else the SQLite file at
 * `GROUPQUOTE_DB`, else `data/groupquote.sqlite`.
 */
export function storeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreOptions {
  if (env.DATABASE_URL) return { databaseUrl: env.DATABASE_URL };
  return { sqlitePath: env.GROUPQUOTE_DB || DEFAULT_SQLITE_PATH };
}

/** Where the store lives, for messages: the SQLite path, or the PostgreSQL URL without password. */
export function describeStoreLocation(options: StoreOptions): string {
  if (!options.databaseUrl) return options.sqlitePath ?? DEFAULT_SQLITE_PATH;
  try {
    const url = new URL(options.databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

function postgresUrl(databaseUrl: string): string {
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw AppError.invalidInput(
      [{ path: 'DATABASE_URL', message: 'must be a postgres:// or postgresql:// URL' }],
      'DATABASE_URL must be a postgres:// URL; unset it to use SQLite',
    );
  }
  return databaseUrl;
}
