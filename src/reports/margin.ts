/**
 * The margin report's vocabulary and its pure arithmetic (issue 15): what a report groups by, the
 * rows and total it answers with, margin % of a group (§7, as for one quote), and what an account
 * manager may see of it. Plain data in, plain data out; sums come exact from the store.
 */
import { z } from 'zod';
import { marginPercent, parseDecimal, formatMoney, MoneyTotal } from '../money/money';
import { FIGURE_GROUPINGS, type FigureSums, type QuoteFigures } from '../store/types';
import { APPROVAL_LEVELS, QUOTE_STATES, exactDecimal } from '../domain';

/** What a margin report may be grouped by: one row per quote, per stored key, or per component. */
export const MARGIN_GROUPINGS = ['quote', ...FIGURE_GROUPINGS, 'component'] as const;
export type MarginGrouping = (typeof MARGIN_GROUPINGS)[number];

/** The figures of a row, in the order every format lists them. */
export const FIGURES = [
  'quotes',
  'contractValue',
  'revenueExclTax',
  'totalCost',
  'margin',
  'marginPct',
] as const;
export type Figure = (typeof FIGURES)[number];

/** §5, §9: costs and margin are internal; a role that does not see internal figures gets none of these. */
export const INTERNAL_FIGURES: readonly Figure[] = ['totalCost', 'margin', 'marginPct'];

/** The figures of a group or of the whole report: decimal strings, exact; margin % half-up to 0.01. */
export interface MarginFigures {
  quotes: number;
  contractValue: string;
  revenueExclTax: string;
  totalCost?: string;
  margin?: string;
  marginPct?: string;
}

/** What a component row is: a price-list item, a credit off the bill, or a cost line of its own. */
export const COMPONENT_KINDS = ['recurring', 'one-time', 'credit', 'cost', 'unattributed'] as const;
export type ComponentKind = (typeof COMPONENT_KINDS)[number];

/** One row of a grouped report. */
export interface MarginGroupRow extends MarginFigures {
  key: string;
  /** The key in words: the enterprise's or account manager's name, a tier's or item's name in the report's language. */
  label: string;
  /** Component reports: what the component is. */
  kind?: ComponentKind;
  /** Pareto: the row's margin as a percentage of the margin of all profitable enterprises. */
  share?: string;
  /** Pareto: the same, of this row and every row above it. */
  cumulativeShare?: string;
}

/** One row of a report grouped by quote. */
export interface MarginQuoteRow extends MarginFigures {
  number: string;
  createdAt: string;
  state: QuoteFigures['state'];
  enterpriseId: string;
  enterpriseName: string;
  accountManagerId: string;
  accountManagerName: string;
  tier: string;
  industry: string;
  approvalLevel: QuoteFigures['approvalLevel'];
  ruleSetHash: string;
}

/** A group's (or the whole report's) figures: its exact sums and its margin % (§7). */
export function figuresOf(sums: FigureSums): Required<MarginFigures> {
  return {
    quotes: sums.quotes,
    contractValue: sums.contractValue,
    revenueExclTax: sums.revenueExclTax,
    totalCost: sums.totalCost,
    margin: sums.margin,
    marginPct: formatMoney(
      marginPercent(parseDecimal(sums.margin), parseDecimal(sums.revenueExclTax)),
    ),
  };
}

/** A row as a role sees it: without costs, margin and margin % unless it sees internal figures. */
export function visibleFigures<Row extends MarginFigures>(
  row: Row,
  seesInternalFigures: boolean,
): Row {
  if (seesInternalFigures) return row;
  const { totalCost: _cost, margin: _margin, marginPct: _pct, ...visible } = row;
  return visible as Row;
}

/** A quote's row, named: the figures as stored, the account manager by name. */
export function quoteRowOf(figures: QuoteFigures, accountManagerName: string): MarginQuoteRow {
  return {
    number: figures.number,
    createdAt: figures.createdAt,
    state: figures.state,
    enterpriseId: figures.enterpriseId,
    enterpriseName: figures.enterpriseName,
    accountManagerId: figures.accountManagerId,
    accountManagerName,
    tier: figures.tier,
    industry: figures.industry,
    approvalLevel: figures.approvalLevel,
    ruleSetHash: figures.ruleSetHash,
    quotes: 1,
    contractValue: figures.contractValue,
    revenueExclTax: figures.revenueExclTax,
    totalCost: figures.totalCost,
    margin: figures.margin,
    marginPct: figures.marginPct,
  };
}

