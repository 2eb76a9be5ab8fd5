/**
 * The benefit components read the terms a decide-stage component left for them; a multiple
 * without its terms is a defect of the rule set, named with the rule, not a silent zero.
 */
import { priceQuote } from '../../../src/pricing/price';
import { compileRuleSet } from '../../../src/rules/compile';
import { sampleSnapshot } from '../../support/rule-set-copy';
import { workedExample } from '../../support/tariff-book';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function withoutTerms(file: string, component: string) {
  const snapshot = sampleSnapshot();
  const rules = (snapshot.files[file] as Json).rules as Json[];
  (snapshot.files[file] as Json).rules = rules.filter((rule) => rule.event.type !== component);
  const compiled = compileRuleSet(snapshot);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  return compiled.ruleSet;
}

describe('terms a benefit needs', () => {
  it('an overdraft multiple without overdraft terms names its rule', async () => {
    const ruleSet = withoutTerms('overdraft.rules.json', 'overdraft-terms');
    await expect(priceQuote(ruleSet, workedExample('ENT-0001').request)).rejects.toThrow(
      /^rule overdraft-\S+ sets an overdraft multiple but no overdraft-terms rule applies$/,
    );
  });

  it('a points multiplier without points terms names its rule', async () => {
    const ruleSet = withoutTerms('loyalty.rules.json', 'points-terms');
    await expect(priceQuote(ruleSet, workedExample('ENT-0001').request)).rejects.toThrow(
      /^rule \S+ sets a points multiplier but no points-terms rule applies$/,
    );
  });
});
