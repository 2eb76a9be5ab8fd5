/**
 * A fact set by a rule (the tier) is only visible to rules of strictly lower priority: rules of
 * one priority run together. Catches a rule that would read the fact before it is set.
 */
import type { CompiledRule } from '../compile';
import type { ConditionNode, TopLevelCondition } from '../files';
import type { Problem } from '../problems';

export function checkDerivedFactOrder(rules: readonly CompiledRule[]): Problem[] {
  const problems: Problem[] = [];
  const setters = new Map<string, CompiledRule[]>();
  for (const rule of rules) {
    for (const fact of Object.keys(rule.prepared.derives ?? {}))
      setters.set(fact, [...(setters.get(fact) ?? []), rule]);
  }
  for (const rule of rules) {
    for (const fact of factsRead(rule.conditions)) {
      const ruleSetsIt = (setters.get(fact) ?? []).includes(rule);
      for (const setter of setters.get(fact) ?? []) {
        if (setter === rule) continue;
        const conflict =
          setter.priority === rule.priority || (!ruleSetsIt && setter.priority < rule.priority);
        if (conflict) {
          problems.push({
            file: rule.file,
            path: `${rule.name}.priority`,
            code: 'priority-order',
            message: `rule ${rule.name} (priority ${rule.priority}) reads "${fact}", which rule ${setter.name} sets at priority ${setter.priority}; give ${rule.name} a priority below ${setter.priority}`,
            text: {
              key: 'verifier.priorityOrder',
              params: {
                rule: rule.name,
                priority: rule.priority,
                fact,
                setter: setter.name,
                setterPriority: setter.priority,
              },
            },
          });
        }
      }
    }
  }
  return problems;
}

function factsRead(node: ConditionNode | TopLevelCondition): Set<string> {
  const found = new Set<string>();
  const walk = (current: ConditionNode): void => {
    if ('all' in current) current.all.forEach(walk);
    else if ('any' in current) current.any.forEach(walk);
    else if ('not' in current) walk(current.not);
    else found.add(current.fact);
  };
  walk(node);
  return found;
}
