/**
 * Runs one storage test suite against every database: SQLite (a temp file) always, PostgreSQL
 * (a fresh schema, dropped afterwards) when TEST_DATABASE_URL is set. Also gives tests a separate
 * connection for going behind the store's back, and real quotes priced by the core.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { priceRequest } from '../../src/pricing/price';
import type { PricedQuote } from '../../src/pricing/quote';
import { parseQuoteRequest, type QuoteRequest } from '../../src/rules/request';
import { fixtureRuleSet } from '../support/rule-set-copy';
import type { RuleSet } from '../../src/rules/compile';
import type { Dialect } from '../../src/store/connection';
import { openStore, type StoreOptions } from '../../src/store/open';
import type { NewQuote, Store } from '../../src/store/types';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

/** Declares `suite` once per dialect; PostgreSQL is skipped, visibly, without TEST_DATABASE_URL. */
export function describeEachDialect(title: string, suite: (dialect: Dialect) => void): void {
  describe(`${title} [sqlite]`, () => suite('sqlite'));
  if (TEST_DATABASE_URL) {
    describe(`${title} [postgres]`, () => suite('postgres'));
  } else {
    console.warn(
      `${title}: PostgreSQL tests SKIPPED because TEST_DATABASE_URL is not set ` +
        '(e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test)',
    );
    describe.skip(`${title} [postgres: set TEST_DATABASE_URL to run]`, () => suite('postgres'));
  }
}

/** One empty database for a test, plus a back door to it. */
export interface TestDatabase {
  dialect: Dialect;
  options: StoreOptions;
  /** Runs SQL on a connection of its own, as someone going behind the service's back would. */
  execute(statement: string): Promise<void>;
  query<Row>(statement: string): Promise<Row[]>;
  /** Re-enables nothing: drops the schema (PostgreSQL) or deletes the file (SQLite). */
  dispose(): Promise<void>;
}

export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  return dialect === 'postgres' ? createPostgresSchema() : createSqliteFile();
}

function createSqliteFile(): TestDatabase {
  const directory = mkdtempSync(join(tmpdir(), 'gq-store-'));
  const path = join(directory, 'nested', 'groupquote.sqlite');
  let backDoor: BetterSqlite3.Database | undefined;
  const connection = () => (backDoor ??= new BetterSqlite3(path));
  return {
    dialect: 'sqlite',
    options: { sqlitePath: path },
    execute: async (statement) => {
      connection().exec(statement);
    },
    query: async <Row>(statement: string) => connection().prepare(statement).all() as Row[],
    dispose: async () => {
      backDoor?.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function createPostgresSchema(): Promise<TestDatabase> {
  const baseUrl = TEST_DATABASE_URL!;
  const schema = `gq_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const backDoor = new pg.Client({ connectionString: url.toString() });
  await backDoor.connect();
  return {
    dialect: 'postgres',
    options: { databaseUrl: url.toString() },
    execute: async (statement) => {
      await backDoor.query(statement);
    },
    query: async <Row>(statement: string) => (await backDoor.query(statement)).rows as Row[],
    dispose: async () => {
      await backDoor.end();
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    },
  };
}

/** A test database with a store open on it, closed and removed after each test. */
export function useStore(dialect: Dialect): { store: () => Store; database: () => TestDatabase } {
  let database: TestDatabase | undefined;
  let store: Store | undefined;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    store = await openStore(database.options);
  });
  afterEach(async () => {
    await store?.close();
    await database?.dispose();
    store = undefined;
    database = undefined;
  });
  return { store: () => store!, database: () => database! };
}

let ruleSet: RuleSet | undefined;

export function currentRuleSet(): RuleSet {
  return (ruleSet ??= fixtureRuleSet());
}

const pricedExamples = new Map<string, { request: QuoteRequest; quote: PricedQuote }>();

/** A tariff book worked example (ENT-0001…3), priced by the core. */
export async function pricedExample(
  id: 'ENT-0001' | 'ENT-0002' | 'ENT-0003' = 'ENT-0001',
): Promise<{ request: QuoteRequest; quote: PricedQuote }> {
  const cached = pricedExamples.get(id);
  if (cached) return structuredClone(cached);
  const path = join(__dirname, '..', 'fixtures', 'tariff-book', `${id}.request.json`);
  const rules = currentRuleSet();
  const request = parseQuoteRequest(rules.requestSchema, JSON.parse(readFileSync(path, 'utf8')));
  const quote = await priceRequest(rules, request);
  if (!quote.eligible) throw new Error(`${id} should be eligible`);
  pricedExamples.set(id, { request, quote });
  return structuredClone({ request, quote });
}

/** Saves the current rule set, as the service does before its first quote. */
export async function saveCurrentRuleSet(store: Store): Promise<void> {
  const rules = currentRuleSet();
  await store.saveRuleSet(rules.hash, rules.snapshot, 'system', '2026-01-01T00:00:00.000Z');
}

export async function newQuote(overrides: Partial<NewQuote> = {}): Promise<NewQuote> {
  const { request, quote } = await pricedExample();
  return {
    accountManagerId: 'am-1',
    request,
    quote,
    state: 'draft',
    createdAt: '2026-11-27T10:00:00.000Z',
    validUntil: '2026-12-27T10:00:00.000Z',
    ...overrides,
  };
}

/** The numeric part of `Q-YYYY-NNNNNN`. */
export function sequenceOf(number: string): number {
  const match = /^Q-\d{4}-(\d{6,})$/.exec(number);
  if (!match) throw new Error(`not a quote number: ${number}`);
  return Number(match[1]);
}

/** 1..count, for comparing a set of numbers with a gap-free run. */
export function oneTo(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index + 1);
}
