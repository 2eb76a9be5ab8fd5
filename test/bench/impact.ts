/**
 * Impact analysis over 100,000 stored quotes (issue 13): `npm run bench:impact [-- count]`.
 *
 * Seeds `count` quotes into SQLite straight through the driver, one enterprise each, with a
 * different generated request each (fixed seed) and the quote the live set prices for it, then
 * analyses a draft of the tariff against the set they were priced with through the same
 * ImpactService the CLI and the API use: first with one worker thread per CPU, then with one.
 * Threads read their ranges of the portfolio from the store and hand back partial summaries, as
 * `quote rulesets impact` without --out does (rows are kept only for a CSV or an API result).
 * Each enterprise is priced under the draft; its side under the live set is its stored quote
 * (src/impact/chunk.ts says when that is exact).
 * Rates are enterprises analysed per second of wall time, reading from the store included; the CPU
 * the process spent per enterprise (all threads) is printed beside them, since other load on a
 * shared machine takes wall time, and scaling, from both runs alike. The
 * last line is `bench:impact: N quotes/s with W workers, M quotes/s with 1, scaling S`.
 *
 * `BENCH_STORE=postgres` (with TEST_DATABASE_URL or DATABASE_URL) runs it on PostgreSQL as the
 * command line does there: chunks go through the pg-boss queue, which this process works with its
 * threads (W, then 1), in a schema of its own dropped afterwards.
 * Goal on a 2-core machine: the whole portfolio in < 30 s, scaling ≥ 1.6.
 */
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import fc from 'fast-check';
import type { ImpactSettings } from '../../src/impact/service';
import { priceRequest } from '../../src/pricing/price';
import type { PricedQuote } from '../../src/pricing/quote';
import { parseQuoteRequest, type QuoteRequest } from '../../src/rules/request';
import { formatQuoteNumber } from '../../src/store/quote-number';
import { draftRuleSet, live } from '../impact/support';
import { eligibleRequest } from '../support/arbitraries';
import { createTestDatabase, type TestDatabase } from '../store/support';

const COUNT = Number(process.env.BENCH_COUNT ?? process.argv[2] ?? 100_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? availableParallelism());
const GOAL = { seconds: 30, scaling: 1.6 };
const BATCH = 2_000;

const STORE = process.env.BENCH_STORE ?? 'sqlite';
if (STORE !== 'sqlite' && STORE !== 'postgres')
  throw new Error(`BENCH_STORE is sqlite or postgres, got ${STORE}`);
const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
if (STORE === 'postgres') {
  if (!POSTGRES_URL)
    throw new Error('BENCH_STORE=postgres needs TEST_DATABASE_URL or DATABASE_URL');
  process.env.TEST_DATABASE_URL = POSTGRES_URL;
}

interface Priced {
  request: QuoteRequest;
  quote: PricedQuote;
}

/** Each of `COUNT` generated requests (one enterprise each) with the quote the live set prices. */
async function* pricedBatches(): AsyncGenerator<{ from: number; priced: Priced[] }> {
  const ruleSet = live();
  const requests = fc.sample(eligibleRequest, { numRuns: COUNT, seed: 20261202 });
  for (let from = 0; from < COUNT; from += BATCH) {
    const priced: Priced[] = [];
    for (let index = from; index < Math.min(COUNT, from + BATCH); index += 1) {
      const input = requests[index] as { enterprise: Record<string, string> };
      const request = parseQuoteRequest(ruleSet.requestSchema, {
        ...input,
        enterprise: { ...input.enterprise, id: `ENT-${String(index).padStart(6, '0')}` },
      });
      const quote = await priceRequest(ruleSet, request);
      if (!quote.eligible) throw new Error('bench requests are eligible');
      priced.push({ request, quote });
    }
    yield { from, priced };
  }
}

/** The quotes row of quote `index`, as the store would write it (no audit entries). */
function quoteRow(index: number, { request, quote }: Priced) {
  const at = new Date(Date.UTC(2026, 10, 1) + index * 1000).toISOString();
  return {
    number: formatQuoteNumber(2026, index + 1),
    sequence: index + 1,
    enterprise: request.enterprise.id,
    name: request.enterprise.name,
    approval: quote.internal.approval,
    hash: quote.ruleSetHash,
    request: JSON.stringify(request),
    quote: JSON.stringify(quote),
    contractValue: quote.totals.contractValue,
    marginPct: quote.internal.marginPct,
    at,
  };
}

async function seed(database: TestDatabase): Promise<void> {
  if (database.dialect === 'postgres') return seedPostgres(database);
  const path = database.options.sqlitePath!;
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  // Seeding only: one fsync per batch would be the same data, slower.
  sqlite.pragma('synchronous = OFF');
  const insert = sqlite.prepare(
    `insert into quotes (number, year, sequence, state, enterprise_id, enterprise_name,
       account_manager_id, approval_level, rule_set_hash, request, quote, contract_value,
       margin_pct, created_at, valid_until, updated_at)
     values (@number, 2026, @sequence, 'draft', @enterprise, @name, 'am-1', @approval, @hash,
       @request, @quote, @contractValue, @marginPct, @at, @at, @at)`,
  );
  const batch = sqlite.transaction((from: number, priced: Priced[]) => {
    priced.forEach((entry, offset) => insert.run(quoteRow(from + offset, entry)));
  });
  for await (const { from, priced } of pricedBatches()) batch(from, priced);
  sqlite.prepare('insert into quote_counters (year, last_number) values (2026, ?)').run(COUNT);
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.exec('analyze');
  sqlite.close();
}

