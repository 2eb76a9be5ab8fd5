/**
 * What the templates see. The customer's view is built from the customer-facing parts of the quote
 * only, so the proposal template cannot print a cost, a margin or an approval level even by
 * mistake (tariff book §9); the deal sheet's view adds them. Amounts stay decimal strings here: the
 * templates' helpers format them.
 */
import { formatMoney, parseDecimal, roundHalfUp, sum } from '../money/money';
import type { PricedQuote, QuoteCredit, QuoteItem } from '../pricing/quote';
import type { AppliedRule } from '../rules/explanation';
import { BUSINESS_TIME_ZONE, calendarDate, daysBetween } from '../calendar';
import { svgImage } from '../charts/svg';
import {
  discountSplit,
  priceWaterfall,
  type NegotiatedDiscounts,
  type PriceWaterfall,
} from '../pricing/waterfall';
import { formatYuan } from './format';
import type { ProposalDocument, ProposalInput } from './input';
import { waterfallChart } from './waterfall-chart';
import { factWords, itemNamesOf, type FactWords } from './fact-words';
import type { Locale } from './locale';

export interface ItemRow {
  code: string;
  name: string;
  unit: string;
  unitPrice: string;
  quantity: string;
  vatRate: string;
  list: string;
  discount: string;
  net: string;
  tax: string;
  exclTax: string;
}

/** One VAT class's part of a credit off the monthly bill, as a row under the recurring items. */
export interface CreditRow {
  name: string;
  vatRate: string;
  amount: string;
  tax: string;
  exclTax: string;
}

export interface ItemGroup {
  rows: ItemRow[];
  credits: CreditRow[];
  list: string;
  discount: string;
  net: string;
  tax: string;
  exclTax: string;
}

/** Everything the customer may read: no cost, margin, approval or rule detail. */
export interface CustomerView {
  document: ProposalDocument;
  /** The locale key of the document's title, for the masthead and the running header. */
  titleKey: string;
  subtitleKey: string;
  /** True on the internal deal sheet: the header and footer say so on every page. */
  confidential: boolean;
  lang: string;
  draft: boolean;
  number: string;
  /** The quote this one revises and (deal sheet) the one that replaced it, by number. */
  links: { supersedes: string | null; supersededBy: string | null };
  issuedAt: string;
  validUntil: string;
  validityDays: string;
  enterprise: { id: string; name: string; industry: string; purchasing: string };
  accountManager: { name: string; phone: string | null; email: string | null };
  /** The operator's legal entity in the document's language, when the tariff declares it. */
  operatorName: string | null;
  tierName: string;
  termMonths: string;
  lines: string;
  /** The options the request takes, as the tariff names them: the ringback tone, PBX seats… */
  options: { label: string; value: string }[];
  handsetCount: string;
  recurring: ItemGroup;
  oneTime: ItemGroup | null;
  totals: PricedQuote['totals'] & { oneTimeDiscount: string };
  /**
   * What the customer saves: against what it pays today when the request says so (per month and
   * over the term, an increase shown as one), else against list prices, labelled as such.
   */
  comparison: Comparison;
  /** The monthly net per line, to the fen. */
  perLineMonthly: string;
  /** What the month's loyalty points are worth in CNY, when the tariff values them. */
  monthlyPointsValue: string | null;
  benefits: PricedQuote['benefits'];
}

export interface Comparison {
  /** True when the request gave what the customer pays today; else the saving is against list. */
  againstCurrentBill: boolean;
  currentMonthly: string | null;
  /** The size of the monthly and term difference; `increase` says which way it goes. */
  monthlyDifference: string | null;
  termDifference: string | null;
  increase: boolean;
  /** Against list prices over the term (the quote's customerSavings). */
  listSavings: string;
}

export interface RuleView {
  rule: string;
  description: string | null;
  component: string;
  params: { name: string; value: string }[];
  conditions: { fact: string; operator: string; value: string; saw: string; passed: boolean }[];
}

export interface ExplanationGroup {
  title: string;
  code: string | null;
  rules: RuleView[];
}

export interface DecisionView {
  state: string;
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
}

/** A deal sheet's item row: the discount as the tariff's part and the negotiated part. */
export interface DealItemRow extends ItemRow {
  tariffDiscount: string;
  negotiatedDiscount: string;
}

export interface DealItemGroup extends Omit<ItemGroup, 'rows'> {
  rows: DealItemRow[];
  tariffDiscount: string;
  negotiatedDiscount: string;
}

/** One line of the price waterfall's table: a total, or a step taken off the total before it. */
export interface WaterfallRow {
  name: string;
  kind: 'total' | 'step';
  /** kind is 'step': printed as an amount taken off. */
  step: boolean;
  amount: string;
}

