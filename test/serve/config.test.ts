/**
 * The service's settings come from one schema of the environment: unset or empty means the
 * default, and every bad variable is named in one error, its value quoted (never a database URL,
 * which may hold a password).
 */
import { availableParallelism } from 'node:os';
import { AppError } from '../../src/errors';
import { DEFAULT_HOST, DEFAULT_PORT, serviceConfigFromEnv } from '../../src/serve/config';

function problemWith(env: NodeJS.ProcessEnv): AppError {
  try {
    serviceConfigFromEnv(env);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error(`${JSON.stringify(env)} was accepted`);
}

test('an empty environment, or empty variables, mean the defaults', () => {
  const defaults = {
    port: DEFAULT_PORT,
    host: DEFAULT_HOST,
    workers: availableParallelism(),
    logLevel: 'info',
    store: { sqlitePath: 'data/groupquote.sqlite' },
    impact: { runsDir: 'data/impact', store: { sqlitePath: 'data/groupquote.sqlite' } },
    trustProxy: false,
  };
  expect(serviceConfigFromEnv({})).toEqual(defaults);
  expect(
    serviceConfigFromEnv({
      PORT: '',
      HOST: '',
      WORKERS: '',
      LOG_LEVEL: '',
      DATABASE_URL: '',
      GROUPQUOTE_DB: '',
    }),
  ).toEqual(defaults);
});

test('every variable is read', () => {
  expect(
    serviceConfigFromEnv({
      PORT: '0',
      HOST: '127.0.0.1',
      WORKERS: '256',
      LOG_LEVEL: 'silent',
      DATABASE_URL: 'postgresql://gq@db/gq',
      GROUPQUOTE_DB: '/srv/ignored.sqlite',
      IMPACT_THREADS: '3',
      IMPACT_QUEUE_SCHEMA: 'impact_jobs',
      IMPACT_DIR: '/srv/impact',
      TRUST_PROXY: 'loopback, 10.0.0.0/8',
      UNRELATED: 'x',
    }),
  ).toEqual({
    port: 0,
    host: '127.0.0.1',
    workers: 256,
    logLevel: 'silent',
    store: { databaseUrl: 'postgresql://gq@db/gq' },
    impact: {
      runsDir: '/srv/impact',
      threads: 3,
      store: { databaseUrl: 'postgresql://gq@db/gq' },
      queue: { connectionString: 'postgresql://gq@db/gq', schema: 'impact_jobs' },
    },
    trustProxy: ['loopback', '10.0.0.0/8'],
  });
  expect(serviceConfigFromEnv({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
});

test('every bad variable is named in one invalid-input error', () => {
  const error = problemWith({ PORT: '70000', WORKERS: 'many' });
  expect(error.kind).toBe('invalid-input');
  expect(error.message).toBe(
    'PORT must be a whole number 0–65535, got "70000"; ' +
      'WORKERS must be a whole number 1–256, got "many"',
  );
  expect(error.details.issues).toEqual([
    { path: 'PORT', message: 'must be a whole number 0–65535, got "70000"' },
    { path: 'WORKERS', message: 'must be a whole number 1–256, got "many"' },
  ]);
});

test.each([
  [{ PORT: '-1' }, 'PORT must be a whole number 0–65535, got "-1"'],
  [{ PORT: '80.0' }, 'PORT must be a whole number 0–65535, got "80.0"'],
  [{ PORT: '1e3' }, 'PORT must be a whole number 0–65535, got "1e3"'],
  [{ PORT: ' 80' }, 'PORT must be a whole number 0–65535, got " 80"'],
  [{ WORKERS: '0' }, 'WORKERS must be a whole number 1–256, got "0"'],
  [
    { TRUST_PROXY: 'loopback, proxy.internal' },
    'TRUST_PROXY must be a hop count or a comma list of addresses, subnets, loopback, linklocal or uniquelocal, got "proxy.internal"',
  ],
  [{ WORKERS: '257' }, 'WORKERS must be a whole number 1–256, got "257"'],
  [
    { LOG_LEVEL: 'verbose' },
    'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "verbose"',
  ],
  [
    { DATABASE_URL: 'mysql://gq:s3cret@db/gq' },
    'DATABASE_URL must be a postgres:// or postgresql:// URL (unset it to use SQLite)',
  ],
])('%j is refused: %s', (env, message) => {
  const error = problemWith(env);
  expect(error.message).toBe(message);
  expect(error.message).not.toContain('s3cret');
});
