/**
 * The pricing core: a validated request and a rule set in, a quote out. No I/O, no clock.
 * The arithmetic is the tariff book's §7; every number it uses comes from the rule set.
 *
 * The core knows the stages of a quote (src/rules/components/component.ts), not the components:
 * each rule that fired enqueues its component's effect for its stage, and the core runs each
 * stage's queue against that stage's context, in order, doing the §7 sums in between.
 */
import { AppError } from '../errors';
import {
  HUNDRED,
  ONE,
  ZERO,
  formatMoney,
  formatQuantity,
  marginPercent,
  parseDecimal,
  percent,
  roundHalfUp,
  sum,
  taxInside,
  type Decimal,
} from '../money/money';
import type { PricedItemDefinition, RuleSet } from '../rules/compile';
import {
  Evaluation,
  emptyQueues,
  type ApproveContext,
  type Benefit,
  type BenefitContext,
  type BillContext,
  type DecideContext,
  type ItemUnderDiscount,
  type StageQueues,
} from '../rules/components';
import { runPhase, runPhaseOnEngine, type Firing } from '../rules/engine';
import { NEGOTIATED, type AppliedRule } from '../rules/explanation';
import { parseQuoteRequest, type Adjustment, type QuoteRequest } from '../rules/request';
import type { ApprovalLevel } from '../domain';
import type { PricedQuote, QuoteCredit, QuoteItem, QuoteOutcome } from './quote';

/**
 * What a quote is priced against besides its request. The core reads no clock: the caller says
 * which calendar date (China, YYYY-MM-DD) the quote is priced on; it is recorded in the quote and
 * decides which dated rules (promotions) apply. A rule set without dated rules needs none.
 */
export interface PricingContext {
  quoteDate?: string;
  /**
   * Evaluate the rules with json-rules-engine, the reference, instead of their compiled form. Rule
   * cases price every case both ways, so a rule the two read differently is caught before the set
   * is pushed, not on a customer's quote.
   */
  referenceEngine?: boolean;
}

/** Validates an untrusted request (throwing an invalid-input AppError) and prices it. */
export async function priceQuote(
  ruleSet: RuleSet,
  input: unknown,
  context: PricingContext = {},
): Promise<QuoteOutcome> {
  return priceRequest(ruleSet, parseQuoteRequest(ruleSet.requestSchema, input), context);
}

/**
 * The facts the offer rules see: the validated request as it came (its declared options as facts
 * of their own name), handsets by model, and the quote date. Decimals stay the strings the
 * request gave; the decimal operators compare them exactly, whatever their trailing zeros.
 */
export function requestFacts(
  ruleSet: RuleSet,
  request: QuoteRequest,
  context: PricingContext = {},
): Record<string, unknown> {
  const handsets: Record<string, number> = {};
  for (const model of ruleSet.handsetModels) handsets[model] = 0;
  for (const handset of request.handsets) handsets[handset.model] = handset.quantity;
  const facts: Record<string, unknown> = {
    enterprise: request.enterprise,
    termMonths: request.termMonths,
    lines: request.lines,
    usagePerLine: request.usagePerLine,
  };
  for (const option of ruleSet.tariff.options) facts[option.name] = request[option.name];
  facts.handsetCount = request.handsets.reduce((total, handset) => total + handset.quantity, 0);
  facts.handsets = handsets;
  facts.quoteDate = context.quoteDate ?? null;
  facts.tier = null;
  return facts;
}

