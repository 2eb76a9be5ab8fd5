/**
 * `quote rulesets impact` over the service's SQLite store: its threads read the portfolio from the
 * file themselves, the summary it prints is what pricing every enterprise's latest request by hand
 * under each set sums to, and --out writes every enterprise's row.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sideOf, summarize, type ImpactRow } from '../../src/impact/compare';
import { priceQuote } from '../../src/pricing/price';
import { openStore } from '../../src/store';
import type { RuleSet } from '../../src/rules/compile';
import { runQuote } from '../support/cli';
import { parseCsv } from '../support/csv';
import { draftRuleSet, live, seedPortfolio } from './support';

const QUOTE_DATE = '2026-12-02';
const ENTERPRISES = 9;
const dir = mkdtempSync(join(tmpdir(), 'groupquote-impact-cli-'));
const database = join(dir, 'store.sqlite');
const saved = { db: process.env.GROUPQUOTE_DB, url: process.env.DATABASE_URL };
let draft: RuleSet;
let byHand: ImpactRow[];

beforeAll(async () => {
  process.env.GROUPQUOTE_DB = database;
  delete process.env.DATABASE_URL;
  draft = draftRuleSet();
  const store = await openStore({ sqlitePath: database });
  try {
    await seedPortfolio(store, live(), ENTERPRISES);
    await store.saveRuleSet(draft.hash, draft.snapshot, 'pm', '2026-12-01T00:00:00.000Z');
    const { items } = await store.listQuotes({ limit: 100, offset: 0 });
    const latest = [...items]
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .reduce(
        (by, quote) => by.set(quote.enterpriseId, quote),
        new Map<string, (typeof items)[0]>(),
      );
    byHand = [];
    for (const quote of [...latest.values()].sort((a, b) =>
      a.enterpriseId.localeCompare(b.enterpriseId),
    )) {
      const side = async (ruleSet: RuleSet) =>
        sideOf(await priceQuote(ruleSet, quote.request, { quoteDate: QUOTE_DATE }));
      byHand.push({
        enterpriseId: quote.enterpriseId,
        enterpriseName: quote.enterpriseName,
        quoteNumber: quote.number,
        before: await side(live()),
        after: await side(draft),
      });
    }
  } finally {
    await store.close();
  }
});

afterAll(() => {
  for (const [name, value] of [
    ['GROUPQUOTE_DB', saved.db],
    ['DATABASE_URL', saved.url],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('quote rulesets impact', () => {
  it('prints the summary of the rows priced by hand, and writes each row with --out', async () => {
    const out = join(dir, 'impact.csv');
    const {
      code,
      out: printed,
      err,
    } = await runQuote(
      'rulesets',
      'impact',
      draft.hash,
      '--against',
      live().hash,
      '--date',
      QUOTE_DATE,
      '--lang',
      'en',
      '--out',
      out,
      '--json',
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    const summary = JSON.parse(printed.slice(0, printed.lastIndexOf('}') + 1)) as unknown;
    expect(summary).toEqual(summarize(byHand));
    expect(byHand.length).toBe(ENTERPRISES);
    const records = parseCsv(readFileSync(out, 'utf8').replace(/^\uFEFF/, ''));
    // The header, a row per enterprise in id order, the total.
    expect(records.map((record) => record[0])).toEqual([
      'Enterprise id',
      ...byHand.map((row) => row.enterpriseId),
      'Total',
    ]);
  });
});
