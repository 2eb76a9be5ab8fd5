/**
 * Store throughput: `npx tsx test/store/bench-store.ts [count]`. For each database (SQLite always,
 * PostgreSQL when TEST_DATABASE_URL is set) it first measures a baseline in the same run: one
 * durable commit per quote-sized row through the bare driver, which is what a create cannot go
 * below without group commit. Then createQuote at 1, 16 and 64 concurrent callers, reported as
 * quotes/s and as a ratio to that baseline (the machine is shared and noisy; ratios travel).
 */
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { Dialect } from '../../src/store/connection';
import { openStore } from '../../src/store/open';
import {
  TEST_DATABASE_URL,
  createTestDatabase,
  newQuote,
  saveCurrentRuleSet,
  type TestDatabase,
} from './support';

const COUNT = Number(process.argv[2] ?? 1000);
const CONCURRENCY = [1, 16, 64];

function perSecond(count: number, started: bigint): number {
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** One transaction and one durable commit per row, through the driver alone. */
async function baselineCommitsPerSecond(database: TestDatabase, document: string): Promise<number> {
  const count = Math.min(COUNT, 300);
  if (database.options.sqlitePath) {
    const sqlite = new BetterSqlite3(database.options.sqlitePath);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.exec('create table baseline (id integer primary key, document text not null)');
    const insert = sqlite.prepare('insert into baseline (document) values (?)');
    const started = process.hrtime.bigint();
    for (let index = 0; index < count; index += 1) {
      sqlite.exec('begin immediate');
      insert.run(document);
      sqlite.exec('commit');
    }
    const result = perSecond(count, started);
    sqlite.exec('drop table baseline');
    sqlite.close();
    return result;
  }
  const client = new pg.Client({ connectionString: database.options.databaseUrl });
  await client.connect();
  await client.query('create table baseline (id serial primary key, document json not null)');
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) {
    await client.query('begin');
    await client.query('insert into baseline (document) values ($1)', [document]);
    await client.query('commit');
  }
  const result = perSecond(count, started);
  await client.query('drop table baseline');
  await client.end();
  return result;
}

async function bench(dialect: Dialect): Promise<void> {
  const database = await createTestDatabase(dialect);
  try {
    const store = await openStore(database.options);
    try {
      const input = await newQuote();
      const baseline = await baselineCommitsPerSecond(database, JSON.stringify(input.quote));
      console.log(
        `${dialect}: baseline ${baseline.toFixed(0)} durable commits/s (bare driver, one row each)`,
      );
      await saveCurrentRuleSet(store);
      for (const concurrency of CONCURRENCY) {
        let started = 0;
        const begun = process.hrtime.bigint();
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (started < COUNT) {
              started += 1;
              await store.createQuote(input);
            }
          }),
        );
        const rate = perSecond(COUNT, begun);
        console.log(
          `${dialect}: createQuote × ${COUNT}, ${String(concurrency).padStart(2)} concurrent: ` +
            `${rate.toFixed(0).padStart(5)} quotes/s = ${(rate / baseline).toFixed(2)} × baseline`,
        );
      }
      const audit = await store.verifyAudit();
      if (!audit.ok) throw new Error(`audit chain broken after the run: ${JSON.stringify(audit)}`);
    } finally {
      await store.close();
    }
  } finally {
    await database.dispose();
  }
}

async function main(): Promise<void> {
  await bench('sqlite');
  if (TEST_DATABASE_URL) await bench('postgres');
  else console.log('postgres: skipped (set TEST_DATABASE_URL to include it)');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
