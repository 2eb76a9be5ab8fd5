/**
 * Impact analysis end to end on a real store (issue 13): every row is what pricing the
 * enterprise's latest stored request by hand under each set gives, the summary is exactly the sum
 * of its rows however the portfolio is split into chunks, the CSV is Excel-safe, and the
 * worker-thread runner really prices in threads, reading its chunks from the store itself.
 */
import { PassThrough } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { rowDeltas, sideOf, standingOf, summarize, type ImpactRow } from '../../src/impact/compare';
import { ThreadRunner } from '../../src/impact/threads';
import { openStore } from '../../src/store/open';
import { writeImpactCsv } from '../../src/impact/csv';
import { jsonlPortfolio } from '../../src/impact/portfolio';
import { ImpactService } from '../../src/impact/service';
import { MoneyTotal } from '../../src/money/money';
import { priceQuote } from '../../src/pricing/price';
import type { RuleSet } from '../../src/rules/compile';
import type { StoreOptions } from '../../src/store/open';
import type { LatestRequest } from '../../src/store/types';
import { describeEachDialect, useStore } from '../store/support';
import { parseCsv } from '../support/csv';
import { draftRuleSet, live, seedPortfolio } from './support';

const QUOTE_DATE = '2026-12-02';
const ENTERPRISES = 12;

let draft: RuleSet;
beforeAll(() => {
  draft = draftRuleSet();
});

/**
 * Chunks of 5 enterprises, so a portfolio is several; given where the store is, threads read
 * their chunks from it, else this process reads them (an in-memory store).
 */
function impactService(
  store: ReturnType<ReturnType<typeof useStore>['store']>,
  storeOptions?: StoreOptions,
  chunkSize = 5,
) {
  return new ImpactService({
    store,
    live,
    clock: () => new Date('2026-12-02T02:00:00.000Z'),
    settings: {
      runsDir: '/nonexistent',
      threads: 2,
      chunkSize,
      ...(storeOptions ? { store: storeOptions } : {}),
    },
  });
}

