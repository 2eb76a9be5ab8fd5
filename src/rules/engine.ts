/**
 * Runs one phase of a rule set over a set of facts.
 *
 * `runPhase` evaluates the rules with evaluate.ts, which does what json-rules-engine does for the
 * conditions a rule file may write, synchronously and without its per-evaluation deep copies.
 * json-rules-engine stays the reference: `runPhaseOnEngine` runs the same phase through it, and a
 * property test holds the two equal.
 *
 * The reference builds a fresh Engine per evaluation: an Engine keeps its run status on the
 * instance, so one shared by concurrent runs silently skips rules. Facts are resolved with a plain
 * dot path (no JSONPath evaluation) and numbers are compared as exact decimals by our own
 * operators; the built-in numeric operators are removed.
 */
import { Engine, Fact, Operator, Rule, type Almanac, type RuleResult } from 'json-rules-engine';
import { LRUCache } from 'lru-cache';
import { AppError } from '../errors';
import { parseDecimal, ruleConstant, type Decimal } from '../money/money';
import type { CompiledRule, RuleSet } from './compile';
import type { ConditionNode, TopLevelCondition } from './files';
import type { PreparedEvent } from './components';
import type { AppliedRule, ConditionSeen } from './explanation';
import { evaluable, evaluateRules, type EvaluableRule } from './evaluate';
import { resolvePath, splitPath, type Phase } from './facts';

/** A rule that fired: why (its explanation in the quote) and what it does (its prepared event). */
export interface Firing {
  applied: AppliedRule;
  event: PreparedEvent;
}

const BUILT_IN_NUMERIC_OPERATORS = [
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
];

type DecimalOperator = (factValue: unknown, jsonValue: unknown) => boolean;

const COMPARISONS: Readonly<Record<string, (comparison: number) => boolean>> = {
  decimalEqual: (c) => c === 0,
  decimalNotEqual: (c) => c !== 0,
  decimalLessThan: (c) => c < 0,
  decimalLessThanInclusive: (c) => c <= 0,
  decimalGreaterThan: (c) => c > 0,
  decimalGreaterThanInclusive: (c) => c >= 0,
};

/**
 * Fact values as decimals. One fact such as `lines` is compared by many rules of every quote, and
 * Decimals are immutable, so parses are shared; bounded, as facts (unlike rule constants) come
 * from requests.
 */
const parsedFacts = new LRUCache<string | number, Decimal>({ max: 10_000 });

function factDecimal(value: string | number): Decimal {
  let parsed = parsedFacts.get(value);
  if (parsed === undefined) {
    parsed = parseDecimal(value);
    parsedFacts.set(value, parsed);
  }
  return parsed;
}

/**
 * The exact decimal operators: stateless (rule values parsed once for the life of the process,
 * fact values through factDecimal), so every Engine shares them, as does the benchmark's bare one.
 */
export const DECIMAL_OPERATOR_IMPLEMENTATIONS: Readonly<Record<string, DecimalOperator>> =
  Object.fromEntries(
    Object.entries(COMPARISONS).map(([name, test]): [string, DecimalOperator] => [
      name,
      (factValue, jsonValue) => {
        if (typeof factValue !== 'string' && typeof factValue !== 'number') return false;
        return test(factDecimal(factValue).cmp(ruleConstant(String(jsonValue))));
      },
    ]),
  );

/**
 * A decimal operator bound to one condition's value, which it parses once (when first compared,
 * as DECIMAL_OPERATOR_IMPLEMENTATIONS would) rather than look it up on every comparison.
 */
export function boundDecimalOperator(
  name: string,
  jsonValue: unknown,
): ((factValue: unknown) => boolean) | undefined {
  const test = COMPARISONS[name];
  if (!test) return undefined;
  let constant: Decimal | undefined;
  return (factValue) => {
    if (typeof factValue !== 'string' && typeof factValue !== 'number') return false;
    const fact = factDecimal(factValue);
    constant ??= ruleConstant(String(jsonValue));
    return test(fact.cmp(constant));
  };
}

