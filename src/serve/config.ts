/**
 * The service's settings, read from the environment once and checked before anything starts, so
 * a typo is reported by name instead of surfacing later as a strange failure. One zod schema
 * holds every variable; a bad one is named with all the others in one error.
 */
import { availableParallelism } from 'node:os';
import type { ImpactSettings } from '../impact/service';
import { impactEnvironment, impactSettingsOf } from '../impact/settings';
import type { TrustProxy } from '../http/app';
import { pino } from 'pino';
import { z } from 'zod';
import {
  environmentVariable,
  parseEnvironment,
  storeEnvironment,
  storeOptionsOf,
  type StoreOptions,
} from '../store/open';

export const DEFAULT_PORT = 3000;
export const DEFAULT_HOST = '0.0.0.0';

/** More service processes than this is a typo, not a deployment. */
const MAX_WORKERS = 256;

const LOG_LEVELS = [...Object.keys(pino.levels.values), 'silent'];

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
  impact: ImpactSettings;
  /**
   * Which proxies in front of the service are believed about the client (X-Forwarded-For/-Proto):
   * false (none), a hop count, or addresses and express's names (loopback, linklocal,
   * uniquelocal). Behind a TLS-terminating proxy this is what makes the session cookie Secure.
   */
  trustProxy: TrustProxy;
}

const PROXY_NAME = /^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)$/;

/** Unset: trust no proxy; digits: that many hops; otherwise a comma list of addresses or names. */
const trustProxyVariable = z.string().transform((text, context): TrustProxy => {
  if (/^\d{1,2}$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim());
  const wrong = entries.find((entry) => !PROXY_NAME.test(entry));
  if (wrong === undefined) return entries;
  context.addIssue({
    code: 'custom',
    message: `must be a hop count or a comma list of addresses, subnets, loopback, linklocal or uniquelocal, got ${JSON.stringify(wrong)}`,
  });
  return z.NEVER;
});

/** Digits only (no sign, point or exponent), within `min`–`max`. */
function wholeNumber(min: number, max: number) {
  return z
    .string()
    .refine((text) => /^\d{1,6}$/.test(text) && Number(text) >= min && Number(text) <= max, {
      error: (issue) => `must be a whole number ${min}–${max}, got ${JSON.stringify(issue.input)}`,
    })
    .transform(Number);
}

/** PORT, HOST, WORKERS, LOG_LEVEL, TRUST_PROXY and the store's variables; unset or empty means the default. */
const serviceEnvironment = z
  .object({
    PORT: environmentVariable(wholeNumber(0, 65535)).default(DEFAULT_PORT),
    HOST: environmentVariable(z.string()).default(DEFAULT_HOST),
    WORKERS: environmentVariable(wholeNumber(1, MAX_WORKERS)).default(availableParallelism),
    LOG_LEVEL: environmentVariable(
      z.string().refine((level) => LOG_LEVELS.includes(level), {
        error: (issue) =>
          `must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(issue.input)}`,
      }),
    ).default('info'),
    TRUST_PROXY: environmentVariable(trustProxyVariable).default(false),
    ...storeEnvironment.shape,
    ...impactEnvironment.shape,
  })
  .transform((env): ServiceConfig => ({
    port: env.PORT,
    host: env.HOST,
    workers: env.WORKERS,
    logLevel: env.LOG_LEVEL,
    store: storeOptionsOf(env),
    impact: impactSettingsOf(env, storeOptionsOf(env)),
    trustProxy: env.TRUST_PROXY,
  }));

/** Reads the service's settings; every bad variable is named in one invalid-input AppError. */
export function serviceConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  return parseEnvironment(serviceEnvironment, env);
}
