/**
 * Issue 15's invariant, on both stores: over random portfolios of stored quotes, every total of a
 * margin report equals the sum of its rows and the sum of its quotes' own figures, to the fen;
 * each quote lands in the group its key says; a paged read lists every quote once, oldest first.
 */
import fc from 'fast-check';
import { eligibleRequest } from '../support/arbitraries';
import { calendarDate } from '../../src/calendar';
import { parseDecimal, sum } from '../../src/money/money';
import { priceRequest } from '../../src/pricing/price';
import type { PricedQuote } from '../../src/pricing/quote';
import { OPEN_STATES } from '../../src/quotes/lifecycle';
import { ComponentTotals, splitQuote } from '../../src/reports/components';
import { sumOfRows } from '../../src/reports/margin';
import { parseQuoteRequest, type QuoteRequest } from '../../src/rules/request';
import { openStore } from '../../src/store/open';
import {
  FIGURE_GROUPINGS,
  type FigureGrouping,
  type FigureSums,
  type MarginFilter,
  type QuoteFigures,
} from '../../src/store/types';
import { QUOTE_STATES, type QuoteState } from '../../src/domain';
import {
  createTestDatabase,
  currentRuleSet,
  describeEachDialect,
  pricedExample,
  saveCurrentRuleSet,
} from '../store/support';

const NOW = '2026-12-15T04:00:00.000Z';
const DAY_MS = 86_400_000;

interface Priced {
  request: QuoteRequest;
  quote: PricedQuote;
}

let pool: Priced[] = [];
beforeAll(async () => {
  const ruleSet = currentRuleSet();
  const requests = fc.sample(eligibleRequest, 14);
  for (const input of requests) {
    const request = parseQuoteRequest(ruleSet.requestSchema, input);
    const quote = await priceRequest(ruleSet, request);
    if (quote.eligible) pool.push({ request, quote });
  }
  pool = [
    ...pool,
    await pricedExample('ENT-0001'),
    await pricedExample('ENT-0002'),
    await pricedExample('ENT-0003'),
  ];
  // Distinct enterprises, so that grouping by enterprise has something to do.
  pool.forEach((priced, index) => {
    priced.request = {
      ...priced.request,
      enterprise: { ...priced.request.enterprise, id: `ENT-${index % 5}`, name: `客户 ${index}` },
    };
  });
});

const storedQuote = fc.record({
  pick: fc.nat(),
  manager: fc.constantFrom('am-1', 'am-2', 'am-3'),
  state: fc.constantFrom(...QUOTE_STATES),
  // Across 2026, and often in the hours when it is already the 1st of a month in China but still
  // the last day of the month before in UTC.
  createdAt: fc.oneof(
    {
      arbitrary: fc.integer({
        min: Date.parse('2026-01-01T00:00:00Z'),
        max: Date.parse('2026-12-14T00:00:00Z'),
      }),
      weight: 2,
    },
    {
      arbitrary: fc
        .tuple(fc.integer({ min: 1, max: 11 }), fc.integer({ min: 0, max: 8 * 3600 * 1000 - 1 }))
        .map(([month, ms]) => Date.UTC(2026, month, 1) - 8 * 3600 * 1000 + ms),
      weight: 1,
    },
  ),
  validityDays: fc.integer({ min: 1, max: 60 }),
});

/** Now and then one filter or another; mostly the whole portfolio. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary, weight: 1 });
const filterArbitrary = fc
  .record({
    states: sometimes(fc.subarray([...QUOTE_STATES], { minLength: 3 })),
    createdFrom: sometimes(fc.constantFrom('2026-03-01T00:00:00.000Z', '2026-06-30T16:00:00.000Z')),
    accountManagerId: sometimes(fc.constantFrom('am-1', 'am-2')),
  })
  .map(
    (filter) =>
      Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)) as {
        states?: QuoteState[];
        createdFrom?: string;
        accountManagerId?: string;
      },
  );

function shownState(state: QuoteState, validUntil: string): QuoteState {
  return OPEN_STATES.includes(state) && validUntil < NOW ? 'expired' : state;
}

function keyOf(figures: QuoteFigures, groupBy: FigureGrouping): string {
  switch (groupBy) {
    case 'enterprise':
      return figures.enterpriseId;
    case 'accountManager':
      return figures.accountManagerId;
    case 'tier':
      return figures.tier;
    case 'industry':
      return figures.industry;
    case 'approvalLevel':
      return figures.approvalLevel;
    case 'state':
      return figures.state;
    case 'month':
      return calendarDate(figures.createdAt).slice(0, 7);
  }
}

/** What the sums must be, from each quote's own JSON figures, with Decimal. */
function expectedSums(quotes: readonly { quote: PricedQuote }[]): FigureSums {
  const total = (figure: (quote: PricedQuote) => string) =>
    sum(quotes.map(({ quote }) => parseDecimal(figure(quote)))).toFixed(2);
  return {
    quotes: quotes.length,
    contractValue: total((quote) => quote.totals.contractValue),
    revenueExclTax: total((quote) => quote.internal.revenueExclTax),
    totalCost: total((quote) => quote.internal.totalCost),
    margin: total((quote) => quote.internal.margin),
  };
}

