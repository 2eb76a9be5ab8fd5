/**
 * The deal sheet's price waterfall (issue 14 §5): the steps add up to the fen, each item's
 * discount splits into the tariff's part and the negotiated part exactly, and a request that
 * negotiated nothing shows no negotiated discount.
 */
import fc from 'fast-check';
import { formatMoney, parseDecimal, sum } from '../../src/money/money';
import { priceQuote } from '../../src/pricing/price';
import type { PricedQuote, QuoteOutcome } from '../../src/pricing/quote';
import { discountSplit, negotiatedDiscounts, priceWaterfall } from '../../src/pricing/waterfall';
import { parseQuoteRequest } from '../../src/rules/request';
import { FAST_CHECK_SEED, eligibleRequest, propertyRuns } from '../support/arbitraries';
import { fixtureRuleSet } from '../support/rule-set-copy';
import { workedExample } from '../support/tariff-book';

const ruleSet = fixtureRuleSet();

function priced(outcome: QuoteOutcome): PricedQuote {
  if (!outcome.eligible) throw new Error(`refused: ${outcome.reasons.join('; ')}`);
  return outcome;
}

const ITEMS = ['LINE_FEE', 'LOCAL_MIN', 'LD_MIN', 'SMS', 'DATA_GB', 'HX-5G-PRO'];
const CATEGORIES = ['plan', 'usage', 'service', 'handset'];

const adjustment = fc.oneof(
  fc.record({
    item: fc.constantFrom(...ITEMS),
    percent: fc.integer({ min: 1, max: 10000 }).map((hundredths) => (hundredths / 100).toFixed(2)),
    reason: fc.constant('negotiated'),
  }),
  fc.record({
    category: fc.constantFrom(...CATEGORIES),
    percent: fc.integer({ min: 1, max: 4000 }).map((hundredths) => (hundredths / 100).toFixed(2)),
    reason: fc.constant('negotiated'),
  }),
);

describe('the price waterfall', () => {
  it('adds up to the fen, and each discount splits exactly into tariff and negotiated (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        eligibleRequest,
        fc.array(adjustment, { maxLength: 3 }),
        async (request, adjustments) => {
          const input = adjustments.length > 0 ? { ...request, adjustments } : request;
          const parsed = parseQuoteRequest(ruleSet.requestSchema, input);
          const quote = priced(await priceQuote(ruleSet, input));
          const negotiated = await negotiatedDiscounts(ruleSet, parsed, quote);
          const steps = priceWaterfall(quote, negotiated);
          const money = (text: string) => parseDecimal(text);
          const term = parseDecimal(quote.termMonths);
          const overTerm = (kind: string, amount: string) =>
            kind === 'recurring' ? money(amount).mul(term) : money(amount);

          // Each step follows from the one before, to the fen.
          expect(
            formatMoney(
              money(steps.list).minus(steps.tariffDiscounts).minus(steps.negotiatedDiscounts),
            ),
          ).toBe(steps.net);
          expect(formatMoney(money(steps.net).minus(steps.vat))).toBe(steps.revenueExclTax);
          expect(formatMoney(money(steps.revenueExclTax).minus(steps.costs))).toBe(steps.margin);
          // The ends are the quote's own figures.
          expect(steps.net).toBe(quote.totals.contractValue);
          expect(steps.margin).toBe(quote.internal.margin);
          // The list is every item's list over the term, and the tariff's discounts are every
          // item's tariff part over the term with the credits off the bill.
          expect(steps.list).toBe(
            formatMoney(sum(quote.items.map((item) => overTerm(item.kind, item.list)))),
          );
          const credits = sum((quote.credits ?? []).map((credit) => money(credit.amount)));
          const splits = quote.items.map((item) => ({
            item,
            split: discountSplit(item, negotiated),
          }));
          expect(steps.tariffDiscounts).toBe(
            formatMoney(
              sum(splits.map(({ item, split }) => overTerm(item.kind, split.tariff))).plus(
                credits.mul(term),
              ),
            ),
          );
          for (const { item, split } of splits) {
            expect(formatMoney(money(split.tariff).plus(split.negotiated))).toBe(item.discount);
            expect(money(split.tariff).isNegative()).toBe(false);
            expect(money(split.negotiated).isNegative()).toBe(false);
          }
          if (adjustments.length === 0) expect(steps.negotiatedDiscounts).toBe('0.00');
        },
      ),
      { seed: FAST_CHECK_SEED, numRuns: propertyRuns(60) },
    );
  });

  it('ENT-0001 with five points on long distance: 2,592.00 of list price negotiated away over 24 months', async () => {
    const request = structuredClone(workedExample('ENT-0001').request) as Record<string, unknown>;
    request.adjustments = [{ item: 'LD_MIN', percent: '5', reason: 'matches a competitor offer' }];
    const parsed = parseQuoteRequest(ruleSet.requestSchema, request);
    const quote = priced(await priceQuote(ruleSet, request));
    const negotiated = await negotiatedDiscounts(ruleSet, parsed, quote);
    // §7: 2,160.00 list; 35 % is 756.00, 40 % is 864.00: 108.00 a month, 24 months.
    expect(negotiated.LD_MIN).toBe('108.00');
    expect(negotiated.LINE_FEE).toBe('0.00');
    expect(priceWaterfall(quote, negotiated).negotiatedDiscounts).toBe('2592.00');
  });
});
