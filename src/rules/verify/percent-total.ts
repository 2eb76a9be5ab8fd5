/**
 * Percent points off one item add up (§7), and more than 100 % off is a rule-set defect the
 * pricing core refuses at quote time. Here: for every item, the most percent points the rules
 * that target it (by code or by category) can take off together for one request that prices —
 * the item is on the quote and no refusal applies — and that request, when it is over 100.
 */
import { Decimal, HUNDRED, parseDecimal } from '../../money/money';
import type { CompiledRule, PricedItemDefinition, RuleSet } from '../compile';
import type { ConditionNode } from '../files';
import { listed, names, rulePath, type LocatedFinding } from './finding';
import { and, not, PhaseSpace, type EvaluationState, type Witness } from './space';

/** How many "can these fire together" searches one item may take before giving up. */
const SEARCHES_PER_ITEM = 2_000;

interface PercentRule {
  rule: CompiledRule;
  points: Decimal;
}

export function percentTotals(ruleSet: RuleSet): LocatedFinding[] {
  const space = new PhaseSpace(ruleSet, 'offer');
  const percentRules = space.rules.flatMap((rule): PercentRule[] => {
    // An item-stage component with percent points: percent-off (and any like it).
    const percent = rule.component.stage === 'item' ? rule.event.params.percent : undefined;
    return typeof percent === 'string' ? [{ rule, points: parseDecimal(percent) }] : [];
  });
  const refusals = space.rules.filter((rule) => rule.component.code === 'refuse');
  const byRules = new Map<
    string,
    { items: string[]; rules: PercentRule[]; total: Decimal; witness: Witness }
  >();
  for (const item of ruleSet.items) {
    const targeting = percentRules
      .filter(({ rule }) => targets(rule, item))
      .sort((a, b) => b.points.cmp(a.points) || a.rule.order - b.rule.order);
    if (sum(targeting).lte(HUNDRED)) continue;
    const onQuote = onTheQuote(item, space);
    const most = mostTogether(
      space,
      targeting,
      (state) =>
        and([
          onQuote ? state.holds(onQuote) : true,
          ...refusals.map((refusal) => not(state.fires(refusal))),
        ]),
      [
        ...(onQuote ? space.variablesOfCondition(onQuote) : []),
        ...refusals.flatMap((rule) => [...space.variablesOf(rule)]),
      ],
    );
    // One rule over 100 % on its own is a unit trap (units.ts), reported there.
    if (!most || most.rules.length < 2) continue;
    const key = most.rules.map(({ rule }) => rule.name).join(' ');
    const known = byRules.get(key);
    if (known) known.items.push(item.code);
    else byRules.set(key, { items: [item.code], ...most });
  }
  return [...byRules.values()].map(({ items, rules, total, witness }) => {
    const inOrder = [...rules].sort((a, b) => a.rule.order - b.rule.order);
    const first = inOrder[0]!.rule;
    return {
      file: first.file,
      path: rulePath(ruleSet, first, 'event.params.percent'),
      severity: 'error',
      code: 'percent-over-100',
      rules: inOrder.map(({ rule }) => rule.name),
      message: `percent-off rules can fire together for one request and take ${inOrder.map(({ points }) => `${points.toFixed()} %`).join(' + ')} = ${total.toFixed()} % off ${listed(items)}: more than 100 %`,
      text: {
        key: 'verifier.percentOver100',
        params: {
          sum: inOrder.map(({ points }) => `${points.toFixed()} %`).join(' + '),
          total: total.toFixed(),
          items: names(items),
        },
      },
      witness,
    };
  });
}

function targets(rule: CompiledRule, item: PricedItemDefinition): boolean {
  const { item: code, category } = rule.event.params;
  return code === item.code || (code === undefined && category === item.category);
}

function sum(rules: readonly PercentRule[]): Decimal {
  return rules.reduce((total, { points }) => total.plus(points), new Decimal(0));
}

/**
 * When an item is on a quote, as a condition on the request (src/pricing prices an item whose
 * quantity basis gives it one); undefined when it always is (the line fee, usage).
 */
function onTheQuote(item: PricedItemDefinition, space: PhaseSpace): ConditionNode | undefined {
  const quantity = item.quantity as { basis: string; onlyIf?: string; option?: string };
  let condition: ConditionNode | undefined;
  if (quantity.onlyIf !== undefined)
    condition = { fact: quantity.onlyIf, operator: 'equal', value: true };
  else if (quantity.basis === 'option' && quantity.option !== undefined)
    condition = { fact: quantity.option, operator: 'decimalGreaterThan', value: '0' };
  else if (quantity.basis === 'handsets')
    condition = {
      fact: 'handsets',
      path: `$.${item.code}`,
      operator: 'decimalGreaterThan',
      value: '0',
    };
  if (condition) space.register(condition);
  return condition;
}

/**
 * The largest total of `rules` (sorted by points, largest first) that can fire together for one
 * request meeting `priced`, if it is over 100: branch and bound over which rules fire.
 */
function mostTogether(
  space: PhaseSpace,
  rules: readonly PercentRule[],
  priced: (state: EvaluationState) => boolean | undefined,
  pricedVariables: readonly string[],
): { rules: PercentRule[]; total: Decimal; witness: Witness } | undefined {
  let best: { rules: PercentRule[]; total: Decimal; witness: Witness } | undefined;
  let searches = 0;
  const remaining = rules.map((_, index) => sum(rules.slice(index)));
  const visit = (index: number, chosen: PercentRule[], total: Decimal, witness?: Witness) => {
    if (witness && total.gt(best?.total ?? HUNDRED)) best = { rules: chosen, total, witness };
    if (index === rules.length || searches >= SEARCHES_PER_ITEM) return;
    if (total.plus(remaining[index]!).lte(best?.total ?? HUNDRED)) return;
    const next = rules[index]!;
    const together = [...chosen, next];
    searches += 1;
    const result = space.search(
      [...pricedVariables, ...together.flatMap(({ rule }) => [...space.variablesOf(rule)])],
      (state) => and([priced(state), ...together.map(({ rule }) => state.fires(rule))]),
    );
    if (result.found) visit(index + 1, together, total.plus(next.points), result.witness);
    visit(index + 1, chosen, total, witness);
  };
  visit(0, [], new Decimal(0));
  return best;
}