describeEachDialect('margin report totals', (dialect) => {
  it('equal the sum of the rows and of the individual quotes exactly, over random portfolios', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(storedQuote, { maxLength: 16 }),
        filterArbitrary,
        async (portfolio, asked) => {
          const database = await createTestDatabase(dialect);
          const store = await openStore(database.options);
          try {
            await saveCurrentRuleSet(store);
            const stored: { number: string; quote: PricedQuote; figures: QuoteFigures }[] = [];
            for (const entry of portfolio) {
              const { request, quote } = pool[entry.pick % pool.length]!;
              const createdAt = new Date(entry.createdAt).toISOString();
              const validUntil = new Date(
                entry.createdAt + entry.validityDays * DAY_MS,
              ).toISOString();
              const { quote: saved } = await store.createQuote({
                accountManagerId: entry.manager,
                request,
                quote,
                state: entry.state,
                createdAt,
                validUntil,
              });
              stored.push({
                number: saved.number,
                quote,
                figures: {
                  number: saved.number,
                  createdAt,
                  state: shownState(entry.state, validUntil),
                  enterpriseId: request.enterprise.id,
                  enterpriseName: request.enterprise.name,
                  accountManagerId: entry.manager,
                  tier: quote.tier,
                  industry: String(request.enterprise.industry),
                  approvalLevel: quote.internal.approval,
                  ruleSetHash: quote.ruleSetHash,
                  contractValue: quote.totals.contractValue,
                  revenueExclTax: quote.internal.revenueExclTax,
                  totalCost: quote.internal.totalCost,
                  margin: quote.internal.margin,
                  marginPct: quote.internal.marginPct,
                },
              });
            }
            const filter: MarginFilter = {
              ...asked,
              expiry: { openStates: OPEN_STATES, now: NOW },
            };
            const matching = stored.filter(
              ({ figures }) =>
                (asked.states === undefined || asked.states.includes(figures.state)) &&
                (asked.createdFrom === undefined || figures.createdAt >= asked.createdFrom) &&
                (asked.accountManagerId === undefined ||
                  figures.accountManagerId === asked.accountManagerId),
            );
            const expected = expectedSums(matching);

            for (const groupBy of FIGURE_GROUPINGS) {
              const { groups, total } = await store.sumQuoteFigures(filter, groupBy);
              expect({ groupBy, total }).toEqual({ groupBy, total: expected });
              expect({ groupBy, rows: sumOfRows(groups) }).toEqual({ groupBy, rows: total });
              const byKey = new Map<string, typeof matching>();
              for (const entry of matching) {
                const key = keyOf(entry.figures, groupBy);
                byKey.set(key, [...(byKey.get(key) ?? []), entry]);
              }
              expect(
                Object.fromEntries(
                  groups.map(({ key, name: _name, ...sums }) => [key, sums] as const),
                ),
              ).toEqual(
                Object.fromEntries(
                  [...byKey].map(([key, entries]) => [key, expectedSums(entries)] as const),
                ),
              );
            }

            const listed: QuoteFigures[] = [];
            const streamedTotal = await store.readQuoteFigures(filter, 3, async (page) => {
              expect(page.length).toBeLessThanOrEqual(3);
              listed.push(...page);
            });
            expect(streamedTotal).toEqual(expected);
            const inOrder = [...matching]
              .sort(
                (a, b) =>
                  a.figures.createdAt.localeCompare(b.figures.createdAt) ||
                  a.number.localeCompare(b.number),
              )
              .map((entry) => entry.figures);
            expect(listed).toEqual(inOrder);

            const components = new ComponentTotals();
            const unitCosts = new Map(
              currentRuleSet().items.map((item) => [item.code, item.unitCostValue]),
            );
            const componentTotal = await store.readQuoteComponents(filter, 4, async (page) => {
              for (const source of page) components.add(splitQuote(source, unitCosts));
            });
            expect(componentTotal).toEqual(expected);
            const split = sumOfRows(components.rows((component) => component.key));
            expect({ ...split, quotes: expected.quotes }).toEqual(expected);
          } finally {
            await store.close();
            await database.dispose();
          }
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);
});