const DECIMAL_OPERATORS = Object.entries(DECIMAL_OPERATOR_IMPLEMENTATIONS).map(
  ([name, implementation]) => new Operator(name, implementation),
);

/** A phase's rules as json-rules-engine Rules, and the compiled rules by name. */
interface PreparedPhase {
  engineRules: readonly Rule[];
  /** The rules as evaluate.ts runs them, by priority (highest first), then file order. */
  evaluable: readonly EvaluableRule[];
  byName: ReadonlyMap<string, CompiledRule>;
  /** Whether any rule applies only between dates (a promotion). */
  dated: boolean;
}

const preparedPhases = new WeakMap<readonly CompiledRule[], PreparedPhase>();

/**
 * Prepared once per rule set. A json-rules-engine Rule keeps nothing of an evaluation: each
 * evaluation works on its RuleResult's deep copy of the conditions and event, and derived facts go
 * into that evaluation's almanac. A Rule does point at the Engine that added it last, for its
 * operators; every Engine built here has the same operators and no facts or named conditions of
 * its own, so whichever one that is evaluates the same way.
 */
function prepared(rules: readonly CompiledRule[]): PreparedPhase {
  let phase = preparedPhases.get(rules);
  if (!phase) {
    phase = {
      engineRules: rules.map((rule) => {
        const derives = rule.prepared.derives;
        return new Rule({
          name: rule.name,
          priority: rule.priority,
          conditions: rule.conditions as never,
          event: rule.event,
          // A derived fact (the tier) must be in the almanac before rules of lower priority run.
          // Uncached like the request's facts: addRuntimeFact would hash it for a cache key.
          ...(derives
            ? {
                onSuccess: (_event: unknown, almanac: Almanac) => {
                  for (const [fact, value] of Object.entries(derives))
                    almanac.addFact(new Fact(fact, value, { cache: false }));
                },
              }
            : {}),
        });
      }),
      evaluable: [...rules]
        .sort((a, b) => b.priority - a.priority || a.order - b.order)
        .map((rule) => evaluable(rule, boundDecimalOperator)),
      byName: new Map(rules.map((rule) => [rule.name, rule])),
      dated: rules.some((rule) => rule.validFrom !== undefined || rule.validTo !== undefined),
    };
    preparedPhases.set(rules, phase);
  }
  return phase;
}

const dayIndependent = new WeakMap<RuleSet, boolean>();

/**
 * Whether the set prices a request the same on every quote date: no rule applies only between
 * dates and no condition reads the quote date. (The date reaches pricing only through those two.)
 */
export function pricesAlikeOnEveryDay(ruleSet: RuleSet): boolean {
  let alike = dayIndependent.get(ruleSet);
  if (alike === undefined) {
    const rules = [...ruleSet.rulesByPhase.offer, ...ruleSet.rulesByPhase.approval];
    alike = rules.every(
      (rule) =>
        rule.validFrom === undefined &&
        rule.validTo === undefined &&
        !readsFact(rule.conditions, 'quoteDate'),
    );
    dayIndependent.set(ruleSet, alike);
  }
  return alike;
}

function readsFact(node: ConditionNode | TopLevelCondition, fact: string): boolean {
  if ('all' in node) return node.all.some((child) => readsFact(child, fact));
  if ('any' in node) return node.any.some((child) => readsFact(child, fact));
  if ('not' in node) return readsFact(node.not, fact);
  return node.fact === fact;
}

/** Whether a rule applies on a quote date (YYYY-MM-DD, compared as text: the format sorts). */
function inForce(rule: CompiledRule, quoteDate: string): boolean {
  return (
    (rule.validFrom === undefined || rule.validFrom <= quoteDate) &&
    (rule.validTo === undefined || quoteDate <= rule.validTo)
  );
}

/**
 * An Engine with the phase's rules that apply on the quote date. A rule set with dated rules
 * cannot be evaluated without a date: which promotions apply would be a guess.
 */
