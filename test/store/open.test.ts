/**
 * Choosing and opening the database: the environment's say, SQLite's durability settings, and a
 * clear error (not a stack trace) when PostgreSQL cannot be reached or the URL is not one.
 */
import { AppError } from '../../src/errors';
import {
  DEFAULT_SQLITE_PATH,
  describeStoreLocation,
  openStore,
  storeOptionsFromEnv,
} from '../../src/store/open';
import { createTestDatabase } from './support';

test('the environment picks the database: DATABASE_URL, else GROUPQUOTE_DB, else data/', () => {
  expect(DEFAULT_SQLITE_PATH).toBe('data/groupquote.sqlite');
  expect(storeOptionsFromEnv({})).toEqual({ sqlitePath: 'data/groupquote.sqlite' });
  expect(storeOptionsFromEnv({ GROUPQUOTE_DB: '/srv/gq.sqlite' })).toEqual({
    sqlitePath: '/srv/gq.sqlite',
  });
  expect(
    storeOptionsFromEnv({ GROUPQUOTE_DB: '/srv/gq.sqlite', DATABASE_URL: 'postgres://db/gq' }),
  ).toEqual({ databaseUrl: 'postgres://db/gq' });
  expect(storeOptionsFromEnv({ DATABASE_URL: '', GROUPQUOTE_DB: '' })).toEqual({
    sqlitePath: 'data/groupquote.sqlite',
  });
  expect(describeStoreLocation({ databaseUrl: 'postgres://gq:s3cret@db:5432/gq' })).toBe(
    'postgres://gq:***@db:5432/gq',
  );
});

test('a DATABASE_URL in the environment that is not postgres:// is named, its value not shown', () => {
  let error: unknown;
  try {
    storeOptionsFromEnv({ DATABASE_URL: 'mysql://gq:s3cret@db/gq' });
  } catch (thrown) {
    error = thrown;
  }
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).kind).toBe('invalid-input');
  expect((error as AppError).message).toBe(
    'DATABASE_URL must be a postgres:// or postgresql:// URL (unset it to use SQLite)',
  );
});

test('SQLite is opened in WAL mode, in a directory created for it', async () => {
  const database = await createTestDatabase('sqlite');
  try {
    const store = await openStore(database.options);
    await store.close();
    expect(await database.query('pragma journal_mode')).toEqual([{ journal_mode: 'wal' }]);
  } finally {
    await database.dispose();
  }
});

test('a DATABASE_URL that is not postgres:// is refused naming the variable', async () => {
  const error = await openStore({ databaseUrl: 'mysql://db/gq' }).catch(
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).details.issues).toEqual([
    { path: 'DATABASE_URL', message: 'must be a postgres:// or postgresql:// URL' },
  ]);
});

test('an unreachable PostgreSQL is AppError unavailable', async () => {
  const error = await openStore({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none' }).catch(
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).kind).toBe('unavailable');
  expect((error as AppError).message).toMatch(/^database unavailable: /);
});
