/**
 * The deal sheet's price waterfall (issue 14 §5): from list price over the term, through the
 * tariff's discounts and the negotiated ones, to the net the customer pays, its VAT, the revenue,
 * the costs and the margin. Exact: every step is a decimal string and the steps add up to the fen
 * — list − tariff − negotiated = net, net − VAT = revenue, revenue − costs = margin — because the
 * ends are the quote's own figures and each step in between is the difference of two of them.
 *
 * What negotiation took off each item is the difference between the quote and the same request
 * priced by the core without its adjustments (the tariff alone): no second copy of the arithmetic.
 */
import { formatMoney, parseDecimal, sum } from '../money/money';
import type { RuleSet } from '../rules/compile';
import type { QuoteRequest } from '../rules/request';
import { priceRequest } from './price';
import type { PricedQuote } from './quote';

/** Per item code: the part of its discount that negotiation added (a decimal string, per month for a monthly item). */
export type NegotiatedDiscounts = Readonly<Record<string, string>>;

/** One item's discount, split: what the tariff gives and what negotiation added on top. */
export interface DiscountSplit {
  tariff: string;
  negotiated: string;
}

export interface PriceWaterfall {
  /** List price over the term: monthly list × term + one-time list. */
  list: string;
  /** The tariff's discounts over the term, credits off the bill included. */
  tariffDiscounts: string;
  /** What negotiation added over the term. */
  negotiatedDiscounts: string;
  /** The contract value, VAT included. */
  net: string;
  vat: string;
  revenueExclTax: string;
  costs: string;
  margin: string;
}

/**
 * What negotiation took off each item of `quote`: its discount less the discount of the same
 * request priced without adjustments, on the same date, by the same rule set. Empty when the
 * request negotiated nothing.
 */
export async function negotiatedDiscounts(
  ruleSet: RuleSet,
  request: QuoteRequest,
  quote: PricedQuote,
): Promise<NegotiatedDiscounts> {
  if ((request.adjustments ?? []).length === 0) return {};
  const { adjustments: _negotiated, ...tariffOnly } = request;
  const alone = await priceRequest(
    ruleSet,
    tariffOnly as QuoteRequest,
    quote.quoteDate ? { quoteDate: quote.quoteDate } : {},
  );
  if (!alone.eligible) {
    // Adjustments decide no eligibility (§2 reads the request's facts only); should a tariff
    // ever make them, the deal sheet shows every discount as the tariff's rather than guess.
    return {};
  }
  const tariffDiscount = new Map(alone.items.map((item) => [item.code, item.discount]));
  return Object.fromEntries(
    quote.items.map((item) => [
      item.code,
      formatMoney(parseDecimal(item.discount).minus(tariffDiscount.get(item.code) ?? '0')),
    ]),
  );
}

/** An item's discount as the tariff's part and the negotiated part; they add up to it. */
export function discountSplit(
  item: PricedQuote['items'][number],
  negotiated: NegotiatedDiscounts,
): DiscountSplit {
  const part = parseDecimal(negotiated[item.code] ?? '0');
  return {
    tariff: formatMoney(parseDecimal(item.discount).minus(part)),
    negotiated: formatMoney(part),
  };
}

/** The waterfall of a priced quote over its term. */
export function priceWaterfall(
  quote: PricedQuote,
  negotiated: NegotiatedDiscounts,
): PriceWaterfall {
  const term = parseDecimal(quote.termMonths);
  const overTerm = (item: PricedQuote['items'][number], amount: string) =>
    item.kind === 'recurring' ? parseDecimal(amount).mul(term) : parseDecimal(amount);
  const list = parseDecimal(quote.totals.monthlyList)
    .mul(term)
    .plus(parseDecimal(quote.totals.oneTimeList));
  const negotiatedTotal = sum(
    quote.items.map((item) => overTerm(item, discountSplit(item, negotiated).negotiated)),
  );
  const net = parseDecimal(quote.totals.contractValue);
  const revenue = parseDecimal(quote.internal.revenueExclTax);
  return {
    list: formatMoney(list),
    tariffDiscounts: formatMoney(list.minus(negotiatedTotal).minus(net)),
    negotiatedDiscounts: formatMoney(negotiatedTotal),
    net: formatMoney(net),
    vat: formatMoney(net.minus(revenue)),
    revenueExclTax: formatMoney(revenue),
    costs: quote.internal.totalCost,
    margin: quote.internal.margin,
  };
}
