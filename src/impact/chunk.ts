/**
 * The chunk analyser: the one function every impact analysis runs, in a worker thread (piscina)
 * of the process that asked or of a queue worker on any host (pg-boss). A chunk is a slice of the
 * portfolio with the two rule sets it is priced under, and the day it is priced on; what comes
 * back is its partial summary (and its rows, when asked for), so the process that merges the
 * chunks has little left to do. Pure: rule sets and requests in, figures out.
 */
import { isAppError } from '../errors';
import { priceQuote } from '../pricing/price';
import { APPROVAL_LEVELS, type ApprovalLevel } from '../domain';
import type { EnterpriseRange, StoredQuoteFigures } from '../store/types';
import type { RuleSet } from '../rules/compile';
import { pricesAlikeOnEveryDay } from '../rules/engine';
import {
  pricedSide,
  sideOf,
  summarizePart,
  unpriceable,
  type ImpactRow,
  type ImpactSide,
  type PartialSummary,
} from './compare';

/** One enterprise's request, as the portfolio holds it. */
export interface PortfolioEntry {
  enterpriseId: string;
  enterpriseName: string;
  quoteNumber?: string;
  /**
   * The request as JSON text, parsed where it is priced: a worker thread, or a queue worker on any
   * host. Text crosses to a thread as one copy, where a parsed request is cloned field by field,
   * and the process reading the portfolio keeps its core for reading.
   */
  requestText: string;
  /** The figures of the quote stored with the request. */
  stored?: StoredQuoteFigures;
}

/**
 * Where a chunk's requests come from: handed over with it (a JSONL file, or a store only the
 * asking process can read), or a range of enterprises whoever analyses the chunk reads from the
 * store itself, each latest request with the stored figures of a quote priced by `pricedBy`.
 */
export type ChunkSource =
  { entries: PortfolioEntry[] } | { range: EnterpriseRange; pricedBy: string[] };

/** What a chunk's analysis gives back: its partial summary, and its rows when asked for. */
export interface ChunkResult {
  summary: PartialSummary;
  rows?: ImpactRow[];
}

/** The chunk's rows summarised, and kept when `withRows` (a CSV, a result kept for the API). */
export async function analyseChunk(
  before: RuleSet,
  after: RuleSet,
  entries: readonly PortfolioEntry[],
  quoteDate: string,
  withRows: boolean,
): Promise<ChunkResult> {
  const rows = await priceChunk(before, after, entries, quoteDate);
  return { summary: summarizePart(rows), ...(withRows ? { rows } : {}) };
}

/** Prices each entry under `before` and `after` on `quoteDate` (China, YYYY-MM-DD). */
export async function priceChunk(
  before: RuleSet,
  after: RuleSet,
  entries: readonly PortfolioEntry[],
  quoteDate: string,
): Promise<ImpactRow[]> {
  const rows: ImpactRow[] = [];
  for (const entry of entries) {
    // Each set validates the request afresh: what the text says is checked there, not here.
    const request = JSON.parse(entry.requestText) as unknown;
    rows.push({
      enterpriseId: entry.enterpriseId,
      enterpriseName: entry.enterpriseName,
      ...(entry.quoteNumber !== undefined ? { quoteNumber: entry.quoteNumber } : {}),
      before: storedSide(before, entry, quoteDate) ?? (await sideUnder(before, request, quoteDate)),
      after: storedSide(after, entry, quoteDate) ?? (await sideUnder(after, request, quoteDate)),
    });
  }
  return rows;
}

/**
 * The side a stored quote already gives: the quote was priced from this very request by this very
 * set, so pricing it again gives the same quote — on the day it was priced, or on any day when
 * nothing in the set depends on the day. An analysis of a draft against the live set the
 * portfolio was priced with prices each enterprise once instead of twice. A quote the store holds
 * refused, or priced on another day by a set with dated rules, is priced again.
 */
function storedSide(
  ruleSet: RuleSet,
  entry: PortfolioEntry,
  quoteDate: string,
): ImpactSide | undefined {
  const stored = entry.stored;
  if (stored?.ruleSetHash !== ruleSet.hash || stored.eligible !== true) return undefined;
  if (stored.quoteDate !== quoteDate && !pricesAlikeOnEveryDay(ruleSet)) return undefined;
  const { tier, approval, monthlyNet, contractValue, revenueExclTax, margin, marginPct } = stored;
  if (
    tier === undefined ||
    !APPROVAL_LEVELS.some((level) => level === approval) ||
    monthlyNet === undefined ||
    contractValue === undefined ||
    revenueExclTax === undefined ||
    margin === undefined ||
    marginPct === undefined
  )
    return undefined;
  return pricedSide({
    tier,
    approval: approval as ApprovalLevel,
    monthlyNet,
    contractValue,
    revenueExclTax,
    margin,
    marginPct,
  });
}

/**
 * A request one set cannot price (a handset model the draft dropped, a rule conflict) is a
 * finding of the analysis, not its failure.
 */
async function sideUnder(
  ruleSet: RuleSet,
  request: unknown,
  quoteDate: string,
): Promise<ImpactSide> {
  try {
    return sideOf(await priceQuote(ruleSet, request, { quoteDate }));
  } catch (error) {
    if (isAppError(error)) return unpriceable(error.message);
    throw error;
  }
}
