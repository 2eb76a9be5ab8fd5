/**
 * Unit traps: a figure that is valid as a number but almost certainly written in the wrong unit.
 *
 * The one convention of a rule set: **every percentage is in percent points** — a discount
 * `"percent": "35"`, `redemptionPercent`, `lossGivenDefaultPercent`, a `marginPct` threshold
 * `"30.00"` all mean that many hundredths — **except the VAT rate of a VAT class, which is a
 * fraction** (`"0.09"` is 9 %), as tax rates are published. Money (unit prices, unit costs) is
 * CNY to the fen: at most two decimals.
 *
 * So a percentage below 1 probably meant a fraction (`"0.35"` for 35 %: a warning, since a
 * probability of default of 0.25 % is real), a percentage over 100 or a VAT rate of 1 or more is
 * impossible (an error), and a price or cost with a third decimal cannot be paid (an error).
 */
import { isDecimalString } from '../../domain';
import { HUNDRED, ONE, parseDecimal, ZERO } from '../../money/money';
import { COSTS_FILE, PRICES_FILE, type RuleSet } from '../compile';
import type { ConditionNode, TopLevelCondition } from '../files';
import { rulePath, type LocatedFinding } from './finding';
import { PHASES } from './space';

/** Params and facts in percent points are named so: `percent`, `redemptionPercent`, `marginPct`. */
const PERCENT_NAME = /(^percent|Percent|Pct)$/;
/** Probabilities of default are fractions of a percent in earnest (§6 C5: 0.10 % for AAA). */
const SMALL_BY_NATURE = /Probability/;
const MONEY_DECIMALS = 2;

export function unitTraps(ruleSet: RuleSet): LocatedFinding[] {
  return [...priceListTraps(ruleSet), ...ruleTraps(ruleSet)];
}

function priceListTraps(ruleSet: RuleSet): LocatedFinding[] {
  const findings: LocatedFinding[] = [];
  const prices = ruleSet.snapshot.files[PRICES_FILE] as {
    vatClasses?: Record<string, { rate?: unknown }>;
    items?: { code?: unknown; unitPrice?: unknown }[];
  };
  for (const [name, vatClass] of Object.entries(prices.vatClasses ?? {})) {
    const rate = vatClass.rate;
    if (!isDecimalString(rate) || parseDecimal(rate).lt(ONE)) continue;
    const asFraction = parseDecimal(rate).div(HUNDRED);
    findings.push({
      file: PRICES_FILE,
      path: `vatClasses.${name}.rate`,
      severity: 'error',
      code: 'vat-rate-out-of-range',
      rules: [],
      message: `VAT rate "${rate}" of ${name} is ${parseDecimal(rate).mul(HUNDRED).toFixed()} %: a VAT rate is a fraction from 0 up to 1${asFraction.lt(ONE) ? `, write "${asFraction.toFixed()}" for ${rate} %` : ''}`,
      text: {
        key: asFraction.lt(ONE) ? 'verifier.vatRateAsPercent' : 'verifier.vatRateOutOfRange',
        params: {
          rate,
          name,
          percent: parseDecimal(rate).mul(HUNDRED).toFixed(),
          fraction: asFraction.toFixed(),
        },
      },
    });
  }
  (prices.items ?? []).forEach((item, index) => {
    const finding = moneyTrap(item.unitPrice, 'unitPrice', String(item.code));
    if (finding) findings.push({ file: PRICES_FILE, path: `items.${index}.unitPrice`, ...finding });
  });
  const costs = ruleSet.snapshot.files[COSTS_FILE] as { unitCosts?: Record<string, unknown> };
  for (const [code, cost] of Object.entries(costs.unitCosts ?? {})) {
    const finding = moneyTrap(cost, 'unitCost', code);
    if (finding) findings.push({ file: COSTS_FILE, path: `unitCosts.${code}`, ...finding });
  }
  return findings;
}

function moneyTrap(
  value: unknown,
  what: 'unitPrice' | 'unitCost',
  code: string,
): Omit<LocatedFinding, 'file' | 'path'> | undefined {
  if (!isDecimalString(value)) return undefined;
  const decimals = parseDecimal(value).decimalPlaces();
  if (decimals <= MONEY_DECIMALS) return undefined;
  return {
    severity: 'error',
    code: 'money-precision',
    rules: [],
    message: `${what === 'unitPrice' ? 'unit price' : 'unit cost'} "${value}" of ${code} has ${decimals} decimals: amounts are CNY to the fen, at most ${MONEY_DECIMALS} decimals`,
    text: {
      key: 'verifier.moneyPrecision',
      params: {
        what: { term: `verifier.amounts.${what}` },
        value,
        code,
        decimals,
        most: MONEY_DECIMALS,
      },
    },
  };
}

function ruleTraps(ruleSet: RuleSet): LocatedFinding[] {
  const findings: LocatedFinding[] = [];
  for (const phase of PHASES) {
    for (const rule of ruleSet.rulesByPhase[phase]) {
      for (const [param, value] of Object.entries(rule.event.params)) {
        if (!PERCENT_NAME.test(param) || !isDecimalString(value)) continue;
        const trap = percentTrap(param, value, SMALL_BY_NATURE.test(param));
        if (trap)
          findings.push({
            file: rule.file,
            path: rulePath(ruleSet, rule, `event.params.${param}`),
            rules: [rule.name],
            ...trap,
          });
      }
      forEachLeafAt(rule.conditions, 'conditions', (leaf, path) => {
        if (!PERCENT_NAME.test(leaf.fact) || !isDecimalString(leaf.value)) return;
        const trap = percentTrap(leaf.fact, leaf.value, false, true);
        if (trap)
          findings.push({
            file: rule.file,
            path: rulePath(ruleSet, rule, `${path}.value`),
            rules: [rule.name],
            ...trap,
          });
      });
    }
  }
  return findings;
}

/** A percentage in percent points: over 100 cannot be, under 1 (and not 0) looks like a fraction. */
function percentTrap(
  name: string,
  value: string,
  smallByNature: boolean,
  signed = false,
): Omit<LocatedFinding, 'file' | 'path' | 'rules'> | undefined {
  const points = parseDecimal(value);
  if (!signed && (points.gt(HUNDRED) || points.lt(ZERO))) {
    return {
      severity: 'error',
      code: 'percent-out-of-range',
      message: `${name} "${value}" is outside 0–100: percentages are percent points, "35" means 35 %`,
      text: { key: 'verifier.percentOutOfRange', params: { name, value } },
    };
  }
  if (smallByNature || points.isZero() || points.abs().gte(ONE)) return undefined;
  return {
    severity: 'warning',
    code: 'percent-looks-like-fraction',
    message: `${name} "${value}" looks like a fraction: ${value} means ${value} %, write "${points.mul(HUNDRED).toFixed()}" for ${points.mul(HUNDRED).toFixed()} % (percentages are percent points)`,
    text: {
      key: 'verifier.percentLooksLikeFraction',
      params: { name, value, points: points.mul(HUNDRED).toFixed() },
    },
  };
}

type Leaf = Extract<ConditionNode, { fact: string }>;

function forEachLeafAt(
  node: ConditionNode | TopLevelCondition,
  path: string,
  visit: (leaf: Leaf, path: string) => void,
): void {
  if ('all' in node)
    node.all.forEach((child, index) => forEachLeafAt(child, `${path}.all.${index}`, visit));
  else if ('any' in node)
    node.any.forEach((child, index) => forEachLeafAt(child, `${path}.any.${index}`, visit));
  else if ('not' in node) forEachLeafAt(node.not, `${path}.not`, visit);
  else visit(node, path);
}
