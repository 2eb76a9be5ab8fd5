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
  /**
   * The request as JSON text, parsed where it is priced: a worker thread, or a queue worker on any
   * host. Text crosses to a thread as one copy, where a parsed request is cloned field by field,
   * and the process reading the portfolio keeps its core for reading.
   */
  requestText: string;
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
      before: await sideUnder(before, request, quoteDate),
      after: await sideUnder(after, request, quoteDate),
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
