/**
 * Where an impact analysis's requests come from: each enterprise's latest stored quote, or a file
 * of requests, one JSON object per line (JSONL), as an analyst exports or writes them.
 */
import { AppError, type FieldIssue } from '../errors';
import type { Store } from '../store/types';
import type { PortfolioEntry } from './chunk';
import type { Portfolio } from './runner';

/**
 * The latest request of every enterprise in the store; one priced by a set of `pricedBy` (the
 * sets analysed) comes with its stored quote, which chunk.ts may take as that set's side.
 */
export async function storedPortfolio(
  store: Store,
  pricedBy: readonly string[] = [],
): Promise<Portfolio> {
  return {
    size: await store.countEnterprises(),
    read: async (pageSize, consume) => {
      await store.readLatestRequests(
        pageSize,
        (page) =>
          consume(
            page.map(({ enterpriseId, enterpriseName, quoteNumber, requestText, stored }) => ({
              enterpriseId,
              enterpriseName,
              quoteNumber,
              requestText,
              ...(stored !== undefined ? { stored } : {}),
            })),
          ),
        pricedBy,
      );
    },
  };
}

/**
 * Requests as JSONL: blank lines are skipped; every other line must be a JSON object whose
 * `enterprise.id` names the row (each rule set then validates the whole request). Every bad line
 * is named, by number, in one error.
 */
export function jsonlPortfolio(text: string): Portfolio {
  const entries: PortfolioEntry[] = [];
  const issues: FieldIssue[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const path = `line ${index + 1}`;
    let request: unknown;
    try {
      request = JSON.parse(line);
    } catch (error) {
      issues.push({ path, message: `is not JSON: ${(error as Error).message}` });
      return;
    }
    const enterprise = (request as { enterprise?: { id?: unknown; name?: unknown } } | null)
      ?.enterprise;
    if (typeof enterprise?.id !== 'string' || enterprise.id === '') {
      issues.push({ path, message: 'must be a request object with enterprise.id' });
      return;
    }
    entries.push({
      enterpriseId: enterprise.id,
      enterpriseName: typeof enterprise.name === 'string' ? enterprise.name : '',
      requestText: line,
    });
  });
  if (issues.length > 0) {
    throw AppError.invalidInput(
      issues,
      issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
    );
  }
  return {
    size: entries.length,
    read: async (pageSize, consume) => {
      for (let start = 0; start < entries.length; start += pageSize)
        await consume(entries.slice(start, start + pageSize));
    },
  };
}
