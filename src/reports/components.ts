/**
 * Which component earns or loses (issue 15): a quote's revenue, cost and contract value split per
 * price-list item and per cost line, so that they add back to the quote's own figures to the fen.
 * Pure: a priced quote and its rule set's unit costs in, the split out.
 *
 * - A price-list item earns its excl.-VAT revenue (§7: each month of the term, or once) and costs
 *   round(quantity × unit cost) (§5: network cost for a recurring item, the handset for a one-time
 *   one), as the quote was priced.
 * - A credit off the bill (monthly-credit) takes its excl.-VAT parts off revenue every month.
 * - The overdraft risk (C5) and the points liability (C6) are costs of their own.
 * - Whatever a quote's own figures hold beyond these (none, for a quote priced by this core) is
 *   `unattributed`, so that the split always adds back exactly.
 */
import {
  MoneyTotal,
  ZERO,
  formatMoney,
  marginPercent,
  parseDecimal,
  roundHalfUp,
  sum,
  type Decimal,
} from '../money/money';
import type { QuoteComponentsSource } from '../store/types';
import type { LocalizedText } from '../domain';
import type { ComponentKind, MarginGroupRow } from './margin';

/** The cost lines that are not price-list items, by the key their rows carry. */
export const COST_LINES = {
  'overdraft-risk': 'overdraftMonthlyCost',
  'points-liability': 'pointsMonthlyCost',
} as const;

/** The key of the row that holds what a quote's figures hold beyond its components. */
export const UNATTRIBUTED = 'unattributed';

/** One component of one quote. */
export interface ComponentShare {
  key: string;
  kind: ComponentKind;
  /** A price-list item's names, as the quote carries them. */
  names?: LocalizedText;
  contractValue: Decimal;
  revenueExclTax: Decimal;
  totalCost: Decimal;
}

/** A rule set's unit cost of each price-list item (§5), by item code. */
export type UnitCosts = ReadonlyMap<string, Decimal>;

/** Splits one quote; the shares add back to its contract value, revenue and total cost exactly. */
export function splitQuote(source: QuoteComponentsSource, unitCosts: UnitCosts): ComponentShare[] {
  const term = parseDecimal(source.termMonths);
  const shares: ComponentShare[] = [];
  for (const item of source.items) {
    const months = item.kind === 'recurring' ? term : parseDecimal(1);
    const cost = roundHalfUp(parseDecimal(item.quantity).mul(unitCosts.get(item.code) ?? ZERO));
    shares.push({
      key: item.code,
      kind: item.kind,
      names: item.names,
      contractValue: parseDecimal(item.net).mul(months),
      revenueExclTax: parseDecimal(item.exclTax).mul(months),
      totalCost: cost.mul(months),
    });
  }
  for (const credit of source.credits) {
    const exclTax = sum(credit.byVatRate.map((part) => parseDecimal(part.exclTax)));
    shares.push({
      key: credit.component,
      kind: 'credit',
      contractValue: parseDecimal(credit.amount).mul(term).negated(),
      revenueExclTax: exclTax.mul(term).negated(),
      totalCost: ZERO,
    });
  }
  for (const [key, figure] of Object.entries(COST_LINES)) {
    const monthly = parseDecimal(source.internal[figure]);
    if (monthly.isZero()) continue;
    shares.push({
      key,
      kind: 'cost',
      contractValue: ZERO,
      revenueExclTax: ZERO,
      totalCost: monthly.mul(term),
    });
  }
  const rest = {
    contractValue: parseDecimal(source.contractValue).minus(
      sum(shares.map((share) => share.contractValue)),
    ),
    revenueExclTax: parseDecimal(source.internal.revenueExclTax).minus(
      sum(shares.map((share) => share.revenueExclTax)),
    ),
    totalCost: parseDecimal(source.internal.totalCost).minus(
      sum(shares.map((share) => share.totalCost)),
    ),
  };
  if (!rest.contractValue.isZero() || !rest.revenueExclTax.isZero() || !rest.totalCost.isZero()) {
    shares.push({ key: UNATTRIBUTED, kind: 'unattributed', ...rest });
  }
  return shares;
}

interface ComponentTotal {
  key: string;
  kind: ComponentKind;
  names?: LocalizedText;
  quotes: number;
  contractValue: MoneyTotal;
  revenueExclTax: MoneyTotal;
  totalCost: MoneyTotal;
}

/** The exact sums of components over many quotes; a component counts the quotes that carry it. */
export class ComponentTotals {
  readonly #totals = new Map<string, ComponentTotal>();

  add(shares: readonly ComponentShare[]): void {
    const seen = new Set<string>();
    for (const share of shares) {
      const id = `${share.kind}\u0000${share.key}`;
      let total = this.#totals.get(id);
      if (!total) {
        total = {
          key: share.key,
          kind: share.kind,
          ...(share.names ? { names: share.names } : {}),
          quotes: 0,
          contractValue: new MoneyTotal(),
          revenueExclTax: new MoneyTotal(),
          totalCost: new MoneyTotal(),
        };
        this.#totals.set(id, total);
      }
      if (!seen.has(id)) total.quotes += 1;
      seen.add(id);
      total.contractValue.add(share.contractValue);
      total.revenueExclTax.add(share.revenueExclTax);
      total.totalCost.add(share.totalCost);
    }
  }

  /** One row per component, labelled by `label` (an item's names, a cost line's key). */
  rows(
    label: (component: { key: string; kind: ComponentKind; names?: LocalizedText }) => string,
  ): MarginGroupRow[] {
    return [...this.#totals.values()].map((total) => {
      const revenue = total.revenueExclTax.toDecimal();
      const cost = total.totalCost.toDecimal();
      const margin = revenue.minus(cost);
      return {
        key: total.key,
        label: label(total),
        kind: total.kind,
        quotes: total.quotes,
        contractValue: total.contractValue.toString(),
        revenueExclTax: total.revenueExclTax.toString(),
        totalCost: total.totalCost.toString(),
        margin: new MoneyTotal().add(margin).toString(),
        marginPct: formatMoney(marginPercent(margin, revenue)),
      };
    });
  }
}
