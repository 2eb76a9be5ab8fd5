/**
 * The embedded default's chunk runner: a piscina pool of worker threads in this process, each
 * running chunk.ts through thread.ts, and reading its chunks' enterprises from the store itself
 * when the pool is given one it can open (a SQLite file, PostgreSQL).
 */
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import { Piscina } from 'piscina';
import type { StoreOptions } from '../store/open';
import type { ChunkResult } from './chunk';
import type { ChunkRunner, ImpactChunk } from './runner';
import type { RuleSetText, StoredRuleSet, ThreadData, ThreadTask } from './thread';

/**
 * The thread's module beside this one: compiled JavaScript in dist/, TypeScript when running from
 * the sources (tsx, jest), which a thread then loads through tsx as the process did.
 */
function threadModule(): { filename: string; execArgv: string[] } {
  const extension = extname(__filename);
  const filename = join(__dirname, `thread${extension}`);
  return { filename, execArgv: extension === '.ts' ? ['--import', 'tsx'] : [] };
}

export class ThreadRunner implements ChunkRunner {
  readonly #pool: Piscina<ThreadTask, ChunkResult>;
  /** Each rule set's snapshot text, written once rather than for every chunk. */
  readonly #texts = new Map<string, string>();
  readonly workers: number;
  readonly readsStore: boolean;

  /**
   * `store`: where threads read a chunk's range of enterprises, each on a connection of its own;
   * an in-memory SQLite database has no second connection, so its chunks come with their entries.
   */
  constructor(threads: number = availableParallelism(), store?: StoreOptions) {
    this.workers = Math.max(1, threads);
    const readable =
      store && (store.databaseUrl || (store.sqlitePath && store.sqlitePath !== ':memory:'))
        ? store
        : undefined;
    this.readsStore = readable !== undefined;
    const workerData: ThreadData = readable ? { store: readable } : {};
    this.#pool = new Piscina({
      ...threadModule(),
      workerData,
      // Threads start as chunks arrive and leave when idle, so a service that ran one analysis
      // does not keep them (nor the rule sets they compiled).
      minThreads: 0,
      maxThreads: this.workers,
      idleTimeout: 30_000,
    });
  }

  /** Enough chunks queued that no thread waits for the next, few enough to bound memory. */
  get window(): number {
    return this.workers * 2;
  }

  run(chunk: ImpactChunk): Promise<ChunkResult> {
    return this.#pool.run({
      before: this.#text(chunk.before),
      after: this.#text(chunk.after),
      quoteDate: chunk.quoteDate,
      source: chunk.source,
      rows: chunk.rows,
    });
  }

  #text({ hash, snapshot }: StoredRuleSet): RuleSetText {
    let snapshotText = this.#texts.get(hash);
    if (snapshotText === undefined) {
      snapshotText = JSON.stringify(snapshot);
      this.#texts.set(hash, snapshotText);
    }
    return { hash, snapshotText };
  }

  /** Threads running now. */
  get threads(): number {
    return this.#pool.threads.length;
  }

  /** Chunks the threads have finished. */
  get completed(): number {
    return this.#pool.completed;
  }

  async close(): Promise<void> {
    await this.#pool.destroy();
  }
}
