/**
 * Negotiated adjustments (issue 14 §1): percent points beyond the tariff on an item or a
 * category, added to the tariff's percentages and rounded once, capped at 100 %, each explained
 * with its reason; the approval rules see the deepest one.
 */
import fc from 'fast-check';
import { AppError } from '../../src/errors';
import { priceQuote } from '../../src/pricing/price';
import type { PricedQuote, QuoteOutcome } from '../../src/pricing/quote';
import { compileRuleSet, type RuleSet } from '../../src/rules/compile';
import { eligibleRequest, propertyRuns } from '../support/arbitraries';
import { fixtureRuleSet, sampleSnapshot } from '../support/rule-set-copy';
import { workedExample } from '../support/tariff-book';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ruleSet = fixtureRuleSet();

function priced(outcome: QuoteOutcome): PricedQuote {
  if (!outcome.eligible) throw new Error(`refused: ${outcome.reasons.join('; ')}`);
  return outcome;
}

function withRules(edit: (files: Json) => void): RuleSet {
  const snapshot = sampleSnapshot();
  edit(snapshot.files as Json);
  const compiled = compileRuleSet(snapshot);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  return compiled.ruleSet;
}

const ENT_0001 = () => structuredClone(workedExample('ENT-0001').request) as Json;

describe('a negotiated adjustment', () => {
  it('adds to the tariff percent on the item and is rounded once, explained with its reason', async () => {
    const request = ENT_0001();
    request.adjustments = [{ item: 'LD_MIN', percent: '5', reason: 'matches a competitor offer' }];
    const quote = priced(await priceQuote(ruleSet, request));
    // §7: 2160.00 list, 35 % tariff + 5 % negotiated = 40 % → 864.00 off, rounded once.
    expect(quote.items.find((item) => item.code === 'LD_MIN')).toMatchObject({
      list: '2160.00',
      discount: '864.00',
      net: '1296.00',
    });
    expect(quote.explanations.items.LD_MIN?.map((rule) => rule.rule)).toEqual([
      'long-distance-key',
      'negotiated',
    ]);
    expect(quote.explanations.items.LD_MIN?.[1]).toEqual({
      rule: 'negotiated',
      description: 'matches a competitor offer',
      component: 'negotiated',
      params: { item: 'LD_MIN', percent: '5', reason: 'matches a competitor offer' },
      conditions: [],
    });
  });

  it('prices exactly as the same percent from a tariff rule would (property)', async () => {
    const items = ['LINE_FEE', 'LOCAL_MIN', 'LD_MIN', 'SMS', 'DATA_GB'];
    await fc.assert(
      fc.asyncProperty(
        eligibleRequest,
        fc.constantFrom(...items),
        fc.integer({ min: 1, max: 3000 }),
        async (request, item, hundredths) => {
          const percent = (hundredths / 100).toFixed(2).replace(/\.?0+$/, '');
          const negotiated = priced(
            await priceQuote(ruleSet, {
              ...request,
              adjustments: [{ item, percent, reason: 'test' }],
            }),
          );
          const asRule = priced(
            await priceQuote(
              withRules((files) => {
                files['extra.rules.json'] = {
                  phase: 'offer',
                  rules: [
                    {
                      name: 'extra',
                      priority: 5,
                      conditions: { all: [] },
                      event: { type: 'percent-off', params: { item, percent } },
                    },
                  ],
                };
              }),
              request,
            ),
          );
          expect(negotiated.items).toEqual(asRule.items);
          expect(negotiated.totals).toEqual(asRule.totals);
          expect(negotiated.benefits).toEqual(asRule.benefits);
        },
      ),
      { numRuns: propertyRuns(40), seed: 20261202 },
    );
  });

  it('on a category applies to each of its items', async () => {
    const request = ENT_0001();
    request.adjustments = [{ category: 'usage', percent: '10', reason: 'volume' }];
    const quote = priced(await priceQuote(ruleSet, request));
    for (const code of ['LOCAL_MIN', 'GROUP_MIN', 'LD_MIN', 'SMS', 'DATA_GB'])
      expect(quote.explanations.items[code]?.at(-1)?.rule).toBe('negotiated');
    expect(quote.explanations.items.LINE_FEE?.map((rule) => rule.rule)).not.toContain('negotiated');
  });

  it('never takes an item below nothing: the sum is capped at 100 %', async () => {
    const request = ENT_0001();
    request.adjustments = [{ item: 'LINE_FEE', percent: '95', reason: 'pilot' }];
    const quote = priced(await priceQuote(ruleSet, request));
    expect(quote.items.find((item) => item.code === 'LINE_FEE')).toMatchObject({
      list: '4560.00',
      discount: '4560.00',
      net: '0.00',
    });
  });

  it('is read by the approval rules as the deepest negotiated percent', async () => {
    const byNegotiation = withRules((files) => {
      files['approval.rules.json'].rules = [
        {
          name: 'deep-negotiation',
          priority: 10,
          conditions: {
            all: [
              { fact: 'negotiatedPercent', operator: 'decimalGreaterThanInclusive', value: '10' },
            ],
          },
          event: { type: 'approval-level', params: { level: 'finance-director' } },
        },
        {
          name: 'shallow-negotiation',
          priority: 10,
          conditions: {
            all: [{ fact: 'negotiatedPercent', operator: 'decimalLessThan', value: '10' }],
          },
          event: { type: 'approval-level', params: { level: 'auto' } },
        },
      ];
    });
    const at = async (adjustments: Json[]) =>
      priced(await priceQuote(byNegotiation, { ...ENT_0001(), adjustments })).internal.approval;
    expect(await at([])).toBe('auto');
    expect(await at([{ item: 'SMS', percent: '9.99', reason: 'r' }])).toBe('auto');
    expect(
      await at([
        { item: 'SMS', percent: '3', reason: 'r' },
        { item: 'DATA_GB', percent: '10', reason: 'r' },
      ]),
    ).toBe('finance-director');
  });

  it.each([
    [{ item: 'LD_MINS', percent: '5', reason: 'r' }, 'adjustments.0.item', /not in the price list/],
    [{ item: 'LD_MIN', percent: '5' }, 'adjustments.0.reason', /reason/],
    [{ item: 'LD_MIN', percent: '100.5', reason: 'r' }, 'adjustments.0.percent', /at most 100/],
    [{ item: 'LD_MIN', percent: '5.555', reason: 'r' }, 'adjustments.0.percent', /two decimals/],
    [{ item: 'LD_MIN', percent: 5, reason: 'r' }, 'adjustments.0.percent', /decimal string/],
    [{ category: 'gadgets', percent: '5', reason: 'r' }, 'adjustments.0.category', /category/],
  ])('refuses %j at %s', async (adjustment, path, message) => {
    try {
      await priceQuote(ruleSet, { ...ENT_0001(), adjustments: [adjustment] });
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).details.issues).toEqual([
        expect.objectContaining({ path, message: expect.stringMatching(message) }),
      ]);
    }
  });
});
