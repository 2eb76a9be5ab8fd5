/**
 * The two databases behind the store and the one thing they must agree on: a write transaction
 * that is serialised with every other writer of the same database, so quote numbers and the audit
 * chain can be assigned by read-then-write without a race.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import { LRUCache } from 'lru-cache';
import pg from 'pg';
import { isSqliteBusy } from './database-errors';
import type { Database } from './schema';

export type Dialect = 'sqlite' | 'postgres';

export interface StoreConnection {
  readonly dialect: Dialect;
  readonly db: Kysely<Database>;
  /** Runs `work` in one transaction that no other writer of this database interleaves with. */
  writeTransaction<T>(work: (tx: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Runs `work` on one consistent snapshot (reads only). */
  readSnapshot<T>(work: (tx: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * Like readSnapshot, for a read that may take seconds (verifying the whole audit log): on a
   * connection of its own, so this process's other requests and writes go on meanwhile.
   */
  longReadSnapshot<T>(work: (tx: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * PostgreSQL only: LISTENs on `channel` over a connection of its own and calls `onNotify` for
   * each notification, and `onLost` once if that connection fails. Resolves to its closer.
   */
  listen?(
    channel: string,
    handlers: { onNotify: () => void; onLost: (error: Error) => void },
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** How long a SQLite writer waits for another process's write transaction before giving up. */
const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * Opens SQLite with WAL (readers never block the writer) and synchronous=FULL (a commit is on disk
 * before it is acknowledged, so a killed process loses no acknowledged quote).
 */
export function connectSqlite(path: string): StoreConnection {
  const inMemory = path === ':memory:';
  if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
  const database = new BetterSqlite3(path);
  try {
    database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    const mode = switchToWal(database);
    if (!inMemory && mode !== 'wal')
      throw new Error(`${path}: cannot switch to WAL (journal_mode is ${String(mode)})`);
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
  } catch (error) {
    database.close();
    throw error;
  }
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(database) }),
  });
  const fileLock = inMemory ? new WriteLock() : writeLockFor(resolve(path));
  const beginImmediate = immediateBegin(database);
  const readSnapshot: StoreConnection['readSnapshot'] = (work) => db.transaction().execute(work);

  return {
    dialect: 'sqlite',
    db,
    // Kysely's SQLite transaction begins DEFERRED, which can fail with SQLITE_BUSY when a read turns
    // into a write while another process writes. BEGIN IMMEDIATE takes the write lock up front
    // (beginImmediate waits for it without blocking the event loop); the file lock queues Store
    // instances that share this file inside one process.
    writeTransaction: (work) =>
      fileLock.run(() =>
        db.connection().execute(async (connection) => {
          await beginImmediate();
          try {
            const result = await work(connection);
            await sql`commit`.execute(connection);
            return result;
          } catch (error) {
            if (database.inTransaction) await sql`rollback`.execute(connection);
            throw error;
          }
        }),
      ),
    readSnapshot,
    // Kysely gives SQLite one connection, so a read on it holds up every other query of this
    // process. In WAL mode a second connection reads its own snapshot while the first writes.
    // (An in-memory database is private to its connection: it has no second one.)
    longReadSnapshot: inMemory
      ? readSnapshot
      : async (work) => {
          const reader = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
          reader.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
          const readerDb = new Kysely<Database>({
            dialect: new SqliteDialect({ database: reader }),
          });
          try {
            return await readerDb.transaction().execute(work);
          } finally {
            await readerDb.destroy();
          }
        },
    close: () => db.destroy(),
  };
}

/**
 * A read-only connection to a SQLite file another connection has opened (and migrated): for a
 * worker thread reading the portfolio beside the process's own connection, on its own snapshots.
 */
export function connectSqliteReader(
  path: string,
): Pick<StoreConnection, 'dialect' | 'db' | 'readSnapshot' | 'longReadSnapshot' | 'close'> {
  const database = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(database) }),
  });
  const readSnapshot: StoreConnection['readSnapshot'] = (work) => db.transaction().execute(work);
  return {
    dialect: 'sqlite',
    db,
    readSnapshot,
    longReadSnapshot: readSnapshot,
    close: () => db.destroy(),
  };
}

/** How long opening waits between attempts to switch a file to WAL. */
const WAL_SWITCH_RETRY_MS = 5;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * PRAGMA journal_mode = WAL, retried while another process holds a write lock. On a file still in
 * rollback mode (several processes opening a new database at once) the switch fails with
 * SQLITE_BUSY at once instead of calling the busy handler. Opening happens once, at start-up,
 * so waiting here blocks nothing that is being served.
 */
function switchToWal(database: BetterSqlite3.Database): unknown {
  const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      return database.pragma('journal_mode = WAL', { simple: true });
    } catch (error) {
      if (!isSqliteBusy(error) || Date.now() >= deadline) throw error;
    }
    Atomics.wait(sleeper, 0, 0, WAL_SWITCH_RETRY_MS);
  }
}

/** How often a writer retries for the lock another process holds (a batch takes a few ms). */
const SQLITE_LOCK_RETRY_MS = 1;