/**
 * Grouped rows in report order: by margin, largest first (then by key), so the groups that earn
 * most lead and the loss-makers close; months, in calendar order.
 */
export function sortRows<Row extends MarginGroupRow>(rows: Row[], groupBy: MarginGrouping): Row[] {
  if (groupBy === 'month') return rows.sort((a, b) => compareText(a.key, b.key));
  const marginOf = (row: Row) => parseDecimal(row.margin ?? row.contractValue);
  return rows
    .map((row) => ({ row, margin: marginOf(row) }))
    .sort((a, b) => b.margin.comparedTo(a.margin) || compareText(a.row.key, b.row.key))
    .map(({ row }) => row);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The exact sums of rows, to check a report against itself (its total is the sum of its rows). */
export function sumOfRows(rows: readonly MarginFigures[]): FigureSums {
  const totals = {
    contractValue: new MoneyTotal(),
    revenueExclTax: new MoneyTotal(),
    totalCost: new MoneyTotal(),
    margin: new MoneyTotal(),
  };
  let quotes = 0;
  for (const row of rows) {
    quotes += row.quotes;
    totals.contractValue.add(row.contractValue);
    totals.revenueExclTax.add(row.revenueExclTax);
    totals.totalCost.add(row.totalCost ?? '0');
    totals.margin.add(row.margin ?? '0');
  }
  return {
    quotes,
    contractValue: totals.contractValue.toString(),
    revenueExclTax: totals.revenueExclTax.toString(),
    totalCost: totals.totalCost.toString(),
    margin: totals.margin.toString(),
  };
}

const figureSchemas = {
  quotes: z.int().describe('how many quotes (component reports: how many carry the component)'),
  contractValue: exactDecimal.describe('contract value incl. VAT over the term (§7)'),
  revenueExclTax: exactDecimal.describe('revenue excl. VAT over the term (§7)'),
  totalCost: exactDecimal.optional().describe('total cost over the term; internal (§5)'),
  margin: exactDecimal.optional().describe('revenue excl. VAT − total cost; internal'),
  marginPct: exactDecimal
    .optional()
    .describe('margin / revenue × 100, half-up to 0.01 (§7); -100.00 for a cost without revenue'),
};

/** The JSON answer of GET /api/reports/margin, for the OpenAPI document and the tests. */
export const marginReportSchema = z.strictObject({
  groupBy: z.enum(MARGIN_GROUPINGS),
  currency: z.literal('CNY'),
  lang: z.string(),
  generatedAt: z.string(),
  filters: z.record(z.string(), z.unknown()).describe('the filters the report was made with'),
  figures: z
    .array(z.enum(FIGURES))
    .describe('the figures this caller sees: an account manager sees no costs or margin'),
  rows: z.array(
    z.union([
      z.strictObject({
        key: z.string(),
        label: z.string(),
        kind: z.enum(COMPONENT_KINDS).optional(),
        share: exactDecimal.optional(),
        cumulativeShare: exactDecimal.optional(),
        ...figureSchemas,
      }),
      z.strictObject({
        number: z.string(),
        createdAt: z.string(),
        state: z.enum(QUOTE_STATES),
        enterpriseId: z.string(),
        enterpriseName: z.string(),
        accountManagerId: z.string(),
        accountManagerName: z.string(),
        tier: z.string(),
        industry: z.string(),
        approvalLevel: z.enum(APPROVAL_LEVELS),
        ruleSetHash: z.string(),
        ...figureSchemas,
      }),
    ]),
  ),
  total: z.strictObject(figureSchemas),
  pareto: z
    .strictObject({
      basis: exactDecimal.describe('the margin of every profitable enterprise together'),
      threshold: exactDecimal,
      vitalFew: z.int().describe('how many enterprises, largest margin first, bring 80 % of it'),
      enterprises: z.int(),
      vitalFewShare: exactDecimal.describe('those enterprises as a percentage of all of them'),
      lossMakers: z
        .array(z.string())
        .describe('the keys of the enterprises with a negative margin'),
    })
    .optional(),
});
export type MarginReport = z.infer<typeof marginReportSchema>;