export interface DealSheetView extends Omit<CustomerView, 'recurring' | 'oneTime'> {
  recurring: DealItemGroup;
  oneTime: DealItemGroup | null;
  /** List → tariff discounts → negotiated → net → VAT → revenue → costs → margin, over the term. */
  waterfall: { rows: WaterfallRow[]; chart: string };
  /** The quote's state and its approval or rejection, when the deal sheet is of a stored quote. */
  decision: DecisionView | null;
  creditRating: string;
  ruleSetHash: string;
  tariff: { name: string; version: string } | null;
  economics: Omit<PricedQuote['internal'], 'approvalRules' | 'approval'>;
  approval: { level: string; levelName: string; approvers: string };
  explanations: ExplanationGroup[];
}

export function customerView(
  input: ProposalInput,
  locale: Locale,
  document: ProposalDocument = 'proposal',
): CustomerView {
  const { quote, request } = input;
  const lang = locale.lang;
  const recurring = quote.items.filter((item) => item.kind === 'recurring');
  const oneTime = quote.items.filter((item) => item.kind === 'one-time');
  const handsetCount = request.handsets.reduce((total, handset) => total + handset.quantity, 0);
  const words = proposalFactWords(input, locale);
  return {
    document,
    titleKey: document === 'deal-sheet' ? 'dealSheet.title' : 'proposal.title',
    subtitleKey: document === 'deal-sheet' ? 'dealSheet.subtitle' : 'proposal.subtitle',
    confidential: document === 'deal-sheet',
    lang,
    draft: input.draft === true,
    number: input.number,
    links: {
      supersedes: input.supersedes ?? null,
      // The customer's copy of a superseded quote is never printed; the deal sheet names its successor.
      supersededBy: document === 'deal-sheet' ? (input.supersededBy ?? null) : null,
    },
    issuedAt: input.issuedAt,
    validUntil: input.validUntil,
    validityDays: String(daysBetween(input.issuedAt, input.validUntil)),
    enterprise: {
      id: request.enterprise.id,
      name: request.enterprise.name,
      industry: enterpriseFact(input, words, 'industry'),
      purchasing: enterpriseFact(input, words, 'purchasing'),
    },
    operatorName: input.operator?.[lang] ?? null,
    accountManager: {
      name: input.accountManager.name,
      phone: input.accountManager.phone ?? null,
      email: input.accountManager.email ?? null,
    },
    tierName: words.value('tier', quote.tier),
    termMonths: String(quote.termMonths),
    lines: String(quote.lines),
    options: (input.declarations?.options ?? []).map((option) => {
      const value = request[option.name];
      return {
        label: option.names[lang],
        value:
          option.type === 'boolean'
            ? locale.text(value === true ? 'common.yes' : 'common.no')
            : String(typeof value === 'number' ? value : 0),
      };
    }),
    handsetCount: String(handsetCount),
    recurring: itemGroup(recurring, lang, creditRows(quote.credits ?? [], locale)),
    oneTime: oneTime.length > 0 ? itemGroup(oneTime, lang, []) : null,
    totals: {
      monthlyList: quote.totals.monthlyList,
      monthlyDiscount: quote.totals.monthlyDiscount,
      monthlyNet: quote.totals.monthlyNet,
      oneTimeList: quote.totals.oneTimeList,
      oneTimeNet: quote.totals.oneTimeNet,
      contractValue: quote.totals.contractValue,
      customerSavings: quote.totals.customerSavings,
      // The handset subsidy that early termination repays pro rata (§9).
      oneTimeDiscount: formatMoney(
        parseDecimal(quote.totals.oneTimeList).minus(parseDecimal(quote.totals.oneTimeNet)),
      ),
    },
    benefits: {
      overdraftLimit: quote.benefits.overdraftLimit,
      monthlyPoints: quote.benefits.monthlyPoints,
    },
    comparison: comparisonOf(input),
    perLineMonthly: formatMoney(
      roundHalfUp(parseDecimal(quote.totals.monthlyNet).div(parseDecimal(quote.lines))),
    ),
    monthlyPointsValue: pointsValue(quote),
  };
}

/** §9: savings against today's bill when the request gives it; against list prices otherwise. */
function comparisonOf(input: ProposalInput): Comparison {
  const { quote, request } = input;
  const listSavings = quote.totals.customerSavings;
  if (request.currentMonthlyBill === undefined) {
    return {
      againstCurrentBill: false,
      currentMonthly: null,
      monthlyDifference: null,
      termDifference: null,
      increase: false,
      listSavings,
    };
  }
  const monthly = parseDecimal(request.currentMonthlyBill).minus(quote.totals.monthlyNet);
  return {
    againstCurrentBill: true,
    currentMonthly: formatMoney(parseDecimal(request.currentMonthlyBill)),
    monthlyDifference: formatMoney(monthly.abs()),
    termDifference: formatMoney(monthly.mul(quote.termMonths).abs()),
    increase: monthly.isNegative(),
    listSavings,
  };
}

