/**
 * The pricing core: a validated request and a rule set in, a quote out. No I/O, no clock.
 * The arithmetic is the tariff book's §7; every number it uses comes from the rule set.
 */
import { AppError } from '../errors';
import {
  HUNDRED,
  ZERO,
  floorToMultiple,
  formatMoney,
  formatQuantity,
  parseDecimal,
  percent,
  roundHalfUp,
  ruleConstant,
  sum,
  taxInside,
  type Decimal,
} from '../money/money';
import type { PricedItemDefinition, RuleSet } from '../rules/compile';
import type { ComponentCode, ComponentParams } from '../rules/components';
import { runPhase, type Firing } from '../rules/engine';
import type { PricedQuote, QuoteItem, QuoteOutcome } from './quote';
import type { AppliedRule } from '../rules/explanation';
import { parseQuoteRequest, type QuoteRequest } from '../rules/request';
import type { ApprovalLevel } from '../domain';

const MONTHS_PER_YEAR = 12;

/** Validates an untrusted request (throwing an invalid-input AppError) and prices it. */
export async function priceQuote(ruleSet: RuleSet, input: unknown): Promise<QuoteOutcome> {
  return priceRequest(ruleSet, parseQuoteRequest(ruleSet.requestSchema, input));
}

/**
 * The facts the offer rules see: the validated request as it came. Decimals stay the strings the
 * request gave; the decimal operators compare them exactly, whatever their trailing zeros.
 */
export function requestFacts(request: QuoteRequest): Record<string, unknown> {
  return {
    enterprise: request.enterprise,
    termMonths: request.termMonths,
    lines: request.lines,
    usagePerLine: request.usagePerLine,
    ringbackTone: request.ringbackTone,
    handsetCount: request.handsets.reduce((total, handset) => total + handset.quantity, 0),
    tier: null,
  };
}

export async function priceRequest(ruleSet: RuleSet, request: QuoteRequest): Promise<QuoteOutcome> {
  const facts = requestFacts(request);
  const offer = await runPhase(ruleSet, 'offer', facts);

  const refusals = offer.filter((firing) => firing.component === 'refuse');
  if (refusals.length > 0) {
    return {
      eligible: false,
      ruleSetHash: ruleSet.hash,
      reasons: refusals.map((firing) => (firing.params as ComponentParams<'refuse'>).reason),
      refusals: refusals.map(applied),
    };
  }

  const tierFiring = only(offer, 'assign-tier');
  if (!tierFiring)
    throw new AppError(
      'rule-set',
      'no assign-tier rule matched this request: every request needs a tier (§3)',
    );
  const tier = (tierFiring.params as ComponentParams<'assign-tier'>).tier;

  const term = parseDecimal(request.termMonths);
  const lines = parseDecimal(request.lines);
  const priced: PricedEntry[] = [];
  for (const definition of ruleSet.items) {
    const quantity = itemQuantity(definition, request, lines);
    if (quantity !== undefined) priced.push(priceItem(definition, quantity, lines, offer));
  }
  const recurring = priced.filter((entry) => entry.definition.kind === 'recurring');
  const oneTime = priced.filter((entry) => entry.definition.kind === 'one-time');

  const monthlyList = sum(recurring.map((entry) => entry.list));
  const monthlyDiscount = sum(recurring.map((entry) => entry.discount));
  const monthlyNet = sum(recurring.map((entry) => entry.net));
  const oneTimeList = sum(oneTime.map((entry) => entry.list));
  const oneTimeNet = sum(oneTime.map((entry) => entry.net));

  const overdraft = overdraftLimit(offer, monthlyNet);
  const points = loyaltyPoints(offer, monthlyNet);

  const monthlyNetworkCost = sum(recurring.map((entry) => entry.cost));
  const oneTimeCost = sum(oneTime.map((entry) => entry.cost));
  const monthlyCost = monthlyNetworkCost.plus(overdraft.monthlyCost).plus(points.monthlyCost);
  const revenueExclTax = sum(recurring.map((entry) => entry.exclTax))
    .mul(term)
    .plus(sum(oneTime.map((entry) => entry.exclTax)));
  const totalCost = monthlyCost.mul(term).plus(oneTimeCost);
  const margin = revenueExclTax.minus(totalCost);
  const marginPct = marginPercent(margin, revenueExclTax);
  const contractValue = monthlyNet.mul(term).plus(oneTimeNet);

  const totals = {
    monthlyList: formatMoney(monthlyList),
    monthlyDiscount: formatMoney(monthlyDiscount),
    monthlyNet: formatMoney(monthlyNet),
    oneTimeList: formatMoney(oneTimeList),
    oneTimeNet: formatMoney(oneTimeNet),
    contractValue: formatMoney(contractValue),
    customerSavings: formatMoney(
      monthlyList.minus(monthlyNet).mul(term).plus(oneTimeList.minus(oneTimeNet)),
    ),
  };
  const figures = {
    monthlyNetworkCost: formatMoney(monthlyNetworkCost),
    overdraftMonthlyCost: formatMoney(overdraft.monthlyCost),
    pointsMonthlyCost: formatMoney(points.monthlyCost),
    monthlyCost: formatMoney(monthlyCost),
    oneTimeCost: formatMoney(oneTimeCost),
    revenueExclTax: formatMoney(revenueExclTax),
    totalCost: formatMoney(totalCost),
    margin: formatMoney(margin),
    marginPct: formatMoney(marginPct),
  };

  const approvalFirings = await runPhase(ruleSet, 'approval', {
    ...facts,
    tier,
    monthlyNet: totals.monthlyNet,
    contractValue: totals.contractValue,
    revenueExclTax: figures.revenueExclTax,
    totalCost: figures.totalCost,
    margin: figures.margin,
    marginPct: figures.marginPct,
  });
  const approvalFiring = only(approvalFirings, 'approval-level');
  if (!approvalFiring) {
    throw new AppError(
      'rule-set',
      `no approval-level rule matched a margin of ${figures.marginPct} % (§8)`,
    );
  }

  const quote: PricedQuote = {
    eligible: true,
    ruleSetHash: ruleSet.hash,
    tier,
    termMonths: request.termMonths,
    lines: request.lines,
    items: priced.map((entry) => entry.item),
    totals,
    benefits: {
      overdraftLimit: formatMoney(overdraft.limit),
      monthlyPoints: formatQuantity(points.points),
    },
    internal: {
      ...figures,
      approval: (approvalFiring.params as ComponentParams<'approval-level'>).level as ApprovalLevel,
      approvalRules: [applied(approvalFiring)],
    },
    explanations: {
      tier: [applied(tierFiring)],
      items: Object.fromEntries(priced.map((entry) => [entry.item.code, entry.rules])),
      benefits: { overdraftLimit: overdraft.rules, monthlyPoints: points.rules },
    },
  };
  return quote;
}

