/**
 * The 80/20 view of enterprises (issue 15): which few customers bring most of the margin, and
 * which lose money. Pure: grouped rows in, the curve out.
 */
import {
  MoneyTotal,
  ZERO,
  formatMoney,
  parseDecimal,
  sharePercent,
  type Decimal,
} from '../money/money';
import type { MarginGroupRow } from './margin';

/** The share of margin the vital few bring (the 80/20 rule). */
export const PARETO_THRESHOLD = '80.00';

export interface Pareto {
  /** Enterprises by margin, largest first, each with its share and the cumulative share. */
  rows: MarginGroupRow[];
  /** The margin of all profitable enterprises together: the 100 % of every share. */
  basis: string;
  threshold: string;
  /** How many enterprises, largest margin first, make `threshold` % of `basis`; 0 when none is profitable. */
  vitalFew: number;
  enterprises: number;
  /** `vitalFew` as a percentage of all enterprises. */
  vitalFewShare: string;
  /** The enterprises with a negative margin, the largest loss first. */
  lossMakers: MarginGroupRow[];
}

/**
 * Sorts enterprises by margin and gives each its share of the profitable enterprises' margin and
 * the cumulative share down to it. The curve reaches 100 % at the last profitable enterprise and
 * falls after it by what the loss-makers give back, so it ends at the whole margin's share.
 * Shares are half-up to 0.01 from exact sums, so a cumulative share is never a sum of rounded ones.
 */
export function pareto(enterprises: readonly MarginGroupRow[]): Pareto {
  const margins = new Map<MarginGroupRow, Decimal>(
    enterprises.map((row) => [row, parseDecimal(requireMargin(row))]),
  );
  const sorted = [...enterprises].sort(
    (a, b) =>
      margins.get(b)!.comparedTo(margins.get(a)!) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  const basis = new MoneyTotal();
  for (const margin of margins.values()) if (margin.gt(ZERO)) basis.add(margin);
  const basisValue = basis.toDecimal();
  const threshold = parseDecimal(PARETO_THRESHOLD);
  const running = new MoneyTotal();
  let vitalFew = 0;
  const rows = sorted.map((row, index) => {
    const margin = margins.get(row)!;
    running.add(margin);
    const cumulative = sharePercent(running.toDecimal(), basisValue);
    if (vitalFew === 0 && basisValue.gt(ZERO) && cumulative.gte(threshold)) vitalFew = index + 1;
    return {
      ...row,
      share: formatMoney(sharePercent(margin, basisValue)),
      cumulativeShare: formatMoney(cumulative),
    };
  });
  return {
    rows,
    basis: basis.toString(),
    threshold: PARETO_THRESHOLD,
    vitalFew,
    enterprises: rows.length,
    vitalFewShare: formatMoney(sharePercent(parseDecimal(vitalFew), parseDecimal(rows.length))),
    lossMakers: rows.filter((_row, index) => margins.get(sorted[index]!)!.lt(ZERO)).reverse(),
  };
}

function requireMargin(row: MarginGroupRow): string {
  if (row.margin === undefined) throw new TypeError(`enterprise ${row.key} has no margin`);
  return row.margin;
}
