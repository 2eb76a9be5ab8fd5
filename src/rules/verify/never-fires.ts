/**
 * A rule whose conditions no request can meet: contradictory bounds (`lines` ≥ 500 and < 100), a
 * tier no rule of higher priority assigns, a date range that is empty. Usually a typo in a
 * threshold; a warning, since such a rule harms no quote.
 */
import type { CompiledRule, RuleSet } from '../compile';
import type { MessageText } from '../../errors';
import { names, rulePath, type LocatedFinding } from './finding';
import { forEachLeaf, PHASES, PhaseSpace } from './space';

export function neverFiring(ruleSet: RuleSet): LocatedFinding[] {
  const findings: LocatedFinding[] = [];
  for (const phase of PHASES) {
    const space = new PhaseSpace(ruleSet, phase);
    for (const rule of space.rules) {
      const result = space.search(
        space.variablesOf(rule),
        (state) => state.fires(rule),
        'possible',
      );
      if (result.found || result.undecided) continue;
      findings.push({
        file: rule.file,
        path: rulePath(ruleSet, rule, 'conditions'),
        severity: 'warning',
        code: 'never-fires',
        rules: [rule.name],
        message: `this rule can never fire: no request meets all its conditions${why(space, rule)}`,
        text: whyText(space, rule),
      });
    }
  }
  return findings;
}

/** The finding in the locale files' words, with its first likely reason as `why` words it. */
function whyText(space: PhaseSpace, rule: CompiledRule): MessageText {
  if (rule.validFrom !== undefined && rule.validTo !== undefined && rule.validFrom > rule.validTo)
    return {
      key: 'verifier.neverFiresDates',
      params: { from: rule.validFrom, to: rule.validTo },
    };
  let reason: MessageText = { key: 'verifier.neverFires' };
  forEachLeaf(rule.conditions, (leaf) => {
    if (reason.key !== 'verifier.neverFires' || !space.isDerived(leaf.fact)) return;
    const setters = space.settersAbove(leaf.fact, rule.priority).map((setter) => setter.name);
    reason =
      setters.length === 0
        ? { key: 'verifier.neverFiresUnset', params: { fact: leaf.fact } }
        : { key: 'verifier.neverFiresCheck', params: { fact: leaf.fact, rules: names(setters) } };
  });
  return reason;
}

/** The likely reason, when the rule reads a fact a rule sets (the tier). */
function why(space: PhaseSpace, rule: CompiledRule): string {
  const derived = new Set<string>();
  forEachLeaf(rule.conditions, (leaf) => {
    if (space.isDerived(leaf.fact)) derived.add(leaf.fact);
  });
  if (rule.validFrom !== undefined && rule.validTo !== undefined && rule.validFrom > rule.validTo)
    return ` (validFrom ${rule.validFrom} is after validTo ${rule.validTo})`;
  return [...derived]
    .map((fact) => {
      const setters = space.settersAbove(fact, rule.priority).map((setter) => setter.name);
      return setters.length === 0
        ? ` ("${fact}" is read, but no rule of higher priority sets it)`
        : ` (check the values of "${fact}" that ${setters.join(', ')} can set)`;
    })
    .join('');
}
