/**
 * Impact analysis, the pure part (issue 13): one enterprise's request priced under two rule sets
 * becomes a row of before → after figures, and the rows become a summary. No I/O: the rows come
 * from chunk.ts wherever it ran (a worker thread, a queue worker on another host).
 *
 * Every delta is after − before with a side that has no figure (refused, or not priceable under
 * that set) counted as nothing, so the summary's deltas are exactly the sums of the rows' deltas.
 */
import { z } from 'zod';
import { APPROVAL_LEVELS } from '../domain';
import {
  MoneyTotal,
  differenceMagnitude,
  formatMoney,
  marginPercent,
  parseDecimal,
  type Magnitude,
} from '../money/money';
import type { QuoteOutcome } from '../pricing/quote';

/** The figures an analyst compares, per side; absent on a side that has none. */
export const IMPACT_FIGURES = ['monthlyNet', 'contractValue', 'revenueExclTax', 'margin'] as const;
export type ImpactFigure = (typeof IMPACT_FIGURES)[number];

export const impactSideSchema = z.strictObject({
  eligible: z.boolean().describe('priced (true) or refused by the rule set (false)'),
  tier: z.string().optional(),
  approval: z.enum(APPROVAL_LEVELS).optional(),
  monthlyNet: z.string().optional(),
  contractValue: z.string().optional(),
  revenueExclTax: z.string().optional(),
  margin: z.string().optional(),
  marginPct: z.string().optional(),
  reasons: z.array(z.string()).optional().describe('why it was refused'),
  problem: z
    .string()
    .optional()
    .describe('why the request could not be priced under this set (eligible is false)'),
});
export type ImpactSide = z.infer<typeof impactSideSchema>;

export const impactRowSchema = z.strictObject({
  enterpriseId: z.string(),
  enterpriseName: z.string(),
  quoteNumber: z.string().optional().describe('the stored quote the request comes from'),
  before: impactSideSchema,
  after: impactSideSchema,
});
export type ImpactRow = z.infer<typeof impactRowSchema>;

/** Where a side stands: its approval level, refused, or not priceable. */
export const STANDINGS = [...APPROVAL_LEVELS, 'ineligible', 'error'] as const;
export type Standing = (typeof STANDINGS)[number];

export function standingOf(side: ImpactSide): Standing {
  if (side.problem !== undefined) return 'error';
  return side.eligible && side.approval ? side.approval : 'ineligible';
}

/** A priced or refused quote as one side of a row. */
export function sideOf(outcome: QuoteOutcome): ImpactSide {
  if (!outcome.eligible) return { eligible: false, reasons: outcome.reasons };
  return pricedSide({
    tier: outcome.tier,
    approval: outcome.internal.approval,
    monthlyNet: outcome.totals.monthlyNet,
    contractValue: outcome.totals.contractValue,
    revenueExclTax: outcome.internal.revenueExclTax,
    margin: outcome.internal.margin,
    marginPct: outcome.internal.marginPct,
  });
}

/** The figures a priced quote's side shows. */
export type PricedFigures = Required<Omit<ImpactSide, 'eligible' | 'reasons' | 'problem'>>;

/** A priced quote's side from its figures: what sideOf gives for that quote. */
export function pricedSide(figures: PricedFigures): ImpactSide {
  return {
    eligible: true,
    tier: figures.tier,
    approval: figures.approval,
    monthlyNet: figures.monthlyNet,
    contractValue: figures.contractValue,
    revenueExclTax: figures.revenueExclTax,
    margin: figures.margin,
    marginPct: figures.marginPct,
  };
}

/** A request that one rule set cannot price (it fails that set's validation, or a rule conflicts). */
export function unpriceable(problem: string): ImpactSide {
  return { eligible: false, problem };
}

export type Deltas = Record<ImpactFigure | 'marginPct', string>;

/** after − before for each figure (a missing figure is nothing); margin % in percent points. */
export function rowDeltas(row: ImpactRow): Deltas {
  const delta = (figure: ImpactFigure | 'marginPct') =>
    formatMoney(
      parseDecimal(row.after[figure] ?? '0').minus(parseDecimal(row.before[figure] ?? '0')),
    );
  return {
    monthlyNet: delta('monthlyNet'),
    contractValue: delta('contractValue'),
    revenueExclTax: delta('revenueExclTax'),
    margin: delta('margin'),
    marginPct: delta('marginPct'),
  };
}

/** Whether anything an analyst reads differs between the sides. */
export function changed(row: ImpactRow): boolean {
  const { before, after } = row;
  return (
    standingOf(before) !== standingOf(after) ||
    before.tier !== after.tier ||
    before.marginPct !== after.marginPct ||
    IMPACT_FIGURES.some((figure) => before[figure] !== after[figure])
  );
}

