/**
 * The chunk pricer takes a stored quote as a set's side only where pricing the request again
 * would give that very quote: the set that priced it, and the day it was priced or a set that
 * prices alike on every day. Anywhere else it prices the request again.
 */
import { priceChunk, type PortfolioEntry } from '../../src/impact/chunk';
import { sideOf, unpriceable } from '../../src/impact/compare';
import { priceQuote } from '../../src/pricing/price';
import type { QuoteOutcome } from '../../src/pricing/quote';
import type { StoredQuoteFigures } from '../../src/store/types';
import { compileRuleSet, type RuleSet } from '../../src/rules/compile';
import { pricesAlikeOnEveryDay } from '../../src/rules/engine';
import { sampleSnapshot } from '../support/rule-set-copy';
import { workedExample } from '../support/tariff-book';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PRICED_ON = '2026-11-20';
const ANALYSED_ON = '2026-12-02';

/** The fixture tariff with one SMS rule added: 10 % off, under `conditions` and dates. */
function withSmsRule(rule: Json = {}): RuleSet {
  const snapshot = sampleSnapshot();
  (snapshot.files as Json)['sms.rules.json'] = {
    phase: 'offer',
    rules: [
      {
        name: 'sms-offer',
        priority: 5,
        conditions: { all: [] },
        event: { type: 'percent-off', params: { item: 'SMS', percent: '10' } },
        ...rule,
      },
    ],
  };
  const compiled = compileRuleSet(snapshot);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  return compiled.ruleSet;
}

const request = workedExample('ENT-0001').request;

/** A quote's figures as the store reads them (test/impact/analysis.test.ts holds the store to it). */
function figuresOf(quote: QuoteOutcome): StoredQuoteFigures {
  if (!quote.eligible) return { eligible: false, ruleSetHash: quote.ruleSetHash };
  return {
    eligible: true,
    ruleSetHash: quote.ruleSetHash,
    ...(quote.quoteDate !== undefined ? { quoteDate: quote.quoteDate } : {}),
    tier: quote.tier,
    approval: quote.internal.approval,
    monthlyNet: quote.totals.monthlyNet,
    contractValue: quote.totals.contractValue,
    revenueExclTax: quote.internal.revenueExclTax,
    margin: quote.internal.margin,
    marginPct: quote.internal.marginPct,
  };
}

async function entryPricedBy(
  ruleSet: RuleSet,
  quoteDate: string,
): Promise<{ entry: PortfolioEntry; quote: QuoteOutcome }> {
  const quote = await priceQuote(ruleSet, request, { quoteDate });
  const entry = {
    enterpriseId: 'ENT-0001',
    enterpriseName: 'one',
    requestText: JSON.stringify(request),
    stored: figuresOf(quote),
  };
  return { entry, quote };
}

async function byHand(ruleSet: RuleSet) {
  return sideOf(await priceQuote(ruleSet, request, { quoteDate: ANALYSED_ON }));
}

describe('a stored quote as a side', () => {
  it('is taken for the set that priced it when the set prices alike on every day', async () => {
    const ruleSet = withSmsRule();
    expect(pricesAlikeOnEveryDay(ruleSet)).toBe(true);
    const { entry, quote } = await entryPricedBy(ruleSet, PRICED_ON);
    // A request no set can price shows which side came from the stored quote.
    const [row] = await priceChunk(
      ruleSet,
      ruleSet,
      [{ ...entry, requestText: JSON.stringify({ enterprise: 'no request' }) }],
      ANALYSED_ON,
    );
    expect(row!.before).toEqual(sideOf(quote));
    expect(row!.before).toEqual(await byHand(ruleSet));
  });

  it('is not taken for another set: that one prices the request', async () => {
    const pricedBy = withSmsRule();
    const other = withSmsRule({
      event: { type: 'percent-off', params: { item: 'SMS', percent: '20' } },
    });
    const { entry } = await entryPricedBy(pricedBy, PRICED_ON);
    const [row] = await priceChunk(pricedBy, other, [entry], ANALYSED_ON);
    expect(row!.after).toEqual(await byHand(other));
    expect(row!.after).not.toEqual(row!.before);
  });

  it.each([
    ['applies only from a date', { validFrom: ANALYSED_ON }],
    [
      'reads the quote date',
      { conditions: { all: [{ fact: 'quoteDate', operator: 'equal', value: ANALYSED_ON }] } },
    ],
  ])('priced on another day is priced again when a rule %s', async (_what, rule) => {
    const ruleSet = withSmsRule(rule);
    expect(pricesAlikeOnEveryDay(ruleSet)).toBe(false);
    const { entry, quote } = await entryPricedBy(ruleSet, PRICED_ON);
    const [row] = await priceChunk(ruleSet, ruleSet, [entry], ANALYSED_ON);
    // The SMS offer was not in force when the quote was priced, and is on the analysis day.
    expect(row!.before).toEqual(await byHand(ruleSet));
    expect(row!.before).not.toEqual(sideOf(quote));
    // Priced on the analysis day itself, the stored quote is that day's.
    const { entry: sameDay } = await entryPricedBy(ruleSet, ANALYSED_ON);
    const [again] = await priceChunk(
      ruleSet,
      ruleSet,
      [{ ...sameDay, requestText: JSON.stringify({ enterprise: 'no request' }) }],
      ANALYSED_ON,
    );
    expect(again!.before).toEqual(await byHand(ruleSet));
  });

  it('is not taken when the store holds it refused', async () => {
    const ruleSet = withSmsRule();
    const entry: PortfolioEntry = {
      enterpriseId: 'ENT-0001',
      enterpriseName: 'one',
      requestText: JSON.stringify({ enterprise: 'no request' }),
      stored: { eligible: false, ruleSetHash: ruleSet.hash },
    };
    const [row] = await priceChunk(ruleSet, ruleSet, [entry], ANALYSED_ON);
    expect(row!.before).toEqual(unpriceable(row!.before.problem!));
    expect(row!.before.problem).toMatch(/enterprise/);
  });
});