export async function priceRequest(
  ruleSet: RuleSet,
  request: QuoteRequest,
  context: PricingContext = {},
): Promise<QuoteOutcome> {
  const evaluation = new Evaluation();
  const { quoteDate } = context;
  const evaluate = context.referenceEngine ? runPhaseOnEngine : runPhase;
  const facts = requestFacts(ruleSet, request, context);
  const offer = queued(await evaluate(ruleSet, 'offer', facts, quoteDate));

  const decided = new Decisions(evaluation);
  for (const effect of offer.decide) effect(decided);
  if (decided.refusals.length > 0) {
    return {
      eligible: false,
      ruleSetHash: ruleSet.hash,
      ...(quoteDate !== undefined ? { quoteDate } : {}),
      reasons: decided.refusals.map((refusal) => refusal.reason),
      refusals: decided.refusals.map((refusal) => refusal.because),
    };
  }
  const tier = decided.tier;
  if (!tier)
    throw new AppError(
      'rule-set',
      'no assign-tier rule matched this request: every request needs a tier (§3)',
    );

  const term = parseDecimal(request.termMonths);
  const lines = parseDecimal(request.lines);
  const ledgers: ItemLedger[] = [];
  for (const definition of ruleSet.items) {
    const quantity = itemQuantity(definition, request, lines);
    if (quantity !== undefined) ledgers.push(new ItemLedger(definition, quantity));
  }
  const itemStage = { evaluation, lines, items: ledgers };
  for (const effect of offer.item) effect(itemStage);
  const negotiated = negotiate(request.adjustments ?? [], ledgers);
  const priced = ledgers.map((ledger) => ledger.price());
  const recurring = priced.filter((entry) => entry.definition.kind === 'recurring');
  const oneTime = priced.filter((entry) => entry.definition.kind === 'one-time');

  const bill = new Bill(evaluation, recurring);
  for (const effect of offer.bill) effect(bill);
  const credits = bill.credits;
  const monthlyCredit = sum(credits.map((credit) => credit.amount));
  const monthlyCreditExclTax = sum(credits.map((credit) => credit.exclTax));

  const monthlyList = sum(recurring.map((entry) => entry.list));
  const monthlyDiscount = sum(recurring.map((entry) => entry.discount)).plus(monthlyCredit);
  const monthlyNet = bill.monthlyNet;
  const oneTimeList = sum(oneTime.map((entry) => entry.list));
  const oneTimeNet = sum(oneTime.map((entry) => entry.net));

  const benefits = new Benefits(evaluation, monthlyNet);
  for (const effect of offer.benefit) effect(benefits);
  const overdraft = benefits.granted('overdraftLimit');
  const points = benefits.granted('monthlyPoints');

  const monthlyNetworkCost = sum(recurring.map((entry) => entry.cost));
  const oneTimeCost = sum(oneTime.map((entry) => entry.cost));
  const monthlyCost = monthlyNetworkCost.plus(overdraft.monthlyCost).plus(points.monthlyCost);
  const revenueExclTax = sum(recurring.map((entry) => entry.exclTax))
    .minus(monthlyCreditExclTax)
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

  const approvalPhase = queued(
    await evaluate(
      ruleSet,
      'approval',
      {
        ...facts,
        tier: tier.code,
        monthlyNet: totals.monthlyNet,
        contractValue: totals.contractValue,
        revenueExclTax: figures.revenueExclTax,
        totalCost: figures.totalCost,
        margin: figures.margin,
        marginPct: figures.marginPct,
        negotiatedPercent: negotiated.deepest,
      },
      quoteDate,
    ),
  );
  const approval = new Approval(evaluation);
  for (const effect of approvalPhase.approve) effect(approval);
  if (!approval.decided) {
    throw new AppError(
      'rule-set',
      `no approval-level rule matched a margin of ${figures.marginPct} % (§8)`,
    );
  }

  const quote: PricedQuote = {
    eligible: true,
    ruleSetHash: ruleSet.hash,
    ...(quoteDate !== undefined ? { quoteDate } : {}),
    tier: tier.code,
    termMonths: request.termMonths,
    lines: request.lines,
    items: priced.map((entry) => entry.item),
    ...(credits.length > 0 ? { credits: credits.map((credit) => credit.quoted) } : {}),
    totals,
    benefits: {
      overdraftLimit: formatMoney(overdraft.amount),
      monthlyPoints: formatQuantity(points.amount),
    },
    internal: {
      ...figures,
      approval: approval.decided.level,
      approvalRules: [approval.decided.because],
    },
    explanations: {
      tier: [tier.because],
      items: Object.fromEntries(priced.map((entry) => [entry.item.code, entry.rules])),
      ...(credits.length > 0 ? { credits: credits.map((credit) => credit.because) } : {}),
      benefits: { overdraftLimit: overdraft.because, monthlyPoints: points.because },
    },
  };
  return quote;
}

/** Each firing's effect, queued for its stage in firing order (priority, then file order). */
function queued(firings: readonly Firing[]): StageQueues {
  const queues = emptyQueues();
  for (const firing of firings) firing.event.enqueue(queues, firing.applied);
  return queues;
}