const portfolioFiguresSchema = z.strictObject({
  monthlyNet: z.string(),
  contractValue: z.string(),
  revenueExclTax: z.string(),
  margin: z.string(),
  marginPct: z.string().describe('margin / revenue excl. VAT × 100 of the whole portfolio'),
});
export type PortfolioFigures = z.infer<typeof portfolioFiguresSchema>;

export const MOVERS = 10;

export const impactSummarySchema = z.strictObject({
  enterprises: z.int(),
  changed: z.int().describe('enterprises with any figure, tier, approval or eligibility changed'),
  tierChanged: z.int(),
  approvalChanged: z.int(),
  eligibilityChanged: z.int().describe('priced on one side, refused or unpriceable on the other'),
  before: portfolioFiguresSchema,
  after: portfolioFiguresSchema,
  delta: portfolioFiguresSchema.describe('after − before; margin % in percent points'),
  approvalMigration: z
    .record(z.string(), z.record(z.string(), z.int()))
    .describe('enterprises by standing before (outer key) and after (inner key)'),
  biggestMovers: z
    .array(
      z.strictObject({
        enterpriseId: z.string(),
        enterpriseName: z.string(),
        contractValueDelta: z.string(),
        marginDelta: z.string(),
        approval: z.string().describe('standing before → after'),
      }),
    )
    .describe(`the ${MOVERS} largest changes of contract value (either way), then of margin`),
});
export type ImpactSummary = z.infer<typeof impactSummarySchema>;

/** A changed row as a candidate mover: how far its contract value and margin moved. */
interface Mover {
  row: ImpactRow;
  contractValue: Magnitude;
  margin: Magnitude;
}

/** Larger contract-value moves first, then larger margin moves, then by enterprise id. */
function moverOrder(a: Mover, b: Mover): number {
  return (
    b.contractValue.compare(a.contractValue) ||
    b.margin.compare(a.margin) ||
    a.row.enterpriseId.localeCompare(b.row.enterpriseId)
  );
}

/**
 * Keeps the first `MOVERS` of the changed rows in `moverOrder`, as a stable sort of them all would
 * list them: a row goes after those it ties with. A portfolio changes in tens of thousands of rows;
 * sorting them all, with decimal parses in the comparisons, took seconds.
 */
function keepMover(top: Mover[], candidate: Mover): void {
  if (top.length === MOVERS && moverOrder(candidate, top[MOVERS - 1]!) >= 0) return;
  let at = top.length;
  while (at > 0 && moverOrder(candidate, top[at - 1]!) < 0) at -= 1;
  top.splice(at, 0, candidate);
  if (top.length > MOVERS) top.pop();
}

/**
 * A summary in the making: what some consecutive rows of the portfolio add up to, exact, so that
 * the parts of an analysis (its chunks, wherever they were priced) merge into the summary of all
 * its rows. It crosses to the process that merges as plain data (a thread's message, a job's
 * output).
 */
export interface PartialSummary {
  enterprises: number;
  changed: number;
  tierChanged: number;
  approvalChanged: number;
  eligibilityChanged: number;
  /** The exact sum of each figure, every digit kept (no margin %: that is of the whole). */
  before: Record<ImpactFigure, string>;
  after: Record<ImpactFigure, string>;
  approvalMigration: Record<string, Record<string, number>>;
  /** The part's biggest movers, in mover order: no row outside them can be one of the whole's. */
  movers: ImpactRow[];
}

/** The partial summary of consecutive rows. */
export function summarizePart(rows: readonly ImpactRow[]): PartialSummary {
  const before = portfolioTotals();
  const after = portfolioTotals();
  const migration: Record<string, Record<string, number>> = {};
  const movers: Mover[] = [];
  let changedCount = 0;
  let tierChanged = 0;
  let approvalChanged = 0;
  let eligibilityChanged = 0;
  for (const row of rows) {
    before.add(row.before);
    after.add(row.after);
    const from = standingOf(row.before);
    const to = standingOf(row.after);
    const counts = (migration[from] ??= {});
    counts[to] = (counts[to] ?? 0) + 1;
    if (from !== to) approvalChanged += 1;
    if (row.before.tier !== row.after.tier) tierChanged += 1;
    if (priced(row.before) !== priced(row.after)) eligibilityChanged += 1;
    if (changed(row)) {
      changedCount += 1;
      keepMover(movers, moverOf(row));
    }
  }
  return {
    enterprises: rows.length,
    changed: changedCount,
    tierChanged,
    approvalChanged,
    eligibilityChanged,
    before: before.sums(),
    after: after.sums(),
    approvalMigration: migration,
    movers: movers.map(({ row }) => row),
  };
}

