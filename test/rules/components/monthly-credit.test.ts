/**
 * monthly-credit: a fixed tax-inclusive amount off the monthly bill, split across VAT classes in
 * proportion to their net with the remainder to the largest class. Priced on worked example
 * ENT-0001 with an extra rule file, against the same request without it.
 */
import { Decimal, parseDecimal, taxInside } from '../../../src/money/money';
import { priceQuote } from '../../../src/pricing/price';
import { pricedQuoteSchema, type PricedQuote } from '../../../src/pricing/quote';
import { compileRuleSet, type RuleSet } from '../../../src/rules/compile';
import { customerQuoteSchema, quoteFor } from '../../../src/quotes/view';
import { sampleSnapshot } from '../../support/rule-set-copy';
import { workedExample } from '../../support/tariff-book';

function withCredit(amount: string, conditions: unknown = { all: [] }): RuleSet {
  const snapshot = sampleSnapshot();
  snapshot.files['credit.rules.json'] = {
    phase: 'offer',
    rules: [
      {
        name: 'welcome-credit',
        description: 'a welcome credit on every monthly bill',
        priority: 5,
        conditions,
        event: { type: 'monthly-credit', params: { amount } },
      },
    ],
  };
  const compiled = compileRuleSet(snapshot);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  return compiled.ruleSet;
}

async function priced(ruleSet: RuleSet): Promise<PricedQuote> {
  const quote = await priceQuote(ruleSet, workedExample('ENT-0001').request);
  if (!quote.eligible) throw new Error('expected ENT-0001 to price');
  return pricedQuoteSchema.parse(quote);
}

const sample = compileRuleSet(sampleSnapshot());
if (!sample.ok) throw new Error('the sample rule set must compile');

/** Monthly recurring net per VAT rate, from a quote's items. */
function netByRate(quote: PricedQuote): Map<string, Decimal> {
  const byRate = new Map<string, Decimal>();
  for (const item of quote.items.filter((entry) => entry.kind === 'recurring'))
    byRate.set(item.vatRate, (byRate.get(item.vatRate) ?? new Decimal(0)).plus(item.net));
  return byRate;
}

describe('monthly-credit', () => {
  it('takes the amount off the monthly bill, split across VAT classes by net, and explains it', async () => {
    const before = await priced(sample.ruleSet);
    const after = await priced(withCredit('500.00'));
    expect(after.items).toEqual(before.items);
    const monthlyNet = (quote: PricedQuote) => parseDecimal(quote.totals.monthlyNet);
    expect(monthlyNet(before).minus(monthlyNet(after)).toFixed(2)).toBe('500.00');
    expect(
      parseDecimal(after.totals.monthlyDiscount).minus(before.totals.monthlyDiscount).toFixed(2),
    ).toBe('500.00');
    expect(parseDecimal(after.totals.contractValue).toFixed(2)).toBe(
      parseDecimal(before.totals.contractValue)
        .minus(500 * after.termMonths)
        .toFixed(2),
    );

    const [credit] = after.credits ?? [];
    expect(credit).toMatchObject({ rule: 'welcome-credit', component: 'monthly-credit' });
    expect(credit!.amount).toBe('500.00');
    const nets = netByRate(before);
    const total = [...nets.values()].reduce((sum, net) => sum.plus(net), new Decimal(0));
    const largest = [...nets.entries()].sort((a, b) => b[1].cmp(a[1]))[0]![0];
    let parts = new Decimal(0);
    for (const part of credit!.byVatRate) {
      const share = parseDecimal('500.00').mul(nets.get(part.vatRate)!).div(total);
      if (part.vatRate !== largest) expect(part.amount).toBe(share.toFixed(2));
      const tax = taxInside(parseDecimal(part.amount), parseDecimal(part.vatRate));
      expect(part.tax).toBe(tax.tax.toFixed(2));
      expect(part.exclTax).toBe(tax.exclTax.toFixed(2));
      parts = parts.plus(part.amount);
    }
    expect(parts.toFixed(2)).toBe('500.00');
    expect(credit!.byVatRate.map((part) => part.vatRate).sort()).toEqual([...nets.keys()].sort());

    const creditExclTax = credit!.byVatRate.reduce(
      (sum, part) => sum.plus(part.exclTax),
      new Decimal(0),
    );
    expect(
      parseDecimal(before.internal.revenueExclTax).minus(after.internal.revenueExclTax).toFixed(2),
    ).toBe(creditExclTax.mul(after.termMonths).toFixed(2));
    // The network still carries the same traffic; the grace limit and points follow the lower net.
    expect(after.internal.monthlyNetworkCost).toBe(before.internal.monthlyNetworkCost);
    const multiplier = after.explanations.benefits.monthlyPoints.find(
      (rule) => rule.component === 'points-multiplier',
    )!.params.multiplier as string;
    expect(after.benefits.monthlyPoints).toBe(
      parseDecimal(after.totals.monthlyNet).mul(multiplier).floor().toFixed(),
    );
    expect(after.explanations.credits).toEqual([
      expect.objectContaining({
        rule: 'welcome-credit',
        component: 'monthly-credit',
        params: { amount: '500.00' },
      }),
    ]);
  });

  it('never takes the bill below zero', async () => {
    const before = await priced(sample.ruleSet);
    const after = await priced(withCredit('99999999.00'));
    expect(after.totals.monthlyNet).toBe('0.00');
    expect(after.credits![0]!.amount).toBe(before.totals.monthlyNet);
    expect(after.totals.monthlyDiscount).toBe(before.totals.monthlyList);
  });

  it('applies only when its conditions hold', async () => {
    const never = withCredit('500.00', {
      all: [{ fact: 'lines', operator: 'decimalLessThan', value: '10' }],
    });
    const quote = await priced(never);
    expect(quote.credits).toBeUndefined();
    expect(quote.explanations.credits).toBeUndefined();
    expect(quote).toEqual(
      await priced(sample.ruleSet).then((q) => ({ ...q, ruleSetHash: quote.ruleSetHash })),
    );
  });

  it('is shown to an account manager: it is what the customer pays', async () => {
    const quote = await priced(withCredit('500.00'));
    const seen = customerQuoteSchema.parse(quoteFor('account-manager', quote));
    expect(seen.credits).toEqual(quote.credits);
    expect(seen.explanations.credits).toEqual(quote.explanations.credits);
  });

  it.each([
    ['500.005', /at most two decimals/],
    ['-5', /must not be negative/],
    ['five', /must be a decimal string/],
    // Not a decimal string at all: that alone is said, not also "at most two decimals".
    ['5.123x', /^monthly-credit: must be a decimal string[^]*\(no comma, no exponent\)$/],
  ])('refuses an amount of %s when the rule set loads, saying why', (amount, why) => {
    const snapshot = sampleSnapshot();
    snapshot.files['credit.rules.json'] = {
      phase: 'offer',
      rules: [
        {
          name: 'bad-credit',
          priority: 5,
          conditions: { all: [] },
          event: { type: 'monthly-credit', params: { amount } },
        },
      ],
    };
    const compiled = compileRuleSet(snapshot);
    expect(compiled.ok).toBe(false);
    if (compiled.ok) return;
    expect(compiled.problems).toEqual([
      expect.objectContaining({
        file: 'credit.rules.json',
        path: 'rules.0.event.params.amount',
        code: 'invalid-params',
        message: expect.stringMatching(why),
      }),
    ]);
  });
});