/** The month's points × the value the tariff's points terms give a point (§6 C6). */
function pointsValue(quote: PricedQuote): string | null {
  const terms = quote.explanations.benefits.monthlyPoints.find(
    (rule) => rule.component === 'points-terms',
  );
  const pointValue = terms?.params.pointValue;
  if (typeof pointValue !== 'string') return null;
  return formatMoney(
    roundHalfUp(parseDecimal(quote.benefits.monthlyPoints).mul(parseDecimal(pointValue))),
  );
}

export function dealSheetView(input: ProposalInput, locale: Locale): DealSheetView {
  const { quote } = input;
  const { approvalRules, approval, ...economics } = quote.internal;
  const words = proposalFactWords(input, locale);
  const ruleViews = (rules: readonly AppliedRule[]) =>
    rules.map((rule) => ruleView(rule, locale, words));
  const itemGroups: ExplanationGroup[] = quote.items.map((item) => ({
    title: item.names[locale.lang],
    code: item.code,
    rules: ruleViews(quote.explanations.items[item.code] ?? []),
  }));
  const customer = customerView(input, locale, 'deal-sheet');
  const negotiated = input.negotiatedDiscounts ?? {};
  return {
    ...customer,
    recurring: dealItemGroup(customer.recurring, quote, negotiated),
    oneTime: customer.oneTime ? dealItemGroup(customer.oneTime, quote, negotiated) : null,
    waterfall: waterfallView(priceWaterfall(quote, negotiated), locale),
    creditRating: String(input.request.enterprise.creditRating ?? ''),
    decision: input.decision
      ? {
          state: locale.optionalText(`quoteStates.${input.decision.state}`) ?? input.decision.state,
          decidedBy: input.decision.decidedBy ?? null,
          decidedAt: input.decision.decidedAt ? formatDateTime(input.decision.decidedAt) : null,
          comment: input.decision.comment ?? null,
        }
      : null,
    ruleSetHash: quote.ruleSetHash,
    tariff: input.tariff ?? null,
    economics,
    approval: {
      level: approval,
      levelName: locale.optionalText(`approval.levels.${approval}`) ?? approval,
      approvers: locale.optionalText(`approval.approversByLevel.${approval}`) ?? approval,
    },
    explanations: [
      {
        title: locale.text('explanations.tier'),
        code: null,
        rules: ruleViews(quote.explanations.tier),
      },
      ...itemGroups,
      ...((quote.explanations.credits ?? []).length > 0
        ? [
            {
              title: locale.text('explanations.credits'),
              code: null,
              rules: ruleViews(quote.explanations.credits ?? []),
            },
          ]
        : []),
      {
        title: locale.text('explanations.overdraftLimit'),
        code: null,
        rules: ruleViews(quote.explanations.benefits.overdraftLimit),
      },
      {
        title: locale.text('explanations.monthlyPoints'),
        code: null,
        rules: ruleViews(quote.explanations.benefits.monthlyPoints),
      },
      {
        title: locale.text('explanations.approval'),
        code: null,
        rules: ruleViews(approvalRules),
      },
    ],
  };
}

/** A customer item group with each discount split into the tariff's and the negotiated part. */
function dealItemGroup(
  group: ItemGroup,
  quote: PricedQuote,
  negotiated: NegotiatedDiscounts,
): DealItemGroup {
  const items = new Map(quote.items.map((item) => [item.code, item]));
  const rows = group.rows.map((row) => {
    const split = discountSplit(items.get(row.code)!, negotiated);
    return { ...row, tariffDiscount: split.tariff, negotiatedDiscount: split.negotiated };
  });
  const negotiatedTotal = sum(rows.map((row) => parseDecimal(row.negotiatedDiscount)));
  return {
    ...group,
    rows,
    // Credits off the bill are the tariff's: they are in the group's discount, not in any row's.
    tariffDiscount: formatMoney(parseDecimal(group.discount).minus(negotiatedTotal)),
    negotiatedDiscount: formatMoney(negotiatedTotal),
  };
}