/**
 * The partial summary of parts in portfolio order. Counts and sums add up in any order; the
 * movers need the order, since a mover goes after the earlier rows it ties with.
 */
export function mergeParts(parts: readonly PartialSummary[]): PartialSummary {
  const before = portfolioTotals();
  const after = portfolioTotals();
  const migration: Record<string, Record<string, number>> = {};
  const movers: Mover[] = [];
  const merged = { enterprises: 0, changed: 0, tierChanged: 0, approvalChanged: 0 };
  let eligibilityChanged = 0;
  for (const part of parts) {
    merged.enterprises += part.enterprises;
    merged.changed += part.changed;
    merged.tierChanged += part.tierChanged;
    merged.approvalChanged += part.approvalChanged;
    eligibilityChanged += part.eligibilityChanged;
    before.add(part.before);
    after.add(part.after);
    for (const [from, to] of Object.entries(part.approvalMigration)) {
      const counts = (migration[from] ??= {});
      for (const [standing, count] of Object.entries(to))
        counts[standing] = (counts[standing] ?? 0) + count;
    }
    for (const row of part.movers) keepMover(movers, moverOf(row));
  }
  return {
    ...merged,
    eligibilityChanged,
    before: before.sums(),
    after: after.sums(),
    approvalMigration: migration,
    movers: movers.map(({ row }) => row),
  };
}

/** The summary a partial summary of every row of the portfolio makes. */
export function completeSummary(part: PartialSummary): ImpactSummary {
  const beforeFigures = portfolioFigures(part.before);
  const afterFigures = portfolioFigures(part.after);
  return {
    enterprises: part.enterprises,
    changed: part.changed,
    tierChanged: part.tierChanged,
    approvalChanged: part.approvalChanged,
    eligibilityChanged: part.eligibilityChanged,
    before: beforeFigures,
    after: afterFigures,
    delta: {
      monthlyNet: difference(afterFigures.monthlyNet, beforeFigures.monthlyNet),
      contractValue: difference(afterFigures.contractValue, beforeFigures.contractValue),
      revenueExclTax: difference(afterFigures.revenueExclTax, beforeFigures.revenueExclTax),
      margin: difference(afterFigures.margin, beforeFigures.margin),
      marginPct: difference(afterFigures.marginPct, beforeFigures.marginPct),
    },
    approvalMigration: part.approvalMigration,
    biggestMovers: part.movers.map((row) => {
      const deltas = rowDeltas(row);
      return {
        enterpriseId: row.enterpriseId,
        enterpriseName: row.enterpriseName,
        contractValueDelta: deltas.contractValue,
        marginDelta: deltas.margin,
        approval: `${standingOf(row.before)} → ${standingOf(row.after)}`,
      };
    }),
  };
}

/** The summary of an analysis; its totals are the exact sums of its rows. */
export function summarize(rows: readonly ImpactRow[]): ImpactSummary {
  return completeSummary(summarizePart(rows));
}

function moverOf(row: ImpactRow): Mover {
  return {
    row,
    contractValue: differenceMagnitude(
      row.after.contractValue ?? '0',
      row.before.contractValue ?? '0',
    ),
    margin: differenceMagnitude(row.after.margin ?? '0', row.before.margin ?? '0'),
  };
}

function priced(side: ImpactSide): boolean {
  return side.eligible && side.problem === undefined;
}

function difference(after: string, before: string): string {
  return formatMoney(parseDecimal(after).minus(parseDecimal(before)));
}

/** Exact running totals of each figure, of sides or of other totals' sums. */
function portfolioTotals() {
  const totals = Object.fromEntries(
    IMPACT_FIGURES.map((figure) => [figure, new MoneyTotal()]),
  ) as Record<ImpactFigure, MoneyTotal>;
  return {
    add(amounts: Partial<Record<ImpactFigure, string>>): void {
      for (const figure of IMPACT_FIGURES) {
        const amount = amounts[figure];
        if (amount !== undefined) totals[figure].add(amount);
      }
    },
    sums(): Record<ImpactFigure, string> {
      return {
        monthlyNet: totals.monthlyNet.toString(),
        contractValue: totals.contractValue.toString(),
        revenueExclTax: totals.revenueExclTax.toString(),
        margin: totals.margin.toString(),
      };
    },
  };
}

function portfolioFigures(sums: Record<ImpactFigure, string>): PortfolioFigures {
  return {
    ...sums,
    marginPct: formatMoney(
      marginPercent(parseDecimal(sums.margin), parseDecimal(sums.revenueExclTax)),
    ),
  };
}
