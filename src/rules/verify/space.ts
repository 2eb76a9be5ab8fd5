/**
 * The requests one phase of a rule set can see, as a search the verifier's checks share: can these
 * rules fire together, and for which facts? Conditions are evaluated as json-rules-engine and our
 * decimal operators evaluate them, in three values (true, false, not yet known) so that a search
 * over partly chosen facts stops as soon as a goal is out of reach.
 *
 * A fact a rule sets (the tier, set by assign-tier) is not searched but computed, as the engine
 * computes it: null at first, then the value of the last setter of higher priority that fired.
 * So `tier equal null` on tier-key really excludes a request tier-strategic has taken.
 */
import { isDecimalString } from '../../domain';
import { Decimal, parseDecimal, ruleConstant } from '../../money/money';
import type { CompiledRule, RuleSet } from '../compile';
import type { ConditionNode, LeafCondition, TopLevelCondition } from '../files';
import { factCatalogue, splitPath, type FactType, type Phase } from '../facts';
import { candidates, domainOf, type Domain, type FactValue } from './domains';

/** Not yet known: a variable not chosen yet, or an operator the verifier does not model. */
type Truth = boolean | undefined;
const UNKNOWN = Symbol('unknown');
type Seen = FactValue | undefined | typeof UNKNOWN;

/** Chosen values by variable: `lines`, `enterprise.creditRating`, `handsets.HX-5G-PRO`. */
export type Assignment = ReadonlyMap<string, FactValue>;

/** A goal over the facts: whether a set of rules fire (or do not). */
export type Goal = (state: EvaluationState) => Truth;

/** The facts a request would give the rules, nested as the rules read them. */
export type Witness = Record<string, unknown>;

/** Found: the facts; none: no request can; undecided: the search gave up (too many cases). */
export type SearchResult =
  { found: true; assignment: Assignment; witness: Witness } | { found: false; undecided: boolean };

/** How many partial assignments one search may try before it gives up without a finding. */
const SEARCH_BUDGET = 200_000;

/** A fact the pricing core passes in unset (null) and rules set: the tier (§3). */
const UNSET: FactValue = null;

export class PhaseSpace {
  readonly phase: Phase;
  readonly rules: readonly CompiledRule[];
  readonly #types: ReadonlyMap<string, FactType>;
  /** Facts rules of this phase set, with their setters from the nearest priority up. */
  readonly #setters: ReadonlyMap<string, readonly CompiledRule[]>;
  readonly #setEarlier: ReadonlySet<string>;
  readonly #constants = new Map<string, unknown[]>();
  readonly #candidates = new Map<string, FactValue[]>();
  readonly #domains = new Map<string, Domain>();
  readonly #variables = new Map<CompiledRule, ReadonlySet<string>>();
  readonly #ruleSet: RuleSet;

