/**
 * Runs an impact analysis: splits the portfolio into chunks, hands each to a runner (worker
 * threads, or a job queue other hosts work on: the same chunk analyser either way), and merges
 * the partial summaries (and rows, when asked for) that come back, in portfolio order. Where the
 * runner reads the store itself, a chunk is only a range of enterprise ids: this process reads,
 * prices and sums nothing. The CLI and the API both call `analyseImpact`.
 */
import type { ChunkResult, ChunkSource } from './chunk';
import { completeSummary, mergeParts, type ImpactRow, type ImpactSummary } from './compare';
import type { StoredRuleSet } from './thread';

export interface ImpactChunk {
  before: StoredRuleSet;
  after: StoredRuleSet;
  quoteDate: string;
  source: ChunkSource;
  /** Whether the chunk's rows come back, not only its partial summary. */
  rows: boolean;
}

/** Analyses chunks somewhere: threads of this process, or workers of a queue. */
export interface ChunkRunner {
  /** How many chunks may be out at once. */
  readonly window: number;
  /** Whether it reads a chunk's range of enterprises from the store itself. */
  readonly readsStore: boolean;
  run(chunk: ImpactChunk): Promise<ChunkResult>;
  close(): Promise<void>;
}

/** A portfolio split into chunks: how many entries, and each chunk's source in order. */
export interface PortfolioChunks {
  /** How many entries it holds, when known before reading (for progress). */
  size: number;
  /** Hands each chunk's source over and awaits its consumer before the next. */
  read(consume: (source: ChunkSource) => Promise<void>): Promise<void>;
}

/** Where an analysis's requests come from (portfolio.ts). */
export interface Portfolio {
  /** Splits it into chunks of up to `chunkSize` entries. */
  chunks(chunkSize: number): Promise<PortfolioChunks>;
}

export interface Progress {
  done: number;
  total: number;
}

export interface ImpactAnalysis {
  before: string;
  after: string;
  quoteDate: string;
  summary: ImpactSummary;
  /** Every enterprise's row, in portfolio order: only when asked for. */
  rows?: ImpactRow[];
}

export interface AnalysisOptions {
  before: StoredRuleSet;
  after: StoredRuleSet;
  quoteDate: string;
  portfolio: Portfolio;
  runner: ChunkRunner;
  /** Entries per chunk. */
  chunkSize?: number;
  /** Keep every row (a CSV, a result kept for the API), not only the summary. */
  rows?: boolean;
  onProgress?: (progress: Progress) => void;
}

export const DEFAULT_CHUNK_SIZE = 500;

export async function analyseImpact(options: AnalysisOptions): Promise<ImpactAnalysis> {
  const { before, after, quoteDate, portfolio, runner } = options;
  const rows = options.rows ?? false;
  const chunks = await portfolio.chunks(options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const results: Promise<ChunkResult>[] = [];
  const outstanding = new Set<Promise<unknown>>();
  let done = 0;
  let failure: { error: unknown } | undefined;
  const report = () => options.onProgress?.({ done, total: Math.max(done, chunks.size) });
  report();
  await chunks.read(async (source) => {
    const result = runner.run({ before, after, quoteDate, source, rows });
    results.push(result);
    const settled = result.then(
      ({ summary }) => {
        done += summary.enterprises;
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
  const parts = await Promise.all(results);
  return {
    before: before.hash,
    after: after.hash,
    quoteDate,
    summary: completeSummary(mergeParts(parts.map((part) => part.summary))),
    ...(rows ? { rows: parts.flatMap((part) => part.rows ?? []) } : {}),
  };
}
