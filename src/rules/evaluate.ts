/**
 * Evaluates a phase's rules the way json-rules-engine does, without building an Engine.
 *
 * The rule files keep json-rules-engine's format, and src/rules/engine.ts keeps the Engine
 * evaluation as the reference (test/rules/evaluate.test.ts holds the two equal on generated
 * facts). This evaluation does what that one does for the conditions a rule file may write
 * (files.ts: all / any / not and leaves of fact, path, operator and value; no condition
 * priorities, fact references or named conditions):
 * - `all` and `any` evaluate every child, with no short cut (json-rules-engine runs them
 *   together), so each condition of a fired rule says what it saw; an empty group holds;
 * - a fact the evaluation was not given stops it (`allowUndefinedFacts: false`); a path is read
 *   only from an object fact;
 * - rules run by priority, highest first; a derived fact (the tier) is seen by rules of lower
 *   priority only, which compile checks (checks/priority-order.ts) for every rule that reads one.
 * It is synchronous and copies nothing but what a firing hands out: json-rules-engine deep-copies
 * every rule's conditions and event on every evaluation, fired or not.
 */
import type { CompiledRule } from './compile';
import type { AppliedRule, ConditionSeen } from './explanation';
import type { ConditionNode, TopLevelCondition } from './files';
import { resolvePath, splitPath } from './facts';

type Facts = Readonly<Record<string, unknown>>;
type OperatorImplementation = (factValue: unknown, jsonValue: unknown) => boolean;
/** An operator bound to one condition's value. */
type BoundOperator = (factValue: unknown) => boolean;

/** One leaf condition, ready to run: its fact, path, operator and value, and its explanation name. */
interface Leaf {
  fact: string;
  path: string | undefined;
  operator: string;
  test: BoundOperator;
  value: unknown;
  /** The fact as an explanation names it: `enterprise.creditRating`. */
  named: string;
}

/** A condition node as a function of the facts; it notes each leaf's outcome in `outcomes`. */
type Node = (facts: Facts, outcomes: Outcomes) => boolean;

/** What each leaf of one rule saw and whether it passed, by the leaf's place in the file. */
interface Outcomes {
  saw: unknown[];
  passed: boolean[];
}

/** A rule ready to run. */
export interface EvaluableRule {
  rule: CompiledRule;
  leaves: readonly Leaf[];
  holds: Node;
}

/** json-rules-engine's own equal / notEqual / in / notIn, as its default operators define them. */
const BUILT_IN: Readonly<Record<string, OperatorImplementation>> = {
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  in: (a, b) => (b as { indexOf(value: unknown): number }).indexOf(a) > -1,
  notIn: (a, b) => (b as { indexOf(value: unknown): number }).indexOf(a) === -1,
};

/**
 * A rule's conditions as a function of the facts. `decimal` binds the engine's decimal operators
 * (engine.ts) to a condition's value, so both evaluations share one implementation.
 */
export function evaluable(
  rule: CompiledRule,
  decimal: (operator: string, value: unknown) => BoundOperator | undefined,
): EvaluableRule {
  const leaves: Leaf[] = [];
  const compile = (node: ConditionNode | TopLevelCondition): Node => {
    if ('all' in node) return group(node.all.map(compile), 'all');
    if ('any' in node) return group(node.any.map(compile), 'any');
    if ('not' in node) {
      const inner = compile(node.not);
      return (facts, outcomes) => !inner(facts, outcomes);
    }
    const builtIn = BUILT_IN[node.operator];
    const value = node.value;
    const test = builtIn
      ? (factValue: unknown) => builtIn(factValue, value)
      : decimal(node.operator, value);
    if (!test) throw new Error(`Unknown operator: ${node.operator}`);
    const index = leaves.length;
    const leaf: Leaf = {
      fact: node.fact,
      path: node.path,
      operator: node.operator,
      test,
      value: node.value,
      named: node.path !== undefined ? [node.fact, ...splitPath(node.path)].join('.') : node.fact,
    };
    leaves.push(leaf);
    return (facts, outcomes) => {
      const seen = factValue(facts, leaf);
      const passed = leaf.test(seen);
      outcomes.saw[index] = seen;
      outcomes.passed[index] = passed;
      return passed;
    };
  };
  return { rule, leaves, holds: compile(rule.conditions) };
}

function group(children: readonly Node[], kind: 'all' | 'any'): Node {
  if (children.length === 0) return () => true;
  if (children.length === 1) return children[0]!;
  return (facts, outcomes) => {
    let all = true;
    let any = false;
    for (const child of children) {
      if (child(facts, outcomes)) any = true;
      else all = false;
    }
    return kind === 'all' ? all : any;
  };
}

function factValue(facts: Facts, leaf: Leaf): unknown {
  if (!Object.hasOwn(facts, leaf.fact)) throw new Error(`Undefined fact: ${leaf.fact}`);
  const value = facts[leaf.fact];
  if (leaf.path && value !== null && typeof value === 'object')
    return resolvePath(value, leaf.path);
  return value;
}

/** A rule that fired, with what its conditions saw. */
export interface Fired {
  rule: CompiledRule;
  applied: AppliedRule;
}

/**
 * Runs `rules` (already in priority order, highest first, then file order) over `facts` and
 * answers the rules that fired, in that order. `facts` is left as it is.
 */
export function evaluateRules(rules: readonly EvaluableRule[], facts: Facts): Fired[] {
  const fired: Fired[] = [];
  let current: Record<string, unknown> | Facts = facts;
  let derived: Record<string, unknown> | undefined;
  let priority: number | undefined;
  for (const evaluable of rules) {
    const { rule, leaves, holds } = evaluable;
    if (rule.priority !== priority) {
      // Rules of one priority run together: what they derive is seen from the next priority on.
      if (derived) current = { ...current, ...derived };
      derived = undefined;
      priority = rule.priority;
    }
    const outcomes: Outcomes = { saw: new Array(leaves.length), passed: new Array(leaves.length) };
    if (!holds(current, outcomes)) continue;
    if (rule.prepared.derives) derived = { ...derived, ...rule.prepared.derives };
    fired.push({ rule, applied: applied(rule, leaves, outcomes) });
  }
  return fired;
}

/**
 * The explanation of a firing. Its params and values are copies, as json-rules-engine's are: a
 * quote may be changed by whoever holds it, the rule set never.
 */
function applied(rule: CompiledRule, leaves: readonly Leaf[], outcomes: Outcomes): AppliedRule {
  const conditions: ConditionSeen[] = leaves.map((leaf, index) => ({
    fact: leaf.named,
    operator: leaf.operator,
    value: copyJson(leaf.value),
    saw: outcomes.saw[index],
    passed: outcomes.passed[index] === true,
  }));
  return {
    rule: rule.name,
    ...(rule.description ? { description: rule.description } : {}),
    component: rule.component.code,
    params: copyJson(rule.event.params ?? {}) as Record<string, unknown>,
    conditions,
  };
}

/** A deep copy of data read from JSON (a rule file). */
function copyJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copyJson);
  const copy: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) copy[key] = copyJson(entry);
  return copy;
}