/**
 * BEGIN IMMEDIATE, waiting for another process's write transaction to end without freezing this
 * one. SQLite's own busy handler sleeps inside the call (1, 2, 5, 10 ms…), and better-sqlite3
 * calls synchronously, so every request this process is serving would wait with it. Instead
 * the attempt fails at once while the lock is taken and is retried from a timer; in between the
 * event loop goes on parsing and pricing. Once the transaction holds the write lock, nothing in
 * it waits for another writer (in WAL mode a commit needs no further lock).
 */
function immediateBegin(database: BetterSqlite3.Database): () => Promise<void> {
  // Prepared once: a retry loop under contention runs these hundreds of times a second.
  const noWaiting = database.prepare('pragma busy_timeout = 0');
  const waiting = database.prepare(`pragma busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  const begin = database.prepare('begin immediate');
  return async () => {
    const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
    for (;;) {
      noWaiting.get();
      try {
        begin.run();
        return;
      } catch (error) {
        if (!isSqliteBusy(error) || Date.now() >= deadline) throw error;
      } finally {
        waiting.get();
      }
      await new Promise((retry) => setTimeout(retry, SQLITE_LOCK_RETRY_MS));
    }
  };
}

type QueryCallback = (error: Error | null, result: unknown) => void;
const callbackQuery = pg.Client.prototype.query as (this: pg.Client, ...args: unknown[]) => unknown;

/**
 * A pg Client whose promise of a result is made here, from the callback form of `query`. Through
 * node-postgres' own promise (pg 8), V8 moved nearly every row a query returned to the old
 * generation at the next young-generation collection, where it waited for a full collection: an
 * export of every quote grew the heap by the rows it read. Which reference held them, we did not
 * find; through the callback the same rows die young, as bench:reports shows.
 */
class CallbackClient extends pg.Client {}
CallbackClient.prototype.query = function query(this: pg.Client, ...args: unknown[]) {
  const [config, values, callback] = args;
  const submittable = typeof (config as { submit?: unknown } | null)?.submit === 'function';
  if (submittable || typeof values === 'function' || typeof callback === 'function') {
    return callbackQuery.apply(this, args);
  }
  return new Promise((resolve, reject) => {
    const settle: QueryCallback = (error, result) => {
      if (!error) return resolve(result);
      // As node-postgres does: a stack that leads back to the caller, not to the socket.
      Error.captureStackTrace(error);
      reject(error);
    };
    callbackQuery.call(this, config, values, settle);
  });
} as typeof pg.Client.prototype.query;

const JSON_OID = 114;
const JSONB_OID = 3802;

/**
 * Connects to PostgreSQL with a pg Pool. JSON documents come back as their text, not parsed, so
 * both dialects decode them the same way; numeric and bigint already come back as text.
 */
export function connectPostgres(
  connectionString: string,
  poolSettings: { max?: number; idleTimeoutMillis?: number } = {},
): StoreConnection {
  const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
    oid === JSON_OID || oid === JSONB_OID
      ? (text: string) => text
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser;
  const pool = new pg.Pool({
    connectionString,
    types: { getTypeParser },
    Client: CallbackClient,
    ...poolSettings,
  });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const readSnapshot: StoreConnection['readSnapshot'] = (work) =>
    db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(work);
  return {
    dialect: 'postgres',
    db,
    // READ COMMITTED: callers serialise on row locks (the year's counter, the audit chain head).
    writeTransaction: (work) => db.transaction().execute(work),
    readSnapshot,
    // Each transaction has a pooled connection of its own already.
    longReadSnapshot: readSnapshot,
    async listen(channel, { onNotify, onLost }) {
      const client = new pg.Client({ connectionString });
      let lost = false;
      const lose = (error: Error) => {
        if (lost) return;
        lost = true;
        onLost(error);
      };
      client.on('error', lose);
      client.on('end', () => lose(new Error('the LISTEN connection ended')));
      client.on('notification', (message) => {
        if (message.channel === channel) onNotify();
      });
      await client.connect();
      await client.query(`listen ${pg.escapeIdentifier(channel)}`);
      return async () => {
        lost = true;
        await client.end();
      };
    },
    close: () => db.destroy(),
  };
}

/** How many prepared SQLite statements to keep (batches of different sizes are different SQL). */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely prepares every query afresh, which costs as much as running it; a SQLite statement can be
 * reused, so the most recently used ones are kept by SQL text.
 */
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const statements = new LRUCache<string, BetterSqlite3.Statement>({ max: STATEMENT_CACHE_SIZE });
  return {
    close: () => database.close(),
    prepare(text) {
      let statement = statements.get(text);
      if (!statement) {
        statement = database.prepare(text);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

/** A FIFO lock: each run starts after the previous one has settled. */
class WriteLock {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

const writeLocks = new Map<string, WriteLock>();

function writeLockFor(absolutePath: string): WriteLock {
  let lock = writeLocks.get(absolutePath);
  if (!lock) {
    lock = new WriteLock();
    writeLocks.set(absolutePath, lock);
  }
  return lock;
}
