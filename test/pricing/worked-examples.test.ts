import { priceQuote } from '../../src/pricing/price';
import type { PricedQuote } from '../../src/pricing/quote';
import { fixtureRuleSet } from '../support/rule-set-copy';
import { EXAMPLE_IDS, workedExample } from '../support/tariff-book';

const ruleSet = fixtureRuleSet();

async function pricedExample(id: (typeof EXAMPLE_IDS)[number]): Promise<PricedQuote> {
  const quote = await priceQuote(ruleSet, workedExample(id).request);
  if (!quote.eligible) throw new Error(`${id} refused: ${quote.reasons.join('; ')}`);
  return quote;
}

describe.each(EXAMPLE_IDS)('tariff book worked example %s (§10), to the fen', (id) => {
  const { expected } = workedExample(id);

  it('assigns the expected tier', async () => {
    expect((await pricedExample(id)).tier).toBe(expected.tier);
  });

  it('has exactly the expected line items, every figure equal', async () => {
    const quote = await pricedExample(id);
    expect(quote.items.map((item) => item.code).sort()).toEqual(
      expected.items.map((item) => item.code).sort(),
    );
    for (const expectedItem of expected.items) {
      const item = quote.items.find((candidate) => candidate.code === expectedItem.code);
      expect(item).toMatchObject(expectedItem);
    }
  });

  it.each(['totals', 'benefits', 'internal'] as const)(
    'has every %s figure equal',
    async (section) => {
      const quote = await pricedExample(id);
      for (const [field, value] of Object.entries(expected[section])) {
        expect({
          field,
          value: (quote[section] as unknown as Record<string, unknown>)[field],
        }).toEqual({ field, value });
      }
    },
  );

  it('carries the rule-set hash of the loaded set', async () => {
    expect((await pricedExample(id)).ruleSetHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await pricedExample(id)).ruleSetHash).toBe(ruleSet.hash);
  });
});

describe('explanations', () => {
  it('says which rule took 35 % off long distance for a key account, and the tier it saw', async () => {
    const quote = await pricedExample('ENT-0001');
    expect(quote.explanations.items.LD_MIN).toEqual([
      expect.objectContaining({
        rule: 'long-distance-key',
        component: 'percent-off',
        params: { item: 'LD_MIN', percent: '35' },
        conditions: [{ fact: 'tier', operator: 'equal', value: 'key', saw: 'key', passed: true }],
      }),
    ]);
  });

  it('explains the 36-month bonus next to the tier discount', async () => {
    const quote = await pricedExample('ENT-0003');
    expect(quote.explanations.items.LD_MIN?.map((applied) => applied.rule)).toEqual([
      'long-distance-strategic',
      'long-distance-36-month-bonus',
    ]);
  });

  it('explains the tier with the facts its conditions saw', async () => {
    const quote = await pricedExample('ENT-0001');
    const [tierRule] = quote.explanations.tier;
    expect(tierRule?.rule).toBe('tier-key');
    expect(tierRule?.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ fact: 'tier', saw: null, passed: true }),
        expect.objectContaining({ fact: 'lines', saw: 120, passed: true }),
      ]),
    );
  });

  it('explains benefits and the approval level', async () => {
    const quote = await pricedExample('ENT-0003');
    expect(quote.explanations.benefits.overdraftLimit.map((applied) => applied.rule)).toEqual([
      'overdraft-terms',
      'overdraft-aaa',
    ]);
    expect(quote.explanations.benefits.monthlyPoints.map((applied) => applied.rule)).toEqual([
      'points-terms',
      'points-strategic',
    ]);
    expect(quote.internal.approvalRules).toEqual([
      expect.objectContaining({
        rule: 'approval-finance-director',
        conditions: expect.arrayContaining([
          expect.objectContaining({ fact: 'marginPct', saw: '0.15' }),
        ]),
      }),
    ]);
  });

  it('gives items no rule touched an empty explanation', async () => {
    const quote = await pricedExample('ENT-0002');
    expect(quote.explanations.items.SMS).toEqual([]);
  });
});
