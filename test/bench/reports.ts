/**
 * Finance reports over 100,000 stored quotes (issue 15): `npm run bench:reports [-- count]`.
 *
 * For each store (SQLite always; PostgreSQL when TEST_DATABASE_URL or DATABASE_URL is set) it seeds
 * `count` quotes straight into the database in batches (priced by the core from 64 generated
 * requests, 20 account managers, 20,000 enterprises, a year of creation dates, every state), then
 * asks the running service, over HTTP as a client would:
 *
 * - a grouped report, `GET /api/reports/margin?groupBy=accountManager` (the median of 5, after one
 *   to warm up);
 * - a CSV export of every quote, `groupBy=quote&format=csv`, then the same as XLSX, each read to
 *   the end while the service process's resident memory is sampled every 10 ms: growth is the
 *   peak over the level before that export. Each download goes to a file as it comes; once
 *   measured, the CSV must hold a line per quote and the workbook, read back, a row per quote.
 *
 * Goal: grouped < 500 ms, CSV < 5 s, growth < 50 MB for either export (the XLSX has no time
 * goal). The last line is `bench:reports: grouped N ms, csv M ms, xlsx K ms, rss growth X MB`,
 * the worst of the stores measured.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import pg from 'pg';
import { pino } from 'pino';
import { eligibleRequest } from '../support/arbitraries';
import { priceRequest } from '../../src/pricing/price';
import type { PricedQuote } from '../../src/pricing/quote';
import { formatQuoteNumber } from '../../src/store/quote-number';
import { parseQuoteRequest, type QuoteRequest } from '../../src/rules/request';
import { startServer } from '../../src/serve/server';
import { generateToken, hashToken } from '../../src/store/tokens';
import { openStore } from '../../src/store/open';
import type { Dialect } from '../../src/store/connection';
import { QUOTE_STATES } from '../../src/domain';
import { createTestDatabase, currentRuleSet, type TestDatabase } from '../store/support';

const COUNT = Number(process.env.BENCH_COUNT ?? process.argv[2] ?? 100_000);
const MANAGERS = 20;
const ENTERPRISES = 20_000;
const BATCH = 2_000;
const GOAL = { groupedMs: 500, csvMs: 5_000, growthMb: 50 };
const DAY_MS = 86_400_000;
const YEAR_START = Date.parse('2026-01-01T00:00:00.000Z');

interface Priced {
  request: QuoteRequest;
  quote: PricedQuote;
  requestText: string;
  quoteText: string;
}

/** 64 different quotes, priced by the core, whose JSON every seeded row reuses. */
export async function pricedPool(): Promise<Priced[]> {
  const ruleSet = currentRuleSet();
  const pool: Priced[] = [];
  for (const input of fc.sample(eligibleRequest, 80)) {
    const request = parseQuoteRequest(ruleSet.requestSchema, input);
    const quote = await priceRequest(ruleSet, request);
    if (quote.eligible && pool.length < 64) {
      pool.push({
        request,
        quote,
        requestText: JSON.stringify(request),
        quoteText: JSON.stringify(quote),
      });
    }
  }
  return pool;
}

/** The row of the quote `index`: what createQuote would store, numbered in 2026. */
function row(index: number, pool: readonly Priced[], ruleSetHash: string) {
  const priced = pool[index % pool.length]!;
  const createdAt = new Date(YEAR_START + Math.floor((index * 364 * DAY_MS) / COUNT));
  const enterprise = index % ENTERPRISES;
  return {
    number: formatQuoteNumber(2026, index + 1),
    year: 2026,
    sequence: index + 1,
    state: QUOTE_STATES[(index * 7) % QUOTE_STATES.length]!,
    enterprise_id: `ENT-${String(enterprise).padStart(5, '0')}`,
    enterprise_name: `企业 ${enterprise} 有限公司`,
    account_manager_id: `am-${index % MANAGERS}`,
    approval_level: priced.quote.internal.approval,
    rule_set_hash: ruleSetHash,
    request: priced.requestText,
    quote: priced.quoteText,
    contract_value: priced.quote.totals.contractValue,
    margin_pct: priced.quote.internal.marginPct,
    created_at: createdAt.toISOString(),
    valid_until: new Date(createdAt.getTime() + 30 * DAY_MS).toISOString(),
    updated_at: createdAt.toISOString(),
  };
}
type Row = ReturnType<typeof row>;
const COLUMNS = [
  'number',
  'year',
  'sequence',
  'state',
  'enterprise_id',
  'enterprise_name',
  'account_manager_id',
  'approval_level',
  'rule_set_hash',
  'request',
  'quote',
  'contract_value',
  'margin_pct',
  'created_at',
  'valid_until',
  'updated_at',
] as const satisfies readonly (keyof Row)[];