/** The waterfall as the table's rows and the chart beside them, in the locale's words. */
function waterfallView(steps: PriceWaterfall, locale: Locale): DealSheetView['waterfall'] {
  const line = (key: keyof PriceWaterfall, kind: WaterfallRow['kind']): WaterfallRow => ({
    name: locale.text(`waterfall.${key}`),
    kind,
    step: kind === 'step',
    amount: steps[key],
  });
  const rows = [
    line('list', 'total'),
    line('tariffDiscounts', 'step'),
    line('negotiatedDiscounts', 'step'),
    line('net', 'total'),
    line('vat', 'step'),
    line('revenueExclTax', 'total'),
    line('costs', 'step'),
    line('margin', 'total'),
  ];
  const chart = waterfallChart(
    rows.map((row) => ({
      ...row,
      label: row.kind === 'step' ? `−${formatYuan(row.amount)}` : formatYuan(row.amount),
    })),
    locale.text('waterfall.chartTitle'),
  );
  return { rows, chart: svgImage(chart) };
}

/** The words for a proposal's facts: the rule set's declarations it was given, its items' names. */
export function proposalFactWords(input: ProposalInput, locale: Locale): FactWords {
  return factWords(
    {
      ...(input.declarations ? { declarations: input.declarations } : {}),
      ...(input.tierNames ? { tierNames: input.tierNames } : {}),
      itemNames: itemNamesOf(input.quote.items),
    },
    locale,
  );
}

/** A declared enterprise fact of the request in words, '' when the request leaves it out. */
function enterpriseFact(input: ProposalInput, words: FactWords, fact: string): string {
  const value = input.request.enterprise[fact];
  return value === undefined ? '' : words.value(`enterprise.${fact}`, value);
}

function creditRows(credits: readonly QuoteCredit[], locale: Locale): CreditRow[] {
  return credits.flatMap((credit) =>
    credit.byVatRate.map((part) => ({
      name: locale.optionalText(`components.${credit.component}`) ?? credit.component,
      vatRate: part.vatRate,
      amount: part.amount,
      tax: part.tax,
      exclTax: part.exclTax,
    })),
  );
}

/** The group's rows and totals; credits off the bill count as discount, so the total is the bill's. */
function itemGroup(items: QuoteItem[], lang: Locale['lang'], credits: CreditRow[]): ItemGroup {
  const credited = (pick: (credit: CreditRow) => string) =>
    sum(credits.map((credit) => parseDecimal(pick(credit))));
  const itemTotal = (pick: (item: QuoteItem) => string) =>
    sum(items.map((item) => parseDecimal(pick(item))));
  const total = (pick: (item: QuoteItem) => string) => formatMoney(itemTotal(pick));
  const lessCredits = (
    pick: (item: QuoteItem) => string,
    pickCredit: (credit: CreditRow) => string,
  ) => formatMoney(itemTotal(pick).minus(credited(pickCredit)));
  return {
    credits,
    rows: items.map((item) => ({
      code: item.code,
      name: item.names[lang],
      unit: item.unitNames[lang],
      unitPrice: item.unitPrice,
      quantity: item.quantity,
      vatRate: item.vatRate,
      list: item.list,
      discount: item.discount,
      net: item.net,
      tax: item.tax,
      exclTax: item.exclTax,
    })),
    list: total((item) => item.list),
    discount: formatMoney(
      itemTotal((item) => item.discount).plus(credited((credit) => credit.amount)),
    ),
    net: lessCredits(
      (item) => item.net,
      (credit) => credit.amount,
    ),
    tax: lessCredits(
      (item) => item.tax,
      (credit) => credit.tax,
    ),
    exclTax: lessCredits(
      (item) => item.exclTax,
      (credit) => credit.exclTax,
    ),
  };
}

/**
 * A rule that fired, in the locale's words: its component, its params, and its conditions with
 * what they saw, facts and values named as the rule set names them (`words`).
 */
export function ruleView(rule: AppliedRule, locale: Locale, words: FactWords): RuleView {
  return {
    rule: rule.rule,
    description: rule.description ?? null,
    component: locale.optionalText(`components.${rule.component}`) ?? rule.component,
    params: Object.entries(rule.params).map(([name, value]) => ({
      name,
      value: words.value(name, value),
    })),
    conditions: rule.conditions.map((condition) => ({
      ...conditionWords(condition, locale, words),
      saw: words.value(condition.fact, condition.saw),
      passed: condition.passed,
    })),
  };
}

/** A condition in the locale's words: its fact's label, its operator (`≥`, `属于`) and its value. */
export function conditionWords(
  condition: { fact: string; operator: string; value: unknown },
  locale: Locale,
  words: FactWords,
): { fact: string; operator: string; value: string } {
  return {
    fact: words.label(condition.fact),
    operator: locale.optionalText(`operators.${condition.operator}`) ?? condition.operator,
    value: words.value(condition.fact, condition.value),
  };
}

/** An instant as the date and time in China, to the minute: `2026-11-27 17:05`. */
function formatDateTime(instant: string): string {
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone: BUSINESS_TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(instant));
  return `${calendarDate(instant)} ${time}`;
}
