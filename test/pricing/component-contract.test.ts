/**
 * The pricing core holds every component to its contract, whatever the component: a benefit is
 * granted once, and a credit comes off a VAT class the bill has, by no more than its net and
 * never below zero. No registered component breaks these (their own checks and `decides` keys
 * come first), so rules with made-up effects stand in for a component that would.
 */
import { AppError } from '../../src/errors';
import { parseDecimal } from '../../src/money/money';
import { priceQuote } from '../../src/pricing/price';
import type { CompiledRule, RuleSet } from '../../src/rules/compile';
import type { BenefitContext, BillContext } from '../../src/rules/components/component';
import { fixtureRuleSet } from '../support/rule-set-copy';
import { workedExample } from '../support/tariff-book';

const fixture = fixtureRuleSet();
const template = fixture.rulesByPhase.offer.find(
  (rule) => rule.prepared.decides === undefined && rule.prepared.derives === undefined,
)!;

type Effect =
  | { stage: 'bill'; apply: (bill: BillContext, rule: string) => void }
  | { stage: 'benefit'; apply: (benefits: BenefitContext, rule: string) => void };

/** The fixture tariff with rules, firing on every request, whose effects are `effects`. */
function withEffects(effects: Record<string, Effect>): RuleSet {
  const added = Object.entries(effects).map(([name, effect], index): CompiledRule => ({
    ...template,
    name,
    priority: 1,
    order: 10_000 + index,
    conditions: { all: [] },
    prepared: {
      ...template.prepared,
      decides: undefined,
      derives: undefined,
      enqueue(queues, because) {
        if (effect.stage === 'bill') queues.bill.push((bill) => effect.apply(bill, because.rule));
        else queues.benefit.push((benefits) => effect.apply(benefits, because.rule));
      },
    },
  }));
  return {
    ...fixture,
    rulesByPhase: { ...fixture.rulesByPhase, offer: [...fixture.rulesByPhase.offer, ...added] },
  };
}

const price = (ruleSet: RuleSet) => priceQuote(ruleSet, workedExample('ENT-0001').request);
const because = (rule: string) => ({ rule, component: 'made-up', params: {}, conditions: [] });

describe('the pricing core holds a component to its contract', () => {
  it('refuses a benefit granted twice, naming every rule behind each grant', async () => {
    // The fixture tariff grants ENT-0001 its points by points-terms and points-key.
    const error = await price(
      withEffects({
        'second-grant': {
          stage: 'benefit',
          apply: (benefits, rule) =>
            benefits.grant(
              'monthlyPoints',
              { amount: parseDecimal('1'), monthlyCost: parseDecimal('0.01') },
              [because(rule)],
            ),
        },
      }),
    ).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      kind: 'rule-conflict',
      message: 'rules points-terms, points-key and second-grant both grant monthlyPoints',
      details: { rules: ['points-terms', 'points-key', 'second-grant'] },
    });
  });

  it.each([
    ['below zero', () => '-0.01', (rate: string) => rate, /credits -0\.01 at VAT rate/],
    [
      'above the class’s net',
      (net: string) => parseDecimal(net).plus('0.01').toFixed(2),
      (rate: string) => rate,
      /credits \d+\.\d\d at VAT rate \S+, where the monthly bill has \d+\.\d\d$/,
    ],
    [
      'off a VAT class the bill does not have',
      () => '1.00',
      () => '0.99',
      /credits 1\.00 at VAT rate 0\.99, where the monthly bill has 0\.00$/,
    ],
  ])('refuses a credit %s', async (_case, part, rateOf, message) => {
    const credit: Effect = {
      stage: 'bill',
      apply: (bill, rule) => {
        const [rate, net] = [...bill.monthlyNetByVatRate][0]!;
        bill.credit(new Map([[rateOf(rate), parseDecimal(part(net.toFixed(2)))]]), because(rule));
      },
    };
    await expect(price(withEffects({ 'bad-credit': credit }))).rejects.toMatchObject({
      kind: 'rule-set',
      message: expect.stringMatching(/^rule bad-credit /),
    });
    await expect(price(withEffects({ 'bad-credit': credit }))).rejects.toThrow(message);
  });

  it('takes a credit of exactly a class’s net, and one of zero leaves no trace in that class', async () => {
    let rateCredited = '';
    const quote = await price(
      withEffects({
        'whole-class': {
          stage: 'bill',
          apply: (bill, rule) => {
            const [rate, net] = [...bill.monthlyNetByVatRate][0]!;
            rateCredited = rate;
            const others = [...bill.monthlyNetByVatRate.keys()].slice(1);
            bill.credit(
              new Map([[rate, net], ...others.map((other) => [other, parseDecimal('0')] as const)]),
              because(rule),
            );
          },
        },
      }),
    );
    if (!quote.eligible) throw new Error('ENT-0001 is priced');
    const credit = quote.credits?.find((entry) => entry.rule === 'whole-class');
    expect(credit?.byVatRate.map((part) => part.vatRate)).toEqual([rateCredited]);
  });
});
