/** The impact analysis's settings from the environment, for the CLI and the service alike. */
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { environmentVariable, parseEnvironment, type StoreOptions } from '../store/open';
import { DEFAULT_QUEUE_SCHEMA } from './queue';
import type { ImpactSettings } from './service';

export const impactEnvironment = z.object({
  IMPACT_THREADS: environmentVariable(z.coerce.number().int().min(1).max(256)),
  IMPACT_QUEUE_SCHEMA: environmentVariable(
    z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL name'),
  ),
  IMPACT_DIR: environmentVariable(z.string()),
});

export function impactSettingsFromEnv(
  store: StoreOptions,
  env: NodeJS.ProcessEnv = process.env,
): ImpactSettings {
  return impactSettingsOf(parseEnvironment(impactEnvironment, env), store);
}

/** Runs are kept beside the SQLite file (every service process of it shares that directory). */
export function impactSettingsOf(
  parsed: z.output<typeof impactEnvironment>,
  store: StoreOptions,
): ImpactSettings {
  const besideDatabase =
    store.sqlitePath && store.sqlitePath !== ':memory:'
      ? join(dirname(store.sqlitePath), 'impact')
      : join('data', 'impact');
  return {
    runsDir: parsed.IMPACT_DIR ?? besideDatabase,
    ...(parsed.IMPACT_THREADS ? { threads: parsed.IMPACT_THREADS } : {}),
    store,
    ...(store.databaseUrl
      ? {
          queue: {
            connectionString: store.databaseUrl,
            schema: parsed.IMPACT_QUEUE_SCHEMA ?? DEFAULT_QUEUE_SCHEMA,
          },
        }
      : {}),
  };
}