describeEachDialect('impact analysis', (dialect) => {
  const { store, database } = useStore(dialect);

  it('reads the figures of each latest quote priced by a set it is asked about, and only those', async () => {
    await seedPortfolio(store(), live(), 3);
    const read = async (pricedBy: string[]) => {
      const latest: LatestRequest[] = [];
      await store().readLatestRequests(2, async (page) => void latest.push(...page), pricedBy);
      return latest;
    };
    const { items } = await store().listQuotes({ limit: 100, offset: 0 });
    const asked = await read(['another-hash', live().hash]);
    expect(asked).toHaveLength(3);
    for (const latest of asked) {
      const { quote } = items.find((stored) => stored.number === latest.quoteNumber)!;
      if (!quote.eligible) throw new Error('seeded quotes are priced');
      expect(latest.stored).toEqual({
        eligible: true,
        ruleSetHash: live().hash,
        tier: quote.tier,
        approval: quote.internal.approval,
        monthlyNet: quote.totals.monthlyNet,
        contractValue: quote.totals.contractValue,
        revenueExclTax: quote.internal.revenueExclTax,
        margin: quote.internal.margin,
        marginPct: quote.internal.marginPct,
      });
    }
    for (const latest of await read(['another-hash'])) expect(latest).not.toHaveProperty('stored');
    for (const latest of await read([])) expect(latest).not.toHaveProperty('stored');
  });

  it('gives per enterprise exactly what pricing its latest request by hand under each set gives', async () => {
    await seedPortfolio(store(), live(), ENTERPRISES);
    await store().saveRuleSet(draft.hash, draft.snapshot, 'pm', '2026-12-01T00:00:00.000Z');
    const impact = impactService(store(), database().options);
    const progress: number[] = [];
    try {
      const analysis = await impact.analyse({
        after: draft.hash,
        quoteDate: QUOTE_DATE,
        rows: true,
        onProgress: ({ done, total }) => {
          expect(total).toBe(ENTERPRISES);
          progress.push(done);
        },
      });
      expect(analysis.before).toBe(live().hash);
      expect(analysis.rows!.map((row) => row.enterpriseId)).toEqual(
        Array.from({ length: ENTERPRISES }, (_, index) => `ENT-${String(index).padStart(3, '0')}`),
      );
      expect(progress.at(-1)).toBe(ENTERPRISES);
      const { items } = await store().listQuotes({ limit: 100, offset: 0 });
      for (const row of analysis.rows!) {
        const latest = items
          .filter((quote) => quote.enterpriseId === row.enterpriseId)
          .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0]!;
        expect(row.quoteNumber).toBe(latest.number);
        for (const [side, ruleSet] of [
          ['before', live()],
          ['after', draft],
        ] as const) {
          const byHand = await priceQuote(ruleSet, latest.request, { quoteDate: QUOTE_DATE });
          expect(row[side]).toEqual(sideOf(byHand));
        }
      }
      // The draft moves figures, tiers and approvals, or this test would prove little.
      expect(analysis.summary.changed).toBeGreaterThan(0);
      expect(analysis.summary.tierChanged).toBeGreaterThan(0);
      expect(analysis.summary.approvalChanged).toBeGreaterThan(0);
      expect(analysis.summary.enterprises).toBe(ENTERPRISES);
      expect(analysis.summary).toEqual(summarize(analysis.rows!));
    } finally {
      await impact.close();
    }
  });

  it('merges the summaries of many chunks into the summary of one', async () => {
    await seedPortfolio(store(), live(), ENTERPRISES);
    await store().saveRuleSet(draft.hash, draft.snapshot, 'pm', '2026-12-01T00:00:00.000Z');
    const summaryBy = async (chunkSize: number, storeOptions?: StoreOptions) => {
      const impact = impactService(store(), storeOptions, chunkSize);
      const chunks: number[] = [];
      try {
        const { summary } = await impact.analyse({
          after: draft.hash,
          quoteDate: QUOTE_DATE,
          onProgress: ({ done }) => chunks.push(done),
        });
        return { summary, chunks: chunks.length - 1 };
      } finally {
        await impact.close();
      }
    };
    const whole = await summaryBy(ENTERPRISES);
    expect(whole.chunks).toBe(1);
    // Threads reading a chunk of one enterprise each; this process reading chunks of five.
    for (const [chunkSize, storeOptions] of [
      [1, database().options],
      [5, undefined],
    ] as const) {
      const split = await summaryBy(chunkSize, storeOptions);
      expect(split.chunks).toBe(Math.ceil(ENTERPRISES / chunkSize));
      expect(split.summary).toEqual(whole.summary);
    }
    expect(whole.summary.biggestMovers.length).toBeGreaterThan(1);
  });

  it('splits the portfolio into ranges that hold every enterprise once', async () => {
    await seedPortfolio(store(), live(), 7);
    const { enterprises, ranges } = await store().enterpriseRanges(3);
    expect(enterprises).toBe(7);
    expect(ranges).toEqual([
      { to: 'ENT-003' },
      { from: 'ENT-003', to: 'ENT-006' },
      { from: 'ENT-006' },
    ]);
    expect(await store().enterpriseRanges(7)).toEqual({ enterprises: 7, ranges: [{}] });
  });

  it('prices requests from a JSONL file the same way, naming a bad line', async () => {
    await seedPortfolio(store(), live(), 3);
    await store().saveRuleSet(draft.hash, draft.snapshot, 'pm', '2026-12-01T00:00:00.000Z');
    const { items } = await store().listQuotes({ limit: 100, offset: 0 });
    const lines = items.map((quote) => JSON.stringify(quote.request)).join('\n');
    expect(() => jsonlPortfolio(`${lines}\n{"enterprise": {}}\nnot json`)).toThrow(
      /line 5: must be a request object with enterprise.id; line 6: is not JSON/,
    );
    const impact = impactService(store());
    try {
      const analysis = await impact.analyse({
        after: draft.hash,
        quoteDate: QUOTE_DATE,
        portfolio: jsonlPortfolio(`${lines}\n\n`),
        rows: true,
      });
      expect(analysis.rows).toHaveLength(items.length);
      for (const [index, row] of analysis.rows!.entries()) {
        const byHand = await priceQuote(draft, items[index]!.request, { quoteDate: QUOTE_DATE });
        expect(row.after).toEqual(sideOf(byHand));
      }
    } finally {
      await impact.close();
    }
  });

  it('refuses a hash that is not in the store', async () => {
    const impact = impactService(store());
    await expect(impact.analyse({ after: 'f'.repeat(64) })).rejects.toMatchObject({
      kind: 'not-found',
    });
  });
});

