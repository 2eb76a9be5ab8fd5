/**
 * The chunk pricer: the one function every impact analysis runs, in a worker thread (piscina) or
 * in a queue worker on any host (pg-boss). A chunk is a slice of the portfolio with the two rule
 * sets it is priced under, and the day it is priced on. Pure: rule sets and requests in, rows out.
 */
import { isAppError } from '../errors';
import { priceQuote } from '../pricing/price';
import type { RuleSet } from '../rules/compile';
import { sideOf, unpriceable, type ImpactRow, type ImpactSide } from './compare';

/** One enterprise's request, as the portfolio holds it. */
export interface PortfolioEntry {
  enterpriseId: string;
  enterpriseName: string;
  quoteNumber?: string;
  request: unknown;
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
    rows.push({
      enterpriseId: entry.enterpriseId,
      enterpriseName: entry.enterpriseName,
      ...(entry.quoteNumber !== undefined ? { quoteNumber: entry.quoteNumber } : {}),
      before: await sideUnder(before, entry.request, quoteDate),
      after: await sideUnder(after, entry.request, quoteDate),
    });
  }
  return rows;
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
