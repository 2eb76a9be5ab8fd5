/** Rule coverage: a rule fired in a quote when the quote's explanations name it. */
import { firedRules, ruleCoverage } from '../../src/pricing/coverage';
import { priceQuote } from '../../src/pricing/price';
import { fixtureRuleSet } from '../support/rule-set-copy';
import { EXAMPLE_IDS, workedExample } from '../support/tariff-book';

const ruleSet = fixtureRuleSet();
const price = (request: Record<string, unknown>) => priceQuote(ruleSet, request);

describe('the rules a quote fired', () => {
  it('are those its explanations name: tier, items, benefits and approval', async () => {
    const fired = firedRules(await price(workedExample('ENT-0001').request));
    expect([...fired].sort()).toEqual(
      [
        'approval-auto',
        'group-calls-key',
        'handsets-24-month',
        'long-distance-key',
        'overdraft-aa',
        'overdraft-terms',
        'points-key',
        'points-terms',
        'ringback-waiver',
        'scale-discount-100-499',
        'tier-key',
      ].sort(),
    );
  });

  it('of a refused request are the refusing rules', async () => {
    const refused = await price({
      ...workedExample('ENT-0002').request,
      lines: 5,
      enterprise: {
        ...(workedExample('ENT-0002').request.enterprise as object),
        creditRating: 'C',
      },
    });
    expect([...firedRules(refused)].sort()).toEqual([
      'refuse-credit-rating-c',
      'refuse-under-minimum-lines',
    ]);
  });
});

describe('rule coverage', () => {
  it('counts every rule of the set, the never-fired first, ties in the order of the set', async () => {
    const quotes = await Promise.all(EXAMPLE_IDS.map((id) => price(workedExample(id).request)));
    const coverage = ruleCoverage(ruleSet, quotes);
    const allRules = [...ruleSet.rulesByPhase.offer, ...ruleSet.rulesByPhase.approval];
    expect(coverage.map((rule) => rule.rule).sort()).toEqual(
      allRules.map((rule) => rule.name).sort(),
    );
    const counts = coverage.map((rule) => rule.fired);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(coverage[0]).toEqual({ rule: expect.any(String), file: expect.any(String), fired: 0 });
    expect(coverage.find((rule) => rule.rule === 'overdraft-terms')?.fired).toBe(3);
    expect(coverage.find((rule) => rule.rule === 'refuse-credit-rating-c')?.fired).toBe(0);
    const order = new Map(allRules.map((rule) => [rule.name, rule.order]));
    const unfired = coverage
      .filter((rule) => rule.fired === 0)
      .map((rule) => order.get(rule.rule)!);
    expect(unfired).toEqual([...unfired].sort((a, b) => a - b));
  });

  it('counts nothing for a rule name the set does not have (a stored quote of an older set)', async () => {
    const quote = await price(workedExample('ENT-0002').request);
    if (!quote.eligible) throw new Error('expected a priced quote');
    quote.explanations.tier = [{ ...quote.explanations.tier[0]!, rule: 'tier-retired' }];
    const coverage = ruleCoverage(ruleSet, [quote]);
    expect(coverage.some((rule) => rule.rule === 'tier-retired')).toBe(false);
    expect(coverage.find((rule) => rule.rule === 'tier-standard')?.fired).toBe(0);
  });
});