export function buildEngine(rules: readonly CompiledRule[], quoteDate?: string): Engine {
  const engine = new Engine([], { allowUndefinedFacts: false, pathResolver: resolvePath });
  for (const name of BUILT_IN_NUMERIC_OPERATORS) engine.removeOperator(name);
  for (const operator of DECIMAL_OPERATORS) engine.addOperator(operator);
  const phase = prepared(rules);
  assertDated(phase, quoteDate);
  phase.engineRules.forEach((rule, index) => {
    if (quoteDate === undefined || inForce(rules[index]!, quoteDate)) engine.addRule(rule);
  });
  return engine;
}

/** A rule set with dated rules cannot be evaluated without a date: which promotions apply would be a guess. */
function assertDated(phase: PreparedPhase, quoteDate: string | undefined): void {
  if (phase.dated && quoteDate === undefined) {
    throw AppError.invalidInput(
      [
        {
          path: 'quoteDate',
          message: 'is required: this tariff has rules that apply only between dates',
        },
      ],
      'price with a quote date: this tariff has rules that apply only between dates',
    );
  }
}

/**
 * Evaluates the rules of one phase and returns the rules that fired, in priority order and, within
 * one priority, in file order. Facts a component derives (the tier) are visible to later rules.
 */
export async function runPhase(
  ruleSet: RuleSet,
  phase: Phase,
  facts: Record<string, unknown>,
  quoteDate?: string,
): Promise<Firing[]> {
  return runPhaseNow(ruleSet, phase, facts, quoteDate);
}

/** `runPhase`, synchronously. */
export function runPhaseNow(
  ruleSet: RuleSet,
  phase: Phase,
  facts: Record<string, unknown>,
  quoteDate?: string,
): Firing[] {
  const phaseRules = prepared(ruleSet.rulesByPhase[phase]);
  assertDated(phaseRules, quoteDate);
  const rules =
    quoteDate === undefined || !phaseRules.dated
      ? phaseRules.evaluable
      : phaseRules.evaluable.filter(({ rule }) => inForce(rule, quoteDate));
  const firings = evaluateRules(rules, facts).map(({ rule, applied }): Firing => ({
    applied,
    event: rule.prepared,
  }));
  assertExclusive(firings);
  return firings;
}

/** `runPhase` through a fresh json-rules-engine Engine: the reference evaluation. */
export async function runPhaseOnEngine(
  ruleSet: RuleSet,
  phase: Phase,
  facts: Record<string, unknown>,
  quoteDate?: string,
): Promise<Firing[]> {
  const rules = ruleSet.rulesByPhase[phase];
  const { byName } = prepared(rules);
  // Uncached: the almanac reads a constant fact's value directly, and caching one only hashes it.
  const constants: Record<string, Fact> = {};
  for (const [id, value] of Object.entries(facts))
    constants[id] = new Fact(id, value, { cache: false });
  const { results } = await buildEngine(rules, quoteDate).run(constants);
  const fired = results.flatMap((result: RuleResult) => {
    const rule = byName.get(result.name as string);
    return rule ? [{ rule, result }] : [];
  });
  fired.sort((a, b) => b.rule.priority - a.rule.priority || a.rule.order - b.rule.order);
  const firings = fired.map(({ rule, result }): Firing => ({
    applied: {
      rule: rule.name,
      ...(rule.description ? { description: rule.description } : {}),
      component: rule.component.code,
      // The engine's copy: a quote may be changed by whoever holds it, the rule set never.
      params: (result.event?.params ?? {}) as Record<string, unknown>,
      conditions: conditionsSeen(result.conditions),
    },
    event: rule.prepared,
  }));
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
        fact:
          typeof condition.path === 'string'
            ? [condition.fact, ...splitPath(condition.path)].join('.')
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
  const claimed = new Map<string, string>();
  for (const { applied, event } of firings) {
    const key = event.decides;
    if (key === undefined) continue;
    const earlier = claimed.get(key);
    if (earlier) {
      throw new AppError(
        'rule-conflict',
        `rules ${earlier} and ${applied.rule} both decide ${key} for this request; make their conditions exclusive`,
        { rules: [earlier, applied.rule] },
      );
    }
    claimed.set(key, applied.rule);
  }
}
