/**
 * The chunk pricer: the one function every impact analysis runs, in a worker thread (piscina) or
 * in a queue worker on any host (pg-boss). A chunk is a slice of the portfolio with the two rule
 * sets it is priced under, and the day it is priced on. Pure: rule sets and requests in, rows out.
 */
import { isAppError } from '../errors';
import { priceQuote } from '../pricing/price';
import type { QuoteOutcome } from '../pricing/quote';
import type { RuleSet } from '../rules/compile';
import { pricesAlikeOnEveryDay } from '../rules/engine';
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
  /** The quote stored with the request, and the rule set that priced it. */
  stored?: { ruleSetHash: string; quoteText: string };
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
  if (entry.stored?.ruleSetHash !== ruleSet.hash) return undefined;
  const quote = JSON.parse(entry.stored.quoteText) as QuoteOutcome;
  if (quote.eligible !== true || quote.ruleSetHash !== ruleSet.hash) return undefined;
  if (quote.quoteDate !== quoteDate && !pricesAlikeOnEveryDay(ruleSet)) return undefined;
  return sideOf(quote);
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