/** The same rows through pg, a batch per statement. */
async function seedPostgres(database: TestDatabase): Promise<void> {
  const client = new pg.Client({ connectionString: database.options.databaseUrl });
  await client.connect();
  try {
    for await (const { from, priced } of pricedBatches()) {
      const rows = priced.map((entry, offset) => quoteRow(from + offset, entry));
      const column = <K extends keyof ReturnType<typeof quoteRow>>(key: K) =>
        rows.map((row) => row[key]);
      await client.query(
        `insert into quotes (number, year, sequence, state, enterprise_id, enterprise_name,
           account_manager_id, approval_level, rule_set_hash, request, quote, contract_value,
           margin_pct, created_at, valid_until, updated_at)
         select number, 2026, sequence, 'draft', enterprise, name, 'am-1', approval, hash,
           request, quote, contract_value, margin_pct, at, at, at
         from unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[],
           $7::json[], $8::json[], $9::numeric[], $10::numeric[], $11::timestamptz[])
           as rows(number, sequence, enterprise, name, approval, hash, request, quote,
             contract_value, margin_pct, at)`,
        [
          column('number'),
          column('sequence'),
          column('enterprise'),
          column('name'),
          column('approval'),
          column('hash'),
          column('request'),
          column('quote'),
          column('contractValue'),
          column('marginPct'),
          column('at'),
        ],
      );
    }
    await client.query('insert into quote_counters (year, last_number) values (2026, $1)', [COUNT]);
    await client.query('vacuum analyze quotes');
  } finally {
    await client.end();
  }
}

/**
 * The service and store as `npx quote` and `npm start` run them: compiled, from dist/ (built by
 * `prebench:impact`). Run from the sources, each worker thread would load TypeScript through tsx
 * as it starts, a cost the product never pays, and paid once more for every thread.
 */
async function compiled(): Promise<{
  ImpactService: typeof import('../../src/impact/service').ImpactService;
  openStore: typeof import('../../src/store/open').openStore;
}> {
  const dist = join(__dirname, '..', '..', 'dist');
  const [service, open] = await Promise.all([
    import(join(dist, 'impact', 'service.js')),
    import(join(dist, 'store', 'open.js')),
  ]);
  return { ImpactService: service.ImpactService, openStore: open.openStore };
}

async function main(): Promise<void> {
  const { ImpactService, openStore } = await compiled();
  const database = await createTestDatabase(STORE as 'sqlite' | 'postgres');
  const queueSchema = `pgboss_bench_${randomBytes(4).toString('hex')}`;
  try {
    const store = await openStore(database.options);
    const draft = draftRuleSet();
    await store.saveRuleSet(live().hash, live().snapshot, 'system', new Date().toISOString());
    await store.saveRuleSet(draft.hash, draft.snapshot, 'bench', new Date().toISOString());
    const seeding = performance.now();
    await seed(database);
    console.log(
      `${STORE}: seeded ${COUNT} quotes in ${((performance.now() - seeding) / 1000).toFixed(1)} s`,
    );

    const analyse = async (threads: number) => {
      const impact = new ImpactService({
        store,
        live,
        clock: () => new Date(),
        settings: {
          runsDir: '/nonexistent',
          threads,
          store: database.options,
          ...(database.dialect === 'postgres'
            ? ({
                queue: { connectionString: POSTGRES_URL!, schema: queueSchema },
                workLocally: true,
              } satisfies Partial<ImpactSettings>)
            : {}),
        },
      });
      try {
        const load = loadavg()[0]!;
        const started = performance.now();
        const cpu = process.cpuUsage();
        const analysis = await impact.analyse({ after: draft.hash });
        const seconds = (performance.now() - started) / 1000;
        const used = process.cpuUsage(cpu);
        const cpuSeconds = (used.user + used.system) / 1e6;
        if (analysis.summary.enterprises !== COUNT)
          throw new Error(`analysed ${analysis.summary.enterprises}`);
        console.log(
          `${threads} worker(s): ${COUNT} quotes in ${seconds.toFixed(1)} s, ${(COUNT / seconds).toFixed(0)} quotes/s ` +
            `(${analysis.summary.changed} changed; ${((cpuSeconds * 1000) / COUNT).toFixed(2)} ms of CPU per quote, all threads; load average before ${load.toFixed(2)})`,
        );
        return { seconds, rate: COUNT / seconds };
      } finally {
        await impact.close();
      }
    };
    const parallel = await analyse(WORKERS);
    const single = await analyse(1);
    await store.close();
    const scaling = parallel.rate / single.rate;
    console.log(
      `goal: < ${GOAL.seconds} s with ${WORKERS} workers ${parallel.seconds < GOAL.seconds ? 'met' : 'NOT met'}, ` +
        `scaling ≥ ${GOAL.scaling} ${scaling >= GOAL.scaling ? 'met' : 'NOT met'}`,
    );
    console.log(
      `bench:impact: ${parallel.rate.toFixed(0)} quotes/s with ${WORKERS} workers, ${single.rate.toFixed(0)} quotes/s with 1, scaling ${scaling.toFixed(2)}`,
    );
  } finally {
    if (database.dialect === 'postgres')
      await database.execute(`drop schema if exists ${queueSchema} cascade`);
    await database.dispose();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
