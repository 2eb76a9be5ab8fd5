/**
 * Two rules that can fire for one request and decide the same thing (the tier, an overdraft
 * multiple, the approval level): at pricing time the engine refuses such a request naming both
 * (src/rules/engine.ts). Found here, before any request meets it, with a request that shows it.
 */
import type { CompiledRule, RuleSet } from '../compile';
import { rulePath, type LocatedFinding } from './finding';
import { and, PHASES, PhaseSpace } from './space';

export function decideOverlaps(ruleSet: RuleSet): LocatedFinding[] {
  const findings: LocatedFinding[] = [];
  for (const phase of PHASES) {
    const space = new PhaseSpace(ruleSet, phase);
    const byDecision = new Map<string, CompiledRule[]>();
    for (const rule of space.rules) {
      const key = rule.prepared.decides;
      if (key !== undefined) byDecision.set(key, [...(byDecision.get(key) ?? []), rule]);
    }
    for (const [decision, rules] of byDecision) {
      rules.forEach((first, index) => {
        for (const second of rules.slice(index + 1)) {
          const result = space.search(
            [...space.variablesOf(first), ...space.variablesOf(second)],
            (state) => and([state.fires(first), state.fires(second)]),
          );
          if (!result.found) continue;
          findings.push({
            file: second.file,
            path: rulePath(ruleSet, second, 'conditions'),
            severity: 'error',
            code: 'decide-overlap',
            rules: [first.name, second.name],
            message: `two rules that decide ${decision} can fire for the same request (pricing it would fail): make their conditions exclusive`,
            text: { key: 'verifier.decideOverlap', params: { decision } },
            witness: result.witness,
          });
        }
      });
    }
  }
  return findings;
}