/** §7: LINE_FEE and CRBT = lines; usage = lines × usage per line; handsets = the requested quantity. */
function itemQuantity(
  definition: PricedItemDefinition,
  request: QuoteRequest,
  lines: Decimal,
): Decimal | undefined {
  const basis = definition.quantity;
  switch (basis.basis) {
    case 'lines':
      if (basis.onlyIf === 'ringbackTone' && !request.ringbackTone) return undefined;
      return lines;
    case 'usagePerLine':
      return lines.mul(parseDecimal(request.usagePerLine[basis.field]));
    case 'handsets': {
      const handset = request.handsets.find((entry) => entry.model === definition.code);
      return handset ? parseDecimal(handset.quantity) : undefined;
    }
  }
}

interface PricedEntry {
  definition: PricedItemDefinition;
  item: QuoteItem;
  list: Decimal;
  discount: Decimal;
  net: Decimal;
  exclTax: Decimal;
  cost: Decimal;
  rules: AppliedRule[];
}

/**
 * §7: list = round(quantity × unit price). A free pool (C2) takes round(free units × unit price);
 * percent rules on the item add up and apply to what remains after the pool, rounded once.
 */
function priceItem(
  definition: PricedItemDefinition,
  quantity: Decimal,
  lines: Decimal,
  offer: readonly Firing[],
): PricedEntry {
  const list = roundHalfUp(quantity.mul(definition.unitPriceValue));
  const percentRules = offer.filter(
    (firing) => firing.component === 'percent-off' && targets(firing, definition),
  );
  const poolRule = offer.find(
    (firing) =>
      firing.component === 'free-usage-pool' &&
      (firing.params as ComponentParams<'free-usage-pool'>).item === definition.code,
  );

  let discount = ZERO;
  if (poolRule) {
    const pool = poolRule.params as ComponentParams<'free-usage-pool'>;
    const freeUnits =
      'unlimited' in pool
        ? quantity
        : minDecimal(quantity, lines.mul(ruleConstant(pool.freePerLine)));
    discount = roundHalfUp(freeUnits.mul(definition.unitPriceValue));
  }
  if (percentRules.length > 0) {
    const percentOff = sum(
      percentRules.map((firing) =>
        ruleConstant((firing.params as ComponentParams<'percent-off'>).percent),
      ),
    );
    if (percentOff.gt(HUNDRED)) {
      throw new AppError(
        'rule-set',
        `rules ${percentRules.map((firing) => firing.rule).join(', ')} together take ${percentOff.toFixed()} % off ${definition.code}, more than 100 %`,
      );
    }
    discount = discount.plus(roundHalfUp(list.minus(discount).mul(percent(percentOff))));
  }
  const net = list.minus(discount);
  const { tax, exclTax } = taxInside(net, definition.vatRate);
  return {
    definition,
    list,
    discount,
    net,
    exclTax,
    cost: roundHalfUp(quantity.mul(definition.unitCostValue)),
    rules: [...(poolRule ? [poolRule] : []), ...percentRules].map(applied),
    item: {
      code: definition.code,
      kind: definition.kind,
      names: definition.names,
      unitNames: definition.unitNames,
      quantity: formatQuantity(quantity),
      unitPrice: definition.unitPrice,
      vatRate: definition.vatClassRate,
      list: formatMoney(list),
      discount: formatMoney(discount),
      net: formatMoney(net),
      tax: formatMoney(tax),
      exclTax: formatMoney(exclTax),
    },
  };
}

