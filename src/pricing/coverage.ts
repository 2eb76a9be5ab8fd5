/**
 * Rule coverage: for every rule of a rule set, in how many quotes it fired — the quotes of the
 * rule cases, or the quotes the service stored. A rule fired in a quote when the quote's
 * explanations name it (for the tier, an item, a credit, a benefit, the approval or a refusal), so
 * a rule that never fires is one no case (or customer) has reached yet.
 */
import type { RuleSet } from '../rules/compile';
import type { AppliedRule } from '../rules/explanation';
import type { QuoteOutcome } from './quote';

export interface RuleCoverage {
  rule: string;
  file: string;
  /** How many of the quotes it fired in. */
  fired: number;
}

/** The names of the rules a quote's explanations name. */
export function firedRules(quote: QuoteOutcome): Set<string> {
  const applied: AppliedRule[] = quote.eligible
    ? [
        ...quote.explanations.tier,
        ...Object.values(quote.explanations.items).flat(),
        ...(quote.explanations.credits ?? []),
        ...quote.explanations.benefits.overdraftLimit,
        ...quote.explanations.benefits.monthlyPoints,
        ...quote.internal.approvalRules,
      ]
    : quote.refusals;
  return new Set(applied.map((rule) => rule.rule));
}

/**
 * Every rule of the set with the number of quotes it fired in: the least-fired first (rules that
 * never fired at the top), then in the order of the rule set.
 */
export function ruleCoverage(ruleSet: RuleSet, quotes: Iterable<QuoteOutcome>): RuleCoverage[] {
  const rules = [...ruleSet.rulesByPhase.offer, ...ruleSet.rulesByPhase.approval].sort(
    (a, b) => a.order - b.order,
  );
  const counts = new Map<string, number>(rules.map((rule) => [rule.name, 0]));
  for (const quote of quotes) {
    for (const name of firedRules(quote)) {
      const count = counts.get(name);
      if (count !== undefined) counts.set(name, count + 1);
    }
  }
  return rules
    .map((rule) => ({ rule: rule.name, file: rule.file, fired: counts.get(rule.name) ?? 0 }))
    .sort((a, b) => a.fired - b.fired);
}