  constructor(ruleSet: RuleSet, phase: Phase) {
    this.#ruleSet = ruleSet;
    this.phase = phase;
    this.rules = ruleSet.rulesByPhase[phase];
    this.#types = leafTypes(factCatalogue(phase, factVocabulary(ruleSet)));
    const setters = new Map<string, CompiledRule[]>();
    for (const rule of this.rules) {
      for (const fact of Object.keys(rule.prepared.derives ?? {}))
        setters.set(fact, [...(setters.get(fact) ?? []), rule]);
    }
    for (const list of setters.values())
      list.sort((a, b) => a.priority - b.priority || b.order - a.order);
    this.#setters = setters;
    this.#setEarlier = new Set(
      phase === 'approval'
        ? ruleSet.rulesByPhase.offer.flatMap((rule) => Object.keys(rule.prepared.derives ?? {}))
        : [],
    );
    for (const rule of this.rules) {
      this.register(rule.conditions);
      const dates = [rule.validFrom, rule.validTo].filter((date) => date !== undefined);
      if (dates.length > 0) this.#addConstants(QUOTE_DATE, dates);
    }
  }

  /**
   * Makes the constants of a condition that is no rule's (an item is on the quote when its
   * option is taken) values the search tries. Call before searching with it.
   */
  register(node: ConditionNode | TopLevelCondition): void {
    forEachLeaf(node, (leaf) =>
      this.#addConstants(variableOf(leaf), Array.isArray(leaf.value) ? leaf.value : [leaf.value]),
    );
  }

  #addConstants(variable: string, values: readonly unknown[]): void {
    this.#constants.set(variable, [...(this.#constants.get(variable) ?? []), ...values]);
    this.#candidates.delete(variable);
  }

  /** The facts a request gives that decide a condition (rules' setters included), read at priority. */
  variablesOfCondition(node: ConditionNode | TopLevelCondition, priority = 0): Set<string> {
    const variables = new Set<string>();
    forEachLeaf(node, (leaf) => {
      if (!this.isDerived(leaf.fact)) variables.add(variableOf(leaf));
      else
        for (const setter of this.settersAbove(leaf.fact, priority))
          for (const variable of this.variablesOf(setter)) variables.add(variable);
    });
    return variables;
  }

  /** Facts some rule of this phase sets (the tier). */
  isDerived(fact: string): boolean {
    return this.#setters.has(fact);
  }

  /** The rules that set `fact` for rules below `priority`, nearest first. */
  settersAbove(fact: string, priority: number): readonly CompiledRule[] {
    return (this.#setters.get(fact) ?? []).filter((setter) => setter.priority > priority);
  }

  /** The facts a request gives that decide whether `rule` fires, the ones its setters read too. */
  variablesOf(rule: CompiledRule): ReadonlySet<string> {
    let found = this.#variables.get(rule);
    if (found) return found;
    const variables = this.variablesOfCondition(rule.conditions, rule.priority);
    if (rule.validFrom !== undefined || rule.validTo !== undefined) variables.add(QUOTE_DATE);
    found = variables;
    this.#variables.set(rule, found);
    return found;
  }

  /**
   * A choice of facts for which `goal` holds, tried over `variables`. `possible` accepts a goal
   * that is not known false (an operator the verifier does not model): for "can never fire",
   * which must not be claimed on a guess. Request constraints between facts (a handset per line
   * at most) are kept unless `possible`.
   */
  search(
    variables: Iterable<string>,
    goal: Goal,
    mode: 'definite' | 'possible' = 'definite',
  ): SearchResult {
    const order = [...new Set(variables)].sort(
      (a, b) => this.candidatesOf(a).length - this.candidatesOf(b).length || (a < b ? -1 : 1),
    );
    const assignment = new Map<string, FactValue>();
    let steps = 0;
    const visit = (index: number): boolean | 'budget' => {
      steps += 1;
      if (steps > SEARCH_BUDGET) return 'budget';
      const truth = goal(new EvaluationState(this, assignment, mode));
      if (truth === false) return false;
      if (index === order.length) return mode === 'possible' || truth === true;
      const variable = order[index]!;
      for (const value of this.candidatesOf(variable)) {
        assignment.set(variable, value);
        if (mode === 'definite' && !consistent(assignment)) continue;
        const outcome = visit(index + 1);
        if (outcome !== false) return outcome;
      }
      assignment.delete(variable);
      return false;
    };
    const outcome = visit(0);
    if (outcome === 'budget') return { found: false, undecided: true };
    if (!outcome) return { found: false, undecided: false };
    const chosen = new Map(assignment);
    return { found: true, assignment: chosen, witness: witnessOf(chosen) };
  }

  candidatesOf(variable: string): FactValue[] {
    let found = this.#candidates.get(variable);
    if (!found) {
      found = candidates(this.domainOf(variable), this.#constants.get(variable) ?? []);
      this.#candidates.set(variable, found);
    }
    return found;
  }

  domainOf(variable: string): Domain {
    let domain = this.#domains.get(variable);
    if (!domain) {
      const type = this.#types.get(variable) ?? { type: 'string' };
      domain = domainOf(variable, type, {
        phase: this.phase,
        contractTerms: this.#ruleSet.tariff.contractTerms,
        declaredMax: declaredMaxima(this.#ruleSet),
        setEarlier: this.#setEarlier.has(variable),
      });
      this.#domains.set(variable, domain);
    }
    return domain;
  }
}

/** One evaluation of rules over chosen facts; remembers each rule's outcome for that choice. */
export class EvaluationState {
  readonly #fired = new Map<CompiledRule, Truth>();

  constructor(
    readonly space: PhaseSpace,
    readonly assignment: Assignment,
    readonly mode: 'definite' | 'possible' = 'definite',
  ) {}

  fires(rule: CompiledRule): Truth {
    if (this.#fired.has(rule)) return this.#fired.get(rule);
    const validity = this.#inForce(rule);
    const truth =
      validity === false
        ? false
        : and([validity, evaluate(rule.conditions, (leaf) => this.#seen(leaf, rule.priority))]);
    this.#fired.set(rule, truth);
    return truth;
  }

  /** Whether a condition that is no rule's holds, read after every rule has run (priority 0). */
  holds(node: ConditionNode | TopLevelCondition, priority = 0): Truth {
    return evaluate(node, (leaf) => this.#seen(leaf, priority));
  }

  /** A rule dated validFrom/validTo applies on quote dates between them (inclusive). */
  #inForce(rule: CompiledRule): Truth {
    if (rule.validFrom === undefined && rule.validTo === undefined) return true;
    if (!this.assignment.has(QUOTE_DATE)) return undefined;
    const date = String(this.assignment.get(QUOTE_DATE));
    return (
      (rule.validFrom === undefined || rule.validFrom <= date) &&
      (rule.validTo === undefined || date <= rule.validTo)
    );
  }

  #seen(leaf: LeafCondition, priority: number): Seen {
    if (this.space.isDerived(leaf.fact)) return this.#derived(leaf.fact, priority);
    const variable = variableOf(leaf);
    return this.assignment.has(variable) ? this.assignment.get(variable) : UNKNOWN;
  }

  /**
   * The last setter to run before a rule of `priority` decides: the nearest higher one that fired.
   * Judging what is possible, two setters firing is a conflict the engine stops at, so what the
   * rule would see is left open rather than guessed.
   */
  #derived(fact: string, priority: number): Seen {
    let seen: Seen = UNSET;
    let decided = false;
    for (const setter of this.space.settersAbove(fact, priority)) {
      const fired = this.fires(setter);
      if (fired === undefined) return UNKNOWN;
      if (!fired) continue;
      if (decided) return UNKNOWN;
      seen = setter.prepared.derives?.[fact] as FactValue;
      decided = true;
      if (this.mode === 'definite') return seen;
    }
    return seen;
  }
}

export const QUOTE_DATE = 'quoteDate';

export const PHASES: readonly Phase[] = ['offer', 'approval'];

/** `enterprise` with path `$.creditRating` is the variable `enterprise.creditRating`. */
export function variableOf(leaf: { fact: string; path?: string | undefined }): string {
  return [leaf.fact, ...(leaf.path === undefined ? [] : splitPath(leaf.path))].join('.');
}

/** Calls `visit` for every leaf condition under `node`. */
export function forEachLeaf(
  node: ConditionNode | TopLevelCondition,
  visit: (leaf: LeafCondition) => void,
): void {
  if ('all' in node) node.all.forEach((child) => forEachLeaf(child, visit));
  else if ('any' in node) node.any.forEach((child) => forEachLeaf(child, visit));
  else if ('not' in node) forEachLeaf(node.not, visit);
  else visit(node);
}

/** Both (all) of several truths, in three values. */
export function and(truths: readonly Truth[]): Truth {
  if (truths.some((truth) => truth === false)) return false;
  return truths.every((truth) => truth === true) ? true : undefined;
}

export function not(truth: Truth): Truth {
  return truth === undefined ? undefined : !truth;
}

function or(truths: readonly Truth[]): Truth {
  if (truths.some((truth) => truth === true)) return true;
  return truths.every((truth) => truth === false) ? false : undefined;
}

/** A condition tree as json-rules-engine evaluates it; an empty `all` or `any` holds. */
function evaluate(
  node: ConditionNode | TopLevelCondition,
  seen: (leaf: LeafCondition) => Seen,
): Truth {
  if ('all' in node) return and(node.all.map((child) => evaluate(child, seen)));
  if ('any' in node)
    return node.any.length === 0 ? true : or(node.any.map((child) => evaluate(child, seen)));
  if ('not' in node) return not(evaluate(node.not, seen));
  const value = seen(node);
  return value === UNKNOWN ? undefined : compare(node.operator, value, node.value);
}

const DECIMAL_TESTS: Readonly<Record<string, (comparison: number) => boolean>> = {
  decimalEqual: (c) => c === 0,
  decimalNotEqual: (c) => c !== 0,
  decimalLessThan: (c) => c < 0,
  decimalLessThanInclusive: (c) => c <= 0,
  decimalGreaterThan: (c) => c > 0,
  decimalGreaterThanInclusive: (c) => c >= 0,
};

/** One operator, as the engine applies it (src/rules/engine.ts and json-rules-engine's own). */
function compare(operator: string, factValue: FactValue | undefined, ruleValue: unknown): Truth {
  switch (operator) {
    case 'equal':
      return factValue === ruleValue;
    case 'notEqual':
      return factValue !== ruleValue;
    case 'in':
      return Array.isArray(ruleValue) && ruleValue.includes(factValue);
    case 'notIn':
      return Array.isArray(ruleValue) && !ruleValue.includes(factValue);
  }
  const test = DECIMAL_TESTS[operator];
  if (!test) return undefined;
  const number =
    typeof factValue === 'number' && Number.isFinite(factValue)
      ? factValue
      : isDecimalString(factValue)
        ? factValue
        : undefined;
  if (number === undefined) return false;
  return test(parseDecimal(number).cmp(ruleConstant(String(ruleValue))));
}

/**
 * Relations the request schema keeps between facts (src/rules/request.ts): at most one handset per
 * line, and the handset count is the sum over models. Checked once the facts involved are chosen.
 */
function consistent(assignment: Assignment): boolean {
  const count = (variable: string): Decimal | undefined => {
    const value = assignment.get(variable);
    return typeof value === 'number' || typeof value === 'string' ? parseDecimal(value) : undefined;
  };
  const lines = count('lines');
  const handsetCount = count('handsetCount');
  const models = [...assignment.keys()].filter((variable) => variable.startsWith('handsets.'));
  const perModel = models.map((variable) => count(variable) ?? new Decimal(0));
  const modelTotal = perModel.reduce((total, value) => total.plus(value), new Decimal(0));
  if (lines && handsetCount && handsetCount.gt(lines)) return false;
  if (lines && modelTotal.gt(lines)) return false;
  if (handsetCount && modelTotal.gt(handsetCount)) return false;
  return true;
}

/** The chosen facts nested as a request carries them: `{ enterprise: { creditRating: "AA" } }`. */
function witnessOf(assignment: Assignment): Witness {
  const witness: Witness = {};
  const sorted = [...assignment.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [variable, value] of sorted) {
    const [fact, ...path] = variable.split('.');
    let target = witness;
    for (const segment of [fact!, ...path].slice(0, -1)) {
      target[segment] ??= {};
      target = target[segment] as Witness;
    }
    target[[fact!, ...path].at(-1)!] = value;
  }
  return witness;
}

/** Every leaf type of the catalogue by variable (`enterprise.annualSpend` → decimal). */
function leafTypes(catalogue: Record<string, { type: FactType }>): Map<string, FactType> {
  const types = new Map<string, FactType>();
  const walk = (type: FactType, variable: string) => {
    if (type.type === 'object')
      for (const [field, fieldType] of Object.entries(type.fields))
        walk(fieldType, `${variable}.${field}`);
    else types.set(variable, type);
  };
  for (const [fact, definition] of Object.entries(catalogue)) walk(definition.type, fact);
  return types;
}

/** The vocabulary the rule set's fact catalogue is built from. */
export function factVocabulary(ruleSet: RuleSet) {
  return {
    tiers: ruleSet.tariff.tiers.map((tier) => tier.code),
    handsetModels: ruleSet.handsetModels,
    customerFacts: ruleSet.tariff.customerFacts,
    options: ruleSet.tariff.options,
  };
}

function declaredMaxima(ruleSet: RuleSet): Map<string, number> {
  const maxima = new Map<string, number>();
  for (const fact of ruleSet.tariff.customerFacts)
    if ('max' in fact && fact.max !== undefined) maxima.set(`enterprise.${fact.name}`, fact.max);
  for (const option of ruleSet.tariff.options)
    if ('max' in option && option.max !== undefined) maxima.set(option.name, option.max);
  return maxima;
}