describe('impact summary and CSV', () => {
  const rowsOf = async (count: number): Promise<ImpactRow[]> => {
    const { store, close } = await memoryStore();
    try {
      await seedPortfolio(store, live(), count);
      await store.saveRuleSet(draft.hash, draft.snapshot, 'pm', '2026-12-01T00:00:00.000Z');
      const impact = impactService(store);
      try {
        const analysis = await impact.analyse({
          after: draft.hash,
          quoteDate: QUOTE_DATE,
          rows: true,
        });
        return analysis.rows!;
      } finally {
        await impact.close();
      }
    } finally {
      await close();
    }
  };

  it('totals exactly the sum of its rows, and migrates every enterprise once', async () => {
    const rows = await rowsOf(20);
    // An unpriceable side counts as nothing, on either side.
    rows.push({
      enterpriseId: 'ENT-X',
      enterpriseName: 'broken',
      before: rows[0]!.before,
      after: { eligible: false, problem: 'handsets.0.model: unknown' },
    });
    const summary = summarize(rows);
    for (const figure of ['monthlyNet', 'contractValue', 'revenueExclTax', 'margin'] as const) {
      const before = new MoneyTotal();
      const after = new MoneyTotal();
      const delta = new MoneyTotal();
      for (const row of rows) {
        if (row.before[figure]) before.add(row.before[figure]);
        if (row.after[figure]) after.add(row.after[figure]);
        delta.add(rowDeltas(row)[figure]);
      }
      expect(summary.before[figure]).toBe(before.toString());
      expect(summary.after[figure]).toBe(after.toString());
      expect(summary.delta[figure]).toBe(delta.toString());
    }
    const migrated = Object.values(summary.approvalMigration).flatMap((to) => Object.values(to));
    expect(migrated.reduce((a, b) => a + b, 0)).toBe(rows.length);
    expect(summary.approvalMigration[standingOf(rows[0]!.before)]?.error).toBe(1);
    expect(summary.eligibilityChanged).toBeGreaterThanOrEqual(1);
    expect(summary.biggestMovers.length).toBeLessThanOrEqual(10);
  });

  it('writes Excel-safe CSV: BOM, CRLF, a formula-like name neutralised, figures as they are', async () => {
    const rows = await rowsOf(4);
    const out = new PassThrough();
    const written = buffer(out);
    await writeImpactCsv(rows, summarize(rows), 'en', out);
    const bytes = await written;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.toString('utf8');
    expect(csv).toContain('\r\n');
    const records = parseCsv(csv.replace(/^\uFEFF/, ''));
    const header = records[0]!;
    expect(header.slice(0, 3)).toEqual(['Enterprise id', 'Enterprise', 'Quote number']);
    expect(header).toContain('Margin before');
    expect(header).toContain('Contract value change');
    const byId = new Map(records.slice(1).map((record) => [record[0], record]));
    expect(byId.get('ENT-001')![1]).toBe(`'=HYPERLINK("x")`);
    const deltaAt = header.indexOf('Margin change');
    for (const row of rows) {
      expect(byId.get(row.enterpriseId)![deltaAt]).toBe(rowDeltas(row).margin);
    }
    const total = records.at(-1)!;
    expect(total[0]).toBe('Total');
    expect(total[header.indexOf('Margin change')]).toBe(summarize(rows).delta.margin);
  });

  it('prices in worker threads, as many as asked for when chunks wait', async () => {
    const runner = new ThreadRunner(2);
    try {
      const ruleSet = live();
      const stored = { hash: ruleSet.hash, snapshot: ruleSet.snapshot };
      const chunk = {
        before: stored,
        after: stored,
        quoteDate: QUOTE_DATE,
        source: {
          entries: [
            {
              enterpriseId: 'ENT-T',
              enterpriseName: 't',
              requestText: JSON.stringify({ not: 'a request' }),
            },
          ],
        },
        rows: true,
      };
      expect(runner.threads).toBe(0);
      const results = await Promise.all([1, 2, 3, 4].map(() => runner.run(chunk)));
      for (const { rows, summary } of results) {
        expect(rows![0]!.before.problem).toMatch(/enterprise/);
        expect(summary.approvalMigration).toEqual({ error: { error: 1 } });
      }
      expect(runner.completed).toBe(4);
      expect(runner.threads).toBe(2);
    } finally {
      await runner.close();
    }
  });
});

async function memoryStore() {
  const store = await openStore({ sqlitePath: ':memory:' });
  return { store, close: () => store.close() };
}
