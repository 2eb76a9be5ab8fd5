/**
 * The service's settings, read from the environment once and checked before anything starts, so
 * a typo is reported by name instead of surfacing later as a strange failure.
 */
import { availableParallelism } from 'node:os';
import { AppError, type FieldIssue } from '../errors';
import { storeOptionsFromEnv, type StoreOptions } from '../store/open';

export const DEFAULT_PORT = 3000;
export const DEFAULT_HOST = '0.0.0.0';

/** More service processes than this is a typo, not a deployment. */
const MAX_WORKERS = 256;

export interface ServiceConfig {
  port: number;
  host: string;
  /**
   * Service processes answering on the one port. 1 runs the service in this process; more runs
   * a supervisor that forks that many and restarts any that dies.
   */
  workers: number;
  logLevel: string;
  store: StoreOptions;
}

/** Reads PORT, HOST, WORKERS, LOG_LEVEL and the store's variables; every bad one is named. */
export function serviceConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const issues: FieldIssue[] = [];
  const port = wholeNumber(env.PORT, 'PORT', DEFAULT_PORT, 0, 65535, issues);
  const workers = wholeNumber(
    env.WORKERS,
    'WORKERS',
    availableParallelism(),
    1,
    MAX_WORKERS,
    issues,
  );
  if (issues.length > 0) {
    throw AppError.invalidInput(
      issues,
      issues.map((issue) => `${issue.path} ${issue.message}`).join('; '),
    );
  }
  return {
    port,
    host: env.HOST || DEFAULT_HOST,
    workers,
    logLevel: env.LOG_LEVEL || 'info',
    store: storeOptionsFromEnv(env),
  };
}

function wholeNumber(
  text: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
  issues: FieldIssue[],
): number {
  if (text === undefined || text === '') return fallback;
  const value = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    issues.push({
      path: name,
      message: `must be a whole number ${min}–${max}, got ${JSON.stringify(text)}`,
    });
  }
  return value;
}
