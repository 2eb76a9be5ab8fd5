/**
 * A rule that reads a fact (the tier) before the rule that sets it has run. Compiling a rule set
 * already refuses this (src/rules/checks/priority-order.ts); the verifier runs the same check so
 * that its findings are complete for any RuleSet it is given, compiled here or elsewhere.
 */
import type { RuleSet } from '../compile';
import { checkDerivedFactOrder } from '../checks/priority-order';
import type { LocatedFinding } from './finding';
import { PHASES } from './space';

export function priorityOrder(ruleSet: RuleSet): LocatedFinding[] {
  return PHASES.flatMap((phase) =>
    checkDerivedFactOrder(ruleSet.rulesByPhase[phase]).map((problem): LocatedFinding => {
      // The check places its problem at `<rule name>.priority`; positions resolve a rule's name.
      const reader = problem.path.split('.')[0]!;
      return {
        file: problem.file,
        path: problem.path,
        severity: 'error',
        code: 'priority-order',
        rules: [reader],
        message: problem.message,
        text: problem.text ?? { key: 'verifier.priorityOrderOther', params: { rule: reader } },
      };
    }),
  );
}
