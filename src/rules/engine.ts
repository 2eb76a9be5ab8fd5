/**
 * Runs one phase of a rule set over a set of facts with json-rules-engine.
 *
 * A fresh Engine per evaluation: an Engine keeps its run status on the instance, so one shared by
 * concurrent runs silently skips rules. Building one from pre-validated definitions is cheap.
 * Facts are resolved with a plain dot path (no JSONPath evaluation) and numbers are compared as
 * exact decimals by our own operators; the built-in numeric operators are removed.
 */
import { Engine, type Almanac, type RuleResult } from 'json-rules-engine';
import { AppError } from '../errors';
import { parseDecimal, ruleConstant } from '../money/money';
import type { CompiledRule, RuleSet } from './compile';
import { COMPONENTS, type ComponentCode } from './components';
import { resolvePath, type Phase } from './facts';

/** One condition as the engine evaluated it: what it asked and the fact value it saw. */
export interface ConditionSeen {
  fact: string;
  operator: string;
  value: unknown;
  saw: unknown;
  passed: boolean;
}

/** A rule that fired, with the component it invokes and the facts its conditions saw. */
export interface Firing {
  rule: string;
  description?: string;
  component: ComponentCode;
  params: Record<string, unknown>;
  conditions: ConditionSeen[];
}

const BUILT_IN_NUMERIC_OPERATORS = [
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
];

function compareDecimals(test: (comparison: number) => boolean) {
  return (factValue: unknown, jsonValue: unknown): boolean => {
    if (typeof factValue !== 'string' && typeof factValue !== 'number') return false;
    return test(parseDecimal(factValue).cmp(ruleConstant(String(jsonValue))));
  };
}

export const DECIMAL_OPERATOR_IMPLEMENTATIONS: Readonly<
  Record<string, (factValue: unknown, jsonValue: unknown) => boolean>
> = {
  decimalEqual: compareDecimals((c) => c === 0),
  decimalNotEqual: compareDecimals((c) => c !== 0),
  decimalLessThan: compareDecimals((c) => c < 0),
  decimalLessThanInclusive: compareDecimals((c) => c <= 0),
  decimalGreaterThan: compareDecimals((c) => c > 0),
  decimalGreaterThanInclusive: compareDecimals((c) => c >= 0),
};

export function buildEngine(rules: readonly CompiledRule[]): Engine {
  const engine = new Engine([], { allowUndefinedFacts: false, pathResolver: resolvePath });
  for (const name of BUILT_IN_NUMERIC_OPERATORS) engine.removeOperator(name);
  for (const [name, implementation] of Object.entries(DECIMAL_OPERATOR_IMPLEMENTATIONS))
    engine.addOperator(name, implementation);
  for (const rule of rules) {
    engine.addRule({
      name: rule.name,
      priority: rule.priority,
      conditions: rule.conditions as never,
      event: rule.event,
    });
  }
  return engine;
}

/**
 * Evaluates the rules of one phase and returns the rules that fired, in priority order and, within
 * one priority, in file order. Facts a component derives (the tier) are visible to later rules.
 */
export async function runPhase(
  ruleSet: RuleSet,
  phase: Phase,
  facts: Record<string, unknown>,
): Promise<Firing[]> {
  const rules = ruleSet.rulesByPhase[phase];
  const engine = buildEngine(rules);
  const byName = new Map(rules.map((rule) => [rule.name, rule]));
  const fired: { rule: CompiledRule; firing: Firing }[] = [];
  engine.on('success', (event, almanac: Almanac, result: RuleResult) => {
    const rule = byName.get(result.name as string);
    if (!rule) return;
    const component = event.type as ComponentCode;
    const params = (event.params ?? {}) as Record<string, unknown>;
    const derives = COMPONENTS[component].derives as
      ((p: unknown) => Record<string, unknown>) | undefined;
    if (derives)
      for (const [fact, value] of Object.entries(derives(params)))
        almanac.addRuntimeFact(fact, value);
    fired.push({
      rule,
      firing: {
        rule: rule.name,
        ...(rule.description ? { description: rule.description } : {}),
        component,
        params,
        conditions: conditionsSeen(result.conditions),
      },
    });
  });
  await engine.run(facts);
  fired.sort((a, b) => b.rule.priority - a.rule.priority || a.rule.order - b.rule.order);
  const firings = fired.map((entry) => entry.firing);
  assertExclusive(firings);
  return firings;
}

function conditionsSeen(node: unknown): ConditionSeen[] {
  const seen: ConditionSeen[] = [];
  const walk = (current: unknown): void => {
    if (current === null || typeof current !== 'object') return;
    const condition = current as Record<string, unknown>;
    for (const group of ['all', 'any'] as const) {
      if (Array.isArray(condition[group])) (condition[group] as unknown[]).forEach(walk);
    }
    if (condition.not) walk(condition.not);
    if (typeof condition.fact === 'string' && 'factResult' in condition) {
      seen.push({
        fact: condition.path
          ? `${condition.fact}.${String(condition.path).replace(/^\$\.?/, '')}`
          : condition.fact,
        operator: String(condition.operator),
        value: condition.value,
        saw: condition.factResult,
        passed: condition.result === true,
      });
    }
  };
  walk(node);
  return seen;
}

/** Two rules claiming one exclusive decision (two tiers, two overdraft multiples) is a rule-set defect. */
function assertExclusive(firings: readonly Firing[]): void {
  const claimed = new Map<string, Firing>();
  for (const firing of firings) {
    const keyOf = COMPONENTS[firing.component].exclusiveKey as ((p: unknown) => string) | undefined;
    if (!keyOf) continue;
    const key = keyOf(firing.params);
    const earlier = claimed.get(key);
    if (earlier) {
      throw new AppError(
        'rule-set',
        `rules ${earlier.rule} and ${firing.rule} both decide ${key} for this request; make their conditions exclusive`,
        { rules: [earlier.rule, firing.rule] },
      );
    }
    claimed.set(key, firing);
  }
}
