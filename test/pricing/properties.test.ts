import fc from 'fast-check';
import { Decimal, parseDecimal, sum } from '../../src/money/money';
import { priceQuote } from '../../src/pricing/price';
import type { PricedQuote } from '../../src/pricing/quote';
import { ruleSetHash } from '../../src/rules/compile';
import { fixtureRuleSet } from '../support/rule-set-copy';
import { eligibleRequest, propertyRuns } from '../support/arbitraries';
import { workedExample } from '../support/tariff-book';

const ruleSet = fixtureRuleSet();
const d = (text: string) => parseDecimal(text);
/** Random requests per property (`FC_RUNS` lowers it: test/support/arbitraries.ts). */
const RUNS = propertyRuns(300);

async function priced(request: unknown): Promise<PricedQuote> {
  const quote = await priceQuote(ruleSet, request);
  if (!quote.eligible) throw new Error(`unexpectedly refused: ${quote.reasons.join('; ')}`);
  return quote;
}

describe('pricing invariants over random valid requests (§7)', () => {
  it('every item: net = list − discount, tax + excl. tax = net, 0 ≤ discount ≤ list, all to the fen', async () => {
    await fc.assert(
      fc.asyncProperty(eligibleRequest, async (request) => {
        for (const item of (await priced(request)).items) {
          for (const figure of [item.list, item.discount, item.net, item.tax, item.exclTax])
            expect(figure).toMatch(/^\d+\.\d\d$/);
          expect(d(item.list).minus(d(item.discount)).eq(d(item.net))).toBe(true);
          expect(d(item.tax).plus(d(item.exclTax)).eq(d(item.net))).toBe(true);
          expect(d(item.discount).gte(0) && d(item.discount).lte(d(item.list))).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('totals are the sums of the items; contract value and savings follow from them', async () => {
    await fc.assert(
      fc.asyncProperty(eligibleRequest, async (request) => {
        const quote = await priced(request);
        const recurring = quote.items.filter((item) => item.kind === 'recurring');
        const oneTime = quote.items.filter((item) => item.kind === 'one-time');
        const total = (items: typeof recurring, field: 'list' | 'discount' | 'net') =>
          sum(items.map((item) => d(item[field]))).toFixed(2);
        const term = new Decimal(quote.termMonths);
        const t = quote.totals;
        expect(t.monthlyList).toBe(total(recurring, 'list'));
        expect(t.monthlyDiscount).toBe(total(recurring, 'discount'));
        expect(t.monthlyNet).toBe(total(recurring, 'net'));
        expect(t.oneTimeList).toBe(total(oneTime, 'list'));
        expect(t.oneTimeNet).toBe(total(oneTime, 'net'));
        expect(t.contractValue).toBe(d(t.monthlyNet).mul(term).plus(d(t.oneTimeNet)).toFixed(2));
        expect(t.customerSavings).toBe(
          d(t.monthlyList)
            .minus(d(t.monthlyNet))
            .mul(term)
            .plus(d(t.oneTimeList).minus(d(t.oneTimeNet)))
            .toFixed(2),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('margin = revenue − total cost, with revenue and cost built as §7 says', async () => {
    await fc.assert(
      fc.asyncProperty(eligibleRequest, async (request) => {
        const quote = await priced(request);
        const term = new Decimal(quote.termMonths);
        const i = quote.internal;
        const exclTax = (kind: string) =>
          sum(quote.items.filter((item) => item.kind === kind).map((item) => d(item.exclTax)));
        expect(i.revenueExclTax).toBe(
          exclTax('recurring').mul(term).plus(exclTax('one-time')).toFixed(2),
        );
        expect(i.monthlyCost).toBe(
          d(i.monthlyNetworkCost)
            .plus(d(i.overdraftMonthlyCost))
            .plus(d(i.pointsMonthlyCost))
            .toFixed(2),
        );
        expect(i.totalCost).toBe(d(i.monthlyCost).mul(term).plus(d(i.oneTimeCost)).toFixed(2));
        expect(i.margin).toBe(d(i.revenueExclTax).minus(d(i.totalCost)).toFixed(2));
      }),
      { numRuns: RUNS },
    );
  });

  // The bands themselves, on and either side of each threshold, are examples in
  // boundaries.test.ts; here: one approval rule decides, and it read this quote's margin.
  it('the approval level is the one approval rule that fired, on the margin % of the quote', async () => {
    await fc.assert(
      fc.asyncProperty(eligibleRequest, async (request) => {
        const { marginPct, approval, approvalRules } = (await priced(request)).internal;
        expect(approvalRules).toHaveLength(1);
        const [decided] = approvalRules;
        expect(decided?.params).toEqual({ level: approval });
        expect(decided?.conditions.length).toBeGreaterThan(0);
        for (const condition of decided?.conditions ?? [])
          expect(condition).toMatchObject({ fact: 'marginPct', saw: marginPct, passed: true });
      }),
      { numRuns: RUNS },
    );
  });

  it('the overdraft limit is a multiple of 100.00 within the cap, and points are whole', async () => {
    await fc.assert(
      fc.asyncProperty(eligibleRequest, async (request) => {
        const { benefits } = await priced(request);
        expect(d(benefits.overdraftLimit).mod(100).isZero()).toBe(true);
        expect(d(benefits.overdraftLimit).lte(500000)).toBe(true);
        expect(benefits.monthlyPoints).toMatch(/^\d+$/);
      }),
      { numRuns: RUNS },
    );
  });

  it('is deterministic: the same request prices the same twice', async () => {
    await fc.assert(
      fc.asyncProperty(eligibleRequest, async (request) => {
        expect(await priced(request)).toEqual(await priced(request));
      }),
      { numRuns: Math.min(RUNS, 100) },
    );
  });
});

describe('concurrency', () => {
  it('up to 200 concurrent evaluations of one request give identical results', async () => {
    const { request } = workedExample('ENT-0001');
    const expected = await priced(request);
    const results = await Promise.all(
      Array.from({ length: propertyRuns(200) }, () => priceQuote(ruleSet, request)),
    );
    for (const result of results) expect(result).toEqual(expected);
  });

  it('up to 200 concurrent evaluations of different requests each equal their sequential result', async () => {
    const requests = fc.sample(eligibleRequest, { numRuns: propertyRuns(200), seed: 42 });
    const sequential: PricedQuote[] = [];
    for (const request of requests) sequential.push(await priced(request));
    const concurrent = await Promise.all(requests.map((request) => priced(request)));
    expect(concurrent).toEqual(sequential);
  });
});

/** Overwrites every string, number and boolean in `value`, and empties its arrays, in place. */
function vandalize(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [key, child] of entries) {
    if (child !== null && typeof child === 'object') vandalize(child);
    else (value as Record<string, unknown>)[key] = typeof child === 'string' ? 'vandalized' : 0;
  }
  if (Array.isArray(value)) value.push('vandalized');
}

describe('isolation', () => {
  // The engine hands back its own copies of what rules say (params, the conditions it saw); a
  // quote that shared them with the rule set could be changed by whoever holds the quote.
  it('changing every value of a quote changes neither the rule set nor the next quote', async () => {
    const requests = fc.sample(eligibleRequest, { numRuns: 20, seed: 7 });
    const expected: PricedQuote[] = [];
    for (const request of requests) expected.push(await priced(request));
    const hashBefore = ruleSetHash(ruleSet.snapshot);
    for (const request of requests) vandalize(await priced(request));
    for (const [index, request] of requests.entries())
      expect(await priced(request)).toEqual(expected[index]);
    expect(ruleSetHash(ruleSet.snapshot)).toBe(hashBefore);
  });
});