/** Inserts `COUNT` quotes in batches through the database's own driver: no API, no audit entries. */
export async function seed(
  database: TestDatabase,
  pool: readonly Priced[],
  hash: string,
): Promise<void> {
  if (database.options.sqlitePath) {
    const sqlite = new BetterSqlite3(database.options.sqlitePath);
    sqlite.pragma('journal_mode = WAL');
    // Seeding only: one fsync per batch would be the same data, slower.
    sqlite.pragma('synchronous = OFF');
    const insert = sqlite.prepare(
      `insert into quotes (${COLUMNS.join(', ')}) values (${COLUMNS.map((column) => `@${column}`).join(', ')})`,
    );
    const batch = sqlite.transaction((from: number, to: number) => {
      for (let index = from; index < to; index += 1) insert.run(row(index, pool, hash));
    });
    for (let from = 0; from < COUNT; from += BATCH) batch(from, Math.min(COUNT, from + BATCH));
    sqlite.prepare('insert into quote_counters (year, last_number) values (2026, ?)').run(COUNT);
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    sqlite.exec('analyze');
    sqlite.close();
    return;
  }
  const client = new pg.Client({ connectionString: database.options.databaseUrl });
  await client.connect();
  try {
    // The documents once, then rows that point at them: a json[] parameter of 2,000 documents
    // costs PostgreSQL more to read than the rows cost to store.
    await client.query(
      'create temporary table bench_documents (pick int primary key, request json, quote json)',
    );
    for (const [pick, priced] of pool.entries()) {
      await client.query('insert into bench_documents values ($1, $2, $3)', [
        pick,
        priced.requestText,
        priced.quoteText,
      ]);
    }
    const scalar = COLUMNS.filter((column) => column !== 'request' && column !== 'quote');
    const types: Record<string, string> = {
      year: 'int',
      sequence: 'int',
      contract_value: 'numeric',
      margin_pct: 'numeric',
      created_at: 'timestamptz',
      valid_until: 'timestamptz',
      updated_at: 'timestamptz',
    };
    const text = `insert into quotes (${[...scalar, 'request', 'quote'].join(', ')})
      select ${scalar.map((column) => `rows.${column}`).join(', ')}, documents.request, documents.quote
      from unnest(${scalar.map((column, index) => `$${index + 1}::${types[column] ?? 'text'}[]`).join(', ')}, $${scalar.length + 1}::int[])
        as rows(${scalar.join(', ')}, pick)
      join bench_documents documents using (pick)`;
    for (let from = 0; from < COUNT; from += BATCH) {
      const indexes = Array.from({ length: Math.min(BATCH, COUNT - from) }, (_, k) => from + k);
      const rows = indexes.map((index) => row(index, pool, hash));
      await client.query(text, [
        ...scalar.map((column) => rows.map((entry) => entry[column])),
        indexes.map((index) => index % pool.length),
      ]);
    }
    await client.query('insert into quote_counters (year, last_number) values (2026, $1)', [COUNT]);
    await client.query('vacuum analyze quotes');
  } finally {
    await client.end();
  }
}

function megabytes(bytes: number): number {
  return bytes / 1024 / 1024;
}

interface Result {
  dialect: Dialect;
  seedMs: number;
  groupedMs: number;
  csvMs: number;
  xlsxMs: number;
  /** The larger of the two exports' growth. */
  growthMb: number;
}

interface Export {
  ms: number;
  growthMb: number;
  bytes: number;
  lines: number;
  /** Where the download was written, to be read back once measured. */
  file: string;
}

/**
 * Downloads every quote as `format`, read to the end, while this process's resident memory (the
 * service's: it runs here) is sampled every 10 ms and at every chunk: growth is the peak over the
 * level just before the request.
 */
async function exported(
  url: string,
  headers: Record<string, string>,
  format: 'csv' | 'xlsx',
): Promise<Export> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const started = performance.now();
  const response = await fetch(`${url}/api/reports/margin?groupBy=quote&format=${format}`, {
    headers,
  });
  let lines = 0;
  let bytes = 0;
  let head: number[] = [];
  // To disk as it comes (page cache, not this process), so that holding it adds nothing.
  const file = join(mkdtempSync(join(tmpdir(), 'gq-bench-')), `export.${format}`);
  const descriptor = openSync(file, 'w');
  for await (const chunk of response.body!) {
    const data = chunk as Uint8Array;
    writeSync(descriptor, data);
    if (head.length < 4) head = [...head, ...data.subarray(0, 4 - head.length)];
    bytes += data.length;
    for (const byte of data) if (byte === 0x0a) lines += 1;
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  const ms = performance.now() - started;
  clearInterval(sampler);
  closeSync(descriptor);
  // A workbook is a zip: it opens with a local file header.
  if (response.status !== 200 || (format === 'xlsx' && head.join() !== '80,75,3,4')) {
    throw new Error(`${format} export: ${response.status}, opening bytes ${head.join(' ')}`);
  }
  return { ms, growthMb: megabytes(peak - before), bytes, lines, file };
}

/** The rows of a workbook's first sheet, read as a stream. */
async function worksheetRows(file: string): Promise<number> {
  let rows = 0;
  for await (const sheet of new ExcelJS.stream.xlsx.WorkbookReader(file, {})) {
    for await (const _row of sheet) rows += 1;
    break;
  }
  return rows;
}

