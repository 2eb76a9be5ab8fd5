/**
 * End-to-end harness for the HTTP API: a real store (SQLite in a temp dir, or PostgreSQL in a
 * fresh schema when TEST_DATABASE_URL is set), the real app on an ephemeral loopback port, one
 * user per role created through the store, and a small fetch wrapper.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import type { TrustProxy } from '../../src/http/app';
import { startServer, type RunningServer } from '../../src/serve/server';
import type { ProposalRenderer } from '../../src/proposals/renderer';
import { loadRuleSet } from '../../src/rules/load';
import { LiveRuleSet } from '../../src/rulesets/live';
import { FIXTURE_RULES_DIR, fixtureRuleSet } from '../support/rule-set-copy';
import type { RuleSet } from '../../src/rules/compile';
import type { Role } from '../../src/domain';
import { generateToken, hashToken, openStore, type Store } from '../../src/store';
import { workedExample } from '../support/tariff-book';
import type { QuoteView } from '../../src/quotes/view';
import type { SessionLifetime } from '../../src/web/sessions';
import type { ImpactSettings } from '../../src/impact/service';

export type Dialect = 'sqlite' | 'postgres';

const postgresUrl = process.env.TEST_DATABASE_URL;

/** SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it). */
export const DIALECTS: readonly Dialect[] = postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];

/** Says out loud, once per test file, that the PostgreSQL run was skipped. */
export function announceSkippedPostgres(suite: string): void {
  if (!postgresUrl) {
    console.warn(
      `${suite}: TEST_DATABASE_URL is not set, so the PostgreSQL run is SKIPPED (SQLite only)`,
    );
  }
}

let ruleSetOnce: RuleSet | undefined;
export function currentRuleSet(): RuleSet {
  ruleSetOnce ??= fixtureRuleSet();
  return ruleSetOnce;
}

/** A clock the test moves by hand, so expiry can be reached without waiting 30 days. */
/**
 * The sample rule set with one text in one file replaced, as a pricing team would edit it: a
 * different rule set with a different hash. Throws if the text is not there.
 */
