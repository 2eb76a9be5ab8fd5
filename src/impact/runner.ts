/**
 * Runs an impact analysis: reads the portfolio a chunk at a time, hands each chunk to a runner
 * (worker threads, or a job queue other hosts work on: the same chunk pricer either way), and
 * gathers the rows in portfolio order. The CLI and the API both call `analyseImpact`.
 */
import type { ImpactRow, ImpactSummary } from './compare';
import { summarize } from './compare';
import type { PortfolioEntry } from './chunk';
import type { StoredRuleSet } from './thread';

export interface ImpactChunk {
  before: StoredRuleSet;
  after: StoredRuleSet;
  quoteDate: string;
  entries: PortfolioEntry[];
}

/** Prices chunks somewhere: threads of this process, or workers of a queue. */
export interface ChunkRunner {
  /** How many chunks may be out at once. */
  readonly window: number;
  run(chunk: ImpactChunk): Promise<ImpactRow[]>;
  close(): Promise<void>;
}

/** A portfolio read a page at a time: `read` hands each page over and awaits its consumer. */
export interface Portfolio {
  /** How many entries it holds, when known before reading (for progress). */
  size: number;
  read(pageSize: number, consume: (page: PortfolioEntry[]) => Promise<void>): Promise<void>;
}

export interface Progress {
  done: number;
  total: number;
}

export interface ImpactAnalysis {
  before: string;
  after: string;
  quoteDate: string;
  rows: ImpactRow[];
  summary: ImpactSummary;
}

export interface AnalysisOptions {
  before: StoredRuleSet;
  after: StoredRuleSet;
  quoteDate: string;
  portfolio: Portfolio;
  runner: ChunkRunner;
  /** Entries per chunk. */
  chunkSize?: number;
  onProgress?: (progress: Progress) => void;
}

export const DEFAULT_CHUNK_SIZE = 500;

export async function analyseImpact(options: AnalysisOptions): Promise<ImpactAnalysis> {
  const { before, after, quoteDate, portfolio, runner } = options;
  const chunks: Promise<ImpactRow[]>[] = [];
  const outstanding = new Set<Promise<unknown>>();
  let done = 0;
  let failure: { error: unknown } | undefined;
  const report = () => options.onProgress?.({ done, total: Math.max(done, portfolio.size) });
  report();
  await portfolio.read(options.chunkSize ?? DEFAULT_CHUNK_SIZE, async (entries) => {
    const rows = runner.run({ before, after, quoteDate, entries });
    chunks.push(rows);
    const settled = rows.then(
      () => {
        done += entries.length;
        report();
      },
      (error: unknown) => {
        failure ??= { error };
      },
    );
    outstanding.add(settled);
    void settled.then(() => outstanding.delete(settled));
    // Reading waits while the runner is full, so memory holds a window of chunks, not the portfolio.
    while (outstanding.size >= runner.window) await Promise.race(outstanding);
    // One failed chunk fails the analysis: stop reading rather than price the rest for nothing.
    if (failure) throw failure.error;
  });
  const rows = (await Promise.all(chunks)).flat();
  return { before: before.hash, after: after.hash, quoteDate, rows, summary: summarize(rows) };
}