async function bench(dialect: Dialect, pool: readonly Priced[]): Promise<Result> {
  const database = await createTestDatabase(dialect);
  try {
    const store = await openStore(database.options);
    const ruleSet = currentRuleSet();
    await store.saveRuleSet(ruleSet.hash, ruleSet.snapshot, 'system', new Date().toISOString());
    const token = generateToken();
    await store.createUser({
      id: 'finance',
      name: '财务总监',
      role: 'finance-director',
      tokenHash: hashToken(token),
      createdAt: new Date().toISOString(),
    });
    for (let manager = 0; manager < MANAGERS; manager += 1) {
      await store.createUser({
        id: `am-${manager}`,
        name: `客户经理 ${manager}`,
        role: 'account-manager',
        tokenHash: hashToken(generateToken()),
        createdAt: new Date().toISOString(),
      });
    }
    const seeding = performance.now();
    await seed(database, pool, ruleSet.hash);
    const seedMs = performance.now() - seeding;
    // The report's "now": all of 2026's open quotes as the service would show them at year end.
    const server = await startServer({
      store,
      ruleSet,
      clock: () => new Date('2026-12-31T00:00:00.000Z'),
      logger: pino({ level: 'silent' }),
    });
    const headers = { authorization: `Bearer ${token}` };
    try {
      const grouped = async () => {
        const started = performance.now();
        const response = await fetch(`${server.url}/api/reports/margin?groupBy=accountManager`, {
          headers,
        });
        const body = (await response.json()) as { total: { quotes: number } };
        if (response.status !== 200 || body.total.quotes !== COUNT) {
          throw new Error(
            `grouped report: ${response.status} ${JSON.stringify(body).slice(0, 300)}`,
          );
        }
        return performance.now() - started;
      };
      await grouped();
      const times: number[] = [];
      for (let run = 0; run < 5; run += 1) times.push(await grouped());
      const groupedMs = times.sort((a, b) => a - b)[2]!;

      const csv = await exported(server.url, headers, 'csv');
      // Header, one line per quote, the total.
      if (csv.lines !== COUNT + 2) {
        throw new Error(`CSV export: ${csv.lines} lines for ${COUNT} quotes`);
      }
      rmSync(dirname(csv.file), { recursive: true });
      const xlsx = await exported(server.url, headers, 'xlsx');
      const sheetRows = await worksheetRows(xlsx.file);
      rmSync(dirname(xlsx.file), { recursive: true });
      if (sheetRows !== COUNT + 2) {
        throw new Error(`XLSX export: ${sheetRows} rows for ${COUNT} quotes`);
      }
      const result = {
        dialect,
        seedMs,
        groupedMs,
        csvMs: csv.ms,
        xlsxMs: xlsx.ms,
        growthMb: Math.max(csv.growthMb, xlsx.growthMb),
      };
      console.log(
        `${dialect}: seeded ${COUNT} quotes in ${(seedMs / 1000).toFixed(1)} s; grouped ${times.map((time) => time.toFixed(0)).join('/')} ms (median ${groupedMs.toFixed(0)}); csv ${csv.ms.toFixed(0)} ms for ${csv.lines} lines, rss growth ${csv.growthMb.toFixed(1)} MB; xlsx ${xlsx.ms.toFixed(0)} ms for ${(xlsx.bytes / 1024 / 1024).toFixed(1)} MB, rss growth ${xlsx.growthMb.toFixed(1)} MB`,
      );
      return result;
    } finally {
      await server.close();
      await store.close();
    }
  } finally {
    await database.dispose();
  }
}

async function main(): Promise<void> {
  const postgresUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (postgresUrl && !process.env.TEST_DATABASE_URL) process.env.TEST_DATABASE_URL = postgresUrl;
  const dialects: Dialect[] = postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];
  if (!postgresUrl) console.log('PostgreSQL skipped: set TEST_DATABASE_URL or DATABASE_URL');
  const pool = await pricedPool();
  const results: Result[] = [];
  for (const dialect of dialects) results.push(await bench(dialect, pool));
  const worst = {
    groupedMs: Math.max(...results.map((result) => result.groupedMs)),
    csvMs: Math.max(...results.map((result) => result.csvMs)),
    xlsxMs: Math.max(...results.map((result) => result.xlsxMs)),
    growthMb: Math.max(...results.map((result) => result.growthMb)),
  };
  const met =
    worst.groupedMs < GOAL.groupedMs && worst.csvMs < GOAL.csvMs && worst.growthMb < GOAL.growthMb;
  console.log(
    `goal (grouped < ${GOAL.groupedMs} ms, csv < ${GOAL.csvMs} ms, growth < ${GOAL.growthMb} MB for csv and xlsx over ${dialects.join(' and ')}): ${met ? 'met' : 'NOT met'}`,
  );
  console.log(
    `bench:reports: grouped ${worst.groupedMs.toFixed(0)} ms, csv ${worst.csvMs.toFixed(0)} ms, xlsx ${worst.xlsxMs.toFixed(0)} ms, rss growth ${worst.growthMb.toFixed(1)} MB`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
