/**
 * Where an impact analysis's requests come from: each enterprise's latest stored quote, or a file
 * of requests, one JSON object per line (JSONL), as an analyst exports or writes them.
 */
import { AppError, type FieldIssue } from '../errors';
import type { LatestRequest, Store } from '../store/types';
import type { PortfolioEntry } from './chunk';
import type { Portfolio } from './runner';

/** A latest request as an entry of the portfolio. */
export function portfolioEntry({
  enterpriseId,
  enterpriseName,
  quoteNumber,
  requestText,
  stored,
}: LatestRequest): PortfolioEntry {
  return {
    enterpriseId,
    enterpriseName,
    quoteNumber,
    requestText,
    ...(stored !== undefined ? { stored } : {}),
  };
}

/**
 * The latest request of every enterprise in the store, read here and handed to the runner a chunk
 * at a time; one priced by a set of `pricedBy` (the sets analysed) comes with its stored quote,
 * which chunk.ts may take as that set's side. For a runner that cannot read the store itself (an
 * in-memory database is private to its connection).
 */
export function storedPortfolio(store: Store, pricedBy: readonly string[] = []): Portfolio {
  return {
    chunks: async (chunkSize) => ({
      size: await store.countEnterprises(),
      read: async (consume) => {
        await store.readLatestRequests(
          chunkSize,
          (page) => consume({ entries: page.map(portfolioEntry) }),
          pricedBy,
        );
      },
    }),
  };
}

/**
 * The same portfolio as ranges of enterprise ids, which whoever analyses a chunk reads from the
 * store itself: here only every chunk's first id is read. Each chunk is read on a snapshot of its
 * own, when it is analysed.
 */
export function rangedPortfolio(store: Store, pricedBy: readonly string[] = []): Portfolio {
  return {
    chunks: async (chunkSize) => {
      const { enterprises, ranges } = await store.enterpriseRanges(chunkSize);
      return {
        size: enterprises,
        read: async (consume) => {
          for (const range of ranges) await consume({ range, pricedBy: [...pricedBy] });
        },
      };
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
    chunks: async (chunkSize) => ({
      size: entries.length,
      read: async (consume) => {
        for (let start = 0; start < entries.length; start += chunkSize)
          await consume({ entries: entries.slice(start, start + chunkSize) });
      },
    }),
  };
}
