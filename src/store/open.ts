/**
 * Opening the store: PostgreSQL when a `postgres://` URL is given, otherwise SQLite in a file
 * (`data/groupquote.sqlite` by default, its directory created). The schema is migrated on open.
 */
import { z } from 'zod';
import { AppError, toFieldIssues } from '../errors';
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
 * Reads environment variables with a schema, every bad one named in one invalid-input error:
 * `PORT must be a whole number 0–65535, got "70000"; WORKERS must be …`.
 */
export function parseEnvironment<Schema extends z.ZodType>(
  schema: Schema,
  env: NodeJS.ProcessEnv,
): z.output<Schema> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issues = toFieldIssues(parsed.error);
  throw AppError.invalidInput(
    issues,
    issues.map((issue) => `${issue.path} ${issue.message}`).join('; '),
  );
}

/** A variable set to the empty string counts as unset: `PORT= npm start` means the default. */
export function environmentVariable<Schema extends z.ZodType>(schema: Schema) {
  return z.preprocess((text) => (text === '' ? undefined : text), schema.optional());
}

const POSTGRES_URL = /^postgres(ql)?:\/\//;
const POSTGRES_URL_PROBLEM = 'must be a postgres:// or postgresql:// URL';

/** The store's variables: DATABASE_URL (PostgreSQL), else GROUPQUOTE_DB (a SQLite file). */
export const storeEnvironment = z.object({
  DATABASE_URL: environmentVariable(
    z.string().regex(POSTGRES_URL, `${POSTGRES_URL_PROBLEM} (unset it to use SQLite)`),
  ),
  GROUPQUOTE_DB: environmentVariable(z.string()),
});

/**
 * The store the environment asks for: `DATABASE_URL` (PostgreSQL) if set, else the SQLite file at
 * `GROUPQUOTE_DB`, else `data/groupquote.sqlite`.
 */
export function storeOptionsOf(env: z.output<typeof storeEnvironment>): StoreOptions {
  if (env.DATABASE_URL) return { databaseUrl: env.DATABASE_URL };
  return { sqlitePath: env.GROUPQUOTE_DB ?? DEFAULT_SQLITE_PATH };
}

/** {@link storeOptionsOf} the environment; a bad variable is an invalid-input AppError naming it. */
export function storeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreOptions {
  return storeOptionsOf(parseEnvironment(storeEnvironment, env));
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
  if (!POSTGRES_URL.test(databaseUrl)) {
    throw AppError.invalidInput(
      [{ path: 'DATABASE_URL', message: POSTGRES_URL_PROBLEM }],
      'DATABASE_URL must be a postgres:// URL; unset it to use SQLite',
    );
  }
  return databaseUrl;
}