export function editedRuleSet(file: string, text: string, replacement: string): RuleSet {
  const dir = mkdtempSync(join(tmpdir(), 'groupquote-rules-'));
  try {
    cpSync(FIXTURE_RULES_DIR, dir, { recursive: true });
    const path = join(dir, file);
    const original = readFileSync(path, 'utf8');
    if (!original.includes(text)) throw new Error(`${file} does not contain ${text}`);
    writeFileSync(path, original.replace(text, replacement));
    return loadRuleSet(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export class TestClock {
  constructor(public now: Date = new Date('2026-11-27T09:00:00.000Z')) {}
  read = (): Date => this.now;
  advanceDays(days: number, extraMs = 0): void {
    this.now = new Date(this.now.getTime() + days * 24 * 60 * 60 * 1000 + extraMs);
  }
}

export const USER_ROLES = {
  am1: 'account-manager',
  am2: 'account-manager',
  pm: 'pricing-manager',
  fd: 'finance-director',
  auditor: 'finance-auditor',
  admin: 'admin',
} as const satisfies Record<string, Role>;
export type UserKey = keyof typeof USER_ROLES;

export interface TestUser {
  id: string;
  role: Role;
  token: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are checked by the tests (and by zod schemas)
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CallOptions {
  /** A user of the harness, a raw token, or nobody (no Authorization header). */
  as?: UserKey | { token: string };
  body?: unknown;
  /** Sent verbatim instead of JSON.stringify(body). */
  raw?: string;
  headers?: Record<string, string>;
  /** Another server to send it to (one started over this service's store), by its base URL. */
  at?: string;
}

export interface TestService {
  dialect: Dialect;
  url: string;
  store: Store;
  ruleSet: RuleSet;
  clock: TestClock;
  users: Record<UserKey, TestUser>;
  /** The live rule set the service prices with (`live: true` only). */
  live?: LiveRuleSet;
  /** Where the SQLite file lives (sqlite only). */
  sqlitePath?: string;
  /** The PostgreSQL URL, its search_path set to this service's schema (postgres only). */
  databaseUrl?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see ApiResponse
  call<T = any>(method: string, path: string, options?: CallOptions): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

export async function startTestService(
  options: {
    dialect?: Dialect;
    clock?: TestClock;
    /** A renderer shared by a test file (which closes it); otherwise the server's own, closed with it. */
    renderer?: ProposalRenderer;
    /** The rule set to serve, when not the frozen fixture (a planted defect). */
    ruleSet?: RuleSet;
    /** Web sessions' idle and absolute ends, when not the workspace's defaults. */
    sessionLifetime?: SessionLifetime;
    /**
     * Serve the store's live rule set (imported from `ruleSet`), swapped when one is published, as
     * a service process does; polled every 50 ms. Otherwise `ruleSet` is served, fixed.
     */
    live?: boolean;
    /**
     * PostgreSQL: impact analyses go to a pg-boss queue in this schema, for a worker process to
     * price; otherwise threads of the service price them.
     */
    impactQueueSchema?: string;
    /** The rule cases a draft pushed from the web editor must pass (default RULES_DIR's). */
    ruleCasesDir?: string;
    /** Proxies the service believes (TRUST_PROXY); none by default. */
    trustProxy?: TrustProxy;
  } = {},
): Promise<TestService> {
  const dialect = options.dialect ?? 'sqlite';
  const clock = options.clock ?? new TestClock();
  const ruleSet = options.ruleSet ?? currentRuleSet();
  const database = dialect === 'postgres' ? await freshPostgresSchema() : freshSqliteFile();
  const store = await openStore(database.storeOptions);
  const users = {} as Record<UserKey, TestUser>;
  for (const [key, role] of Object.entries(USER_ROLES) as [UserKey, Role][]) {
    const token = generateToken();
    const id = `${key}-${Math.random().toString(36).slice(2, 8)}`;
    await store.createUser({
      id,
      name: key,
      role,
      tokenHash: hashToken(token),
      createdAt: clock.now.toISOString(),
    });
    users[key] = { id, role, token };
  }
  let live: LiveRuleSet | undefined;
  if (options.live) {
    await store.importLiveRuleSet({
      hash: ruleSet.hash,
      snapshot: ruleSet.snapshot,
      actorId: 'system',
      note: 'the test service starts',
      now: clock.now.toISOString(),
    });
    live = await LiveRuleSet.open(store, { clock: clock.read, pollMs: 50, preloaded: [ruleSet] });
  }
  const server: RunningServer = await startServer({
    store,
    ruleSet: live ?? ruleSet,
    clock: clock.read,
    ...(options.renderer ? { renderer: options.renderer } : {}),
    ...(options.ruleCasesDir ? { ruleCasesDir: options.ruleCasesDir } : {}),
    ...(options.sessionLifetime ? { sessionLifetime: options.sessionLifetime } : {}),
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
    impact: impactSettings(database.storeOptions, options.impactQueueSchema),
  });

  const call = async <T>(method: string, path: string, callOptions: CallOptions = {}) => {
    const headers: Record<string, string> = { ...callOptions.headers };
    const who = callOptions.as;
    if (who)
      headers.authorization = `Bearer ${typeof who === 'string' ? users[who].token : who.token}`;
    let body: string | undefined = callOptions.raw;
    if (body === undefined && callOptions.body !== undefined)
      body = JSON.stringify(callOptions.body);
    if (
      body !== undefined &&
      !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')
    ) {
      headers['content-type'] = 'application/json';
    }
    const response = await fetch((callOptions.at ?? server.url) + path, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    if (response.headers.get('content-type')?.includes('application/json'))
      parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  };

  return {
    dialect,
    url: server.url,
    store,
    ruleSet,
    clock,
    users,
    ...(database.sqlitePath ? { sqlitePath: database.sqlitePath } : {}),
    ...('databaseUrl' in database.storeOptions
      ? { databaseUrl: database.storeOptions.databaseUrl }
      : {}),
    call,
    ...(live ? { live } : {}),
    async close() {
      try {
        await server.close();
        await live?.close();
        await store.close();
      } finally {
        await database.dispose();
      }
    },
  };
}

/** Runs beside the SQLite file, or (PostgreSQL) in a directory of this process. */
function impactSettings(
  storeOptions: { sqlitePath?: string; databaseUrl?: string },
  queueSchema: string | undefined,
): ImpactSettings {
  const runsDir = storeOptions.sqlitePath
    ? join(storeOptions.sqlitePath, '..', 'impact')
    : join(tmpdir(), `groupquote-impact-${process.pid}`);
  return {
    runsDir,
    store: storeOptions,
    ...(queueSchema && storeOptions.databaseUrl
      ? { queue: { connectionString: storeOptions.databaseUrl, schema: queueSchema } }
      : {}),
  };
}

function freshSqliteFile() {
  const dir = mkdtempSync(join(tmpdir(), 'groupquote-http-'));
  const sqlitePath = join(dir, 'quotes.sqlite');
  return {
    storeOptions: { sqlitePath },
    sqlitePath,
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A schema of its own per service, found through search_path, dropped afterwards. */
export async function freshPostgresSchema() {
  if (!postgresUrl) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `gq_http_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(postgresUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    storeOptions: { databaseUrl: url.toString() },
    sqlitePath: undefined,
    dispose: async () => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`drop schema ${schema} cascade`);
      await client.end();
    },
  };
}

/** A quote request as JSON (what a client sends). */
export interface QuoteRequestBody {
  enterprise: Record<string, string>;
  termMonths: number;
  lines: number;
  usagePerLine: Record<string, string>;
  ringbackTone: boolean;
  handsets: { model: string; quantity: number }[];
}

/** Requests whose §8 level is known: the worked examples plus one per remaining level. */
export const REQUESTS = {
  ENT0001: () => workedExample('ENT-0001').request as unknown as QuoteRequestBody,
  ENT0002: () => workedExample('ENT-0002').request as unknown as QuoteRequestBody,
  /** 0.15 % margin: finance-director. */
  ENT0003: () => workedExample('ENT-0003').request as unknown as QuoteRequestBody,
  /** 19.18 % margin: pricing-manager. */
  pricingManager: (): QuoteRequestBody => ({
    enterprise: {
      id: 'ENT-PM',
      name: '审批测试有限公司',
      industry: 'education',
      creditRating: 'AAA',
      purchasing: 'distributed',
      annualSpend: '1987493.72',
    },
    termMonths: 36,
    lines: 56,
    usagePerLine: {
      localMinutes: '4',
      groupMinutes: '800.70',
      longDistanceMinutes: '5.6',
      sms: '178.8',
      dataGB: '16.00',
    },
    ringbackTone: true,
    handsets: [
      { model: 'HX-5G-PRO', quantity: 23 },
      { model: 'HX-5G-LITE', quantity: 28 },
    ],
  }),
  /** −46.05 % margin (handsets given away on ten quiet lines): rejected. */
  lossMaking: (): QuoteRequestBody => ({
    enterprise: {
      id: 'ENT-LOSS',
      name: '亏损测试有限公司',
      industry: 'retail',
      creditRating: 'A',
      purchasing: 'distributed',
      annualSpend: '50000.00',
    },
    termMonths: 36,
    lines: 10,
    usagePerLine: {
      localMinutes: '10',
      groupMinutes: '0',
      longDistanceMinutes: '0',
      sms: '0',
      dataGB: '0',
    },
    ringbackTone: false,
    handsets: [{ model: 'HX-5G-PRO', quantity: 10 }],
  }),
};

/** Creates a quote as `as` and returns its view, failing loudly if it was not stored. */
export async function createQuote(
  service: TestService,
  as: UserKey,
  request: unknown,
): Promise<QuoteView> {
  const response = await service.call('POST', '/api/quotes', { as, body: request });
  if (response.status !== 201)
    throw new Error(`create failed: ${response.status} ${response.text}`);
  return response.body;
}