class Decisions implements DecideContext {
  readonly refusals: { reason: string; because: AppliedRule }[] = [];
  tier: { code: string; because: AppliedRule } | undefined;

  constructor(readonly evaluation: Evaluation) {}

  refuse(reason: string, because: AppliedRule): void {
    this.refusals.push({ reason, because });
  }

  assignTier(code: string, because: AppliedRule): void {
    this.tier = { code, because };
  }
}

/**
 * §7: LINE_FEE and CRBT = lines; usage = lines × usage per line; handsets = the requested
 * quantity. An item that depends on an option the request does not take is not on the quote.
 */
function itemQuantity(
  definition: PricedItemDefinition,
  request: QuoteRequest,
  lines: Decimal,
): Decimal | undefined {
  const basis = definition.quantity;
  switch (basis.basis) {
    case 'lines':
      if (basis.onlyIf !== undefined && request[basis.onlyIf] !== true) return undefined;
      return lines;
    case 'single':
      return request[basis.onlyIf] === true ? ONE : undefined;
    case 'option': {
      const count = request[basis.option];
      return typeof count === 'number' && count > 0 ? parseDecimal(count) : undefined;
    }
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

/** One requested item while the item stage's components discount it. */
class ItemLedger implements ItemUnderDiscount {
  readonly code: string;
  readonly category: string;
  #freeUnits: Decimal | undefined;
  readonly #pools: AppliedRule[] = [];
  readonly #percents: { points: Decimal; because: AppliedRule }[] = [];
  readonly #negotiated: { points: Decimal; because: AppliedRule }[] = [];

  constructor(
    readonly definition: PricedItemDefinition,
    readonly quantity: Decimal,
  ) {
    this.code = definition.code;
    this.category = definition.category;
  }

  giveFree(units: Decimal, because: AppliedRule): void {
    this.#freeUnits = (this.#freeUnits ?? ZERO).plus(units);
    this.#pools.push(because);
  }

  takePercentOff(points: Decimal, because: AppliedRule): void {
    this.#percents.push({ points, because });
  }

  /** A discount negotiated beyond the tariff: it adds to the tariff's percentages (§7). */
  negotiate(points: Decimal, because: AppliedRule): void {
    this.#negotiated.push({ points, because });
  }

  /**
   * §7: list = round(quantity × unit price). A free pool (C2) takes round(free units × unit
   * price); percent rules on the item add up and apply to what remains after the pool, rounded
   * once.
   */
  price(): PricedEntry {
    const { definition, quantity } = this;
    const list = roundHalfUp(quantity.mul(definition.unitPriceValue));
    let discount = ZERO;
    if (this.#freeUnits !== undefined) {
      const free = this.#freeUnits.gt(quantity) ? quantity : this.#freeUnits;
      discount = roundHalfUp(free.mul(definition.unitPriceValue));
    }
    if (this.#percents.length > 0 || this.#negotiated.length > 0) {
      const tariffPercent = sum(this.#percents.map((entry) => entry.points));
      if (tariffPercent.gt(HUNDRED)) {
        const rules = this.#percents.map((entry) => entry.because.rule);
        throw new AppError(
          'rule-conflict',
          `rules ${rules.join(', ')} together take ${tariffPercent.toFixed()} % off ${definition.code}, more than 100 %`,
          { rules },
        );
      }
      // A negotiated discount adds to the tariff's and the sum is rounded once; it never takes
      // an item below nothing.
      const withNegotiated = tariffPercent.plus(sum(this.#negotiated.map((entry) => entry.points)));
      const percentOff = withNegotiated.gt(HUNDRED) ? HUNDRED : withNegotiated;
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
      rules: [
        ...this.#pools,
        ...this.#percents.map((entry) => entry.because),
        ...this.#negotiated.map((entry) => entry.because),
      ],
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
}

/**
 * Applies the request's negotiated adjustments to the items they name and returns the deepest
 * one, the fact the approval rules read. Each is explained on its items as its own entry.
 */
function negotiate(
  adjustments: readonly Adjustment[],
  ledgers: readonly ItemLedger[],
): { deepest: string } {
  let deepest = ZERO;
  for (const adjustment of adjustments) {
    const points = parseDecimal(adjustment.percent);
    if (points.gt(deepest)) deepest = points;
    const because: AppliedRule = {
      rule: NEGOTIATED,
      description: adjustment.reason,
      component: NEGOTIATED,
      params: { ...adjustment },
      conditions: [],
    };
    for (const ledger of ledgers) {
      const targeted =
        'item' in adjustment
          ? ledger.code === adjustment.item
          : ledger.category === adjustment.category;
      if (targeted) ledger.negotiate(points, because);
    }
  }
  return { deepest: formatQuantity(deepest) };
}

interface Credit {
  amount: Decimal;
  exclTax: Decimal;
  because: AppliedRule;
  quoted: QuoteCredit;
}

/** The monthly bill after item discounts, while the bill stage's components credit it. */
class Bill implements BillContext {
  readonly #netByVatRate = new Map<string, Decimal>();
  readonly #vatRates = new Map<string, Decimal>();
  readonly credits: Credit[] = [];

  constructor(
    readonly evaluation: Evaluation,
    recurring: readonly PricedEntry[],
  ) {
    for (const entry of recurring) {
      const rate = entry.definition.vatClassRate;
      this.#netByVatRate.set(rate, (this.#netByVatRate.get(rate) ?? ZERO).plus(entry.net));
      this.#vatRates.set(rate, entry.definition.vatRate);
    }
  }

  get monthlyNet(): Decimal {
    return sum([...this.#netByVatRate.values()]);
  }

  get monthlyNetByVatRate(): ReadonlyMap<string, Decimal> {
    return this.#netByVatRate;
  }

  credit(parts: ReadonlyMap<string, Decimal>, because: AppliedRule): void {
    const byVatRate: QuoteCredit['byVatRate'] = [];
    let amount = ZERO;
    let exclTax = ZERO;
    for (const [rate, part] of parts) {
      const net = this.#netByVatRate.get(rate);
      const vatRate = this.#vatRates.get(rate);
      if (net === undefined || vatRate === undefined || part.isNegative() || part.gt(net)) {
        throw new AppError(
          'rule-set',
          `rule ${because.rule} credits ${formatMoney(part)} at VAT rate ${rate}, where the monthly bill has ${formatMoney(net ?? ZERO)}`,
        );
      }
      if (part.isZero()) continue;
      const tax = taxInside(part, vatRate);
      this.#netByVatRate.set(rate, net.minus(part));
      amount = amount.plus(part);
      exclTax = exclTax.plus(tax.exclTax);
      byVatRate.push({
        vatRate: rate,
        amount: formatMoney(part),
        tax: formatMoney(tax.tax),
        exclTax: formatMoney(tax.exclTax),
      });
    }
    this.credits.push({
      amount,
      exclTax,
      because,
      quoted: {
        rule: because.rule,
        component: because.component,
        amount: formatMoney(amount),
        byVatRate,
      },
    });
  }
}

interface Granted {
  amount: Decimal;
  monthlyCost: Decimal;
  because: AppliedRule[];
}

const NOTHING_GRANTED: Granted = { amount: ZERO, monthlyCost: ZERO, because: [] };

class Benefits implements BenefitContext {
  readonly #granted = new Map<Benefit, Granted>();

  constructor(
    readonly evaluation: Evaluation,
    readonly monthlyNet: Decimal,
  ) {}

  grant(
    benefit: Benefit,
    value: { amount: Decimal; monthlyCost: Decimal },
    because: readonly AppliedRule[],
  ): void {
    const earlier = this.#granted.get(benefit);
    if (earlier) {
      const rules = [...earlier.because, ...because].map((rule) => rule.rule);
      throw new AppError(
        'rule-conflict',
        `rules ${earlier.because.map((rule) => rule.rule).join(', ')} and ${because.map((rule) => rule.rule).join(', ')} both grant ${benefit}`,
        { rules },
      );
    }
    this.#granted.set(benefit, { ...value, because: [...because] });
  }

  /** What was granted; a benefit no rule grants is worth nothing and costs nothing. */
  granted(benefit: Benefit): Granted {
    return this.#granted.get(benefit) ?? NOTHING_GRANTED;
  }
}

class Approval implements ApproveContext {
  decided: { level: ApprovalLevel; because: AppliedRule } | undefined;

  constructor(readonly evaluation: Evaluation) {}

  requireApproval(level: ApprovalLevel, because: AppliedRule): void {
    this.decided = { level, because };
  }
}