function minDecimal(a: Decimal, b: Decimal): Decimal {
  return a.lte(b) ? a : b;
}

function targets(firing: Firing, definition: PricedItemDefinition): boolean {
  const params = firing.params as ComponentParams<'percent-off'>;
  return 'item' in params
    ? params.item === definition.code
    : params.category === definition.category;
}

/**
 * §6 C5: limit = monthly net × multiple, floored to the rounding step and capped; its monthly risk
 * cost = limit × PD × LGD / 12. No multiple rule for the rating means no grace limit.
 */
function overdraftLimit(offer: readonly Firing[], monthlyNet: Decimal) {
  const multipleRule = only(offer, 'overdraft-multiple');
  if (!multipleRule) return { limit: ZERO, monthlyCost: ZERO, rules: [] as AppliedRule[] };
  const termsRule = only(offer, 'overdraft-terms');
  if (!termsRule)
    throw new AppError(
      'rule-set',
      `rule ${multipleRule.rule} sets an overdraft multiple but no overdraft-terms rule applies`,
    );
  const terms = termsRule.params as ComponentParams<'overdraft-terms'>;
  const multiple = multipleRule.params as ComponentParams<'overdraft-multiple'>;
  const uncapped = floorToMultiple(
    monthlyNet.mul(ruleConstant(multiple.multiple)),
    ruleConstant(terms.roundDownTo),
  );
  const cap = ruleConstant(terms.cap);
  const limit = uncapped.gt(cap) ? cap : uncapped;
  const monthlyCost = roundHalfUp(
    limit
      .mul(percent(ruleConstant(multiple.defaultProbabilityPercent)))
      .mul(percent(ruleConstant(terms.lossGivenDefaultPercent)))
      .div(MONTHS_PER_YEAR),
  );
  return { limit, monthlyCost, rules: [termsRule, multipleRule].map(applied) };
}

/** §6 C6: points = floor(monthly net × multiplier); cost = points × point value × redemption. */
function loyaltyPoints(offer: readonly Firing[], monthlyNet: Decimal) {
  const multiplierRule = only(offer, 'points-multiplier');
  if (!multiplierRule) return { points: ZERO, monthlyCost: ZERO, rules: [] as AppliedRule[] };
  const termsRule = only(offer, 'points-terms');
  if (!termsRule)
    throw new AppError(
      'rule-set',
      `rule ${multiplierRule.rule} sets a points multiplier but no points-terms rule applies`,
    );
  const terms = termsRule.params as ComponentParams<'points-terms'>;
  const points = monthlyNet
    .mul(ruleConstant((multiplierRule.params as ComponentParams<'points-multiplier'>).multiplier))
    .floor();
  const monthlyCost = roundHalfUp(
    points.mul(ruleConstant(terms.pointValue)).mul(percent(ruleConstant(terms.redemptionPercent))),
  );
  return { points, monthlyCost, rules: [termsRule, multiplierRule].map(applied) };
}

/** §7: margin % = round(margin / revenue × 100). With no revenue at all, any cost is a total loss. */
function marginPercent(margin: Decimal, revenue: Decimal): Decimal {
  if (revenue.isZero()) return margin.isNegative() ? HUNDRED.negated() : ZERO;
  return roundHalfUp(margin.div(revenue).mul(HUNDRED));
}

function only(firings: readonly Firing[], component: ComponentCode): Firing | undefined {
  return firings.find((firing) => firing.component === component);
}

function applied(firing: Firing): AppliedRule {
  return {
    rule: firing.rule,
    ...(firing.description ? { description: firing.description } : {}),
    component: firing.component,
    params: firing.params,
    conditions: firing.conditions,
  };
}
