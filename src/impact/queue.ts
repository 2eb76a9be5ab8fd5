/**
 * Impact analysis on PostgreSQL: chunks are jobs on a pg-boss queue, so every `npm run worker`
 * (on this host or any other that reaches the database) takes some. A job names its rule sets by
 * hash and, for the stored portfolio, a range of enterprise ids; a worker reads both from the
 * store and analyses the chunk in one of its threads, as the embedded default does. The partial
 * summary (and rows, when asked for) comes back as the job's output.
 */
import PgBoss from 'pg-boss';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../errors';
import type { Store } from '../store/types';
import type { ChunkResult, ChunkSource } from './chunk';
import type { ChunkRunner, ImpactChunk } from './runner';
import type { StoredRuleSet } from './thread';
import type { ThreadRunner } from './threads';

export const IMPACT_QUEUE = 'impact-chunks';
export const DEFAULT_QUEUE_SCHEMA = 'pgboss';

export interface QueueSettings {
  connectionString: string;
  /** The PostgreSQL schema pg-boss keeps its tables in (it creates and migrates it). */
  schema?: string;
}

/** What a job carries: rule sets by hash only (a worker reads them from its store). */
interface ChunkJob {
  before: string;
  after: string;
  quoteDate: string;
  source: ChunkSource;
  rows: boolean;
}

/** How often a dispatcher asks whether a chunk is done. */
const POLL_MS = 150;

/** Starts pg-boss (creating its schema on first use) with the impact queue in it. */
export async function openImpactQueue(
  settings: QueueSettings,
  onError: (error: Error) => void,
): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: settings.connectionString,
    schema: settings.schema ?? DEFAULT_QUEUE_SCHEMA,
    schedule: false,
    pollingIntervalSeconds: 0.5,
    max: 4,
  });
  boss.on('error', onError);
  await boss.start();
  if (!(await boss.getQueue(IMPACT_QUEUE))) {
    try {
      await boss.createQueue(IMPACT_QUEUE, {
        name: IMPACT_QUEUE,
        retryLimit: 2,
        expireInSeconds: 600,
        retentionMinutes: 60,
      });
    } catch (error) {
      // Another process created it in between.
      if (!(await boss.getQueue(IMPACT_QUEUE))) throw error;
    }
  }
  return boss;
}

/** Sends chunks as jobs and waits for whichever worker prices them. */
export class QueueRunner implements ChunkRunner {
  /** Enough jobs queued that every worker on every host finds one. */
  readonly window = 32;
  /** Every worker reads its chunks' enterprises from the database it takes jobs from. */
  readonly readsStore = true;

  /** `local`: threads of this process that work the queue too (closed with the runner). */
  constructor(
    private readonly boss: PgBoss,
    private readonly local?: ThreadRunner,
  ) {}

  async run(chunk: ImpactChunk): Promise<ChunkResult> {
    const job: ChunkJob = {
      before: chunk.before.hash,
      after: chunk.after.hash,
      quoteDate: chunk.quoteDate,
      source: chunk.source,
      rows: chunk.rows,
    };
    const id = await this.boss.send(IMPACT_QUEUE, job);
    if (id === null) throw new AppError('rule-set', 'the impact queue refused a chunk');
    for (;;) {
      await sleep(POLL_MS);
      const sent = await this.boss.getJobById(IMPACT_QUEUE, id, { includeArchive: true });
      if (!sent) throw new AppError('rule-set', `impact chunk ${id} left the queue unpriced`);
      if (sent.state === 'completed') return sent.output as ChunkResult;
      if (sent.state === 'failed' || sent.state === 'cancelled') {
        const { message } = (sent.output ?? {}) as { message?: string };
        throw new AppError(
          'rule-set',
          `impact chunk ${id} ${sent.state}: ${message ?? 'no reason given'}`,
        );
      }
    }
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true });
    await this.local?.close();
  }
}

/**
 * Works the impact queue with a pool of threads: one job per thread at a time. The rule sets a
 * job names are read from `store` once each; a job's range of enterprises is read by the thread
 * that analyses it (the pool must be given the same store).
 */
export async function workImpactQueue(
  boss: PgBoss,
  store: Store,
  threads: ThreadRunner,
): Promise<void> {
  const ruleSets = new Map<string, Promise<StoredRuleSet>>();
  const stored = (hash: string) => {
    let ruleSet = ruleSets.get(hash);
    if (!ruleSet) {
      ruleSet = store.getRuleSet(hash).then((snapshot) => {
        if (!snapshot) throw new AppError('not-found', `rule set ${hash} is not in the store`);
        return { hash, snapshot };
      });
      ruleSet.catch(() => ruleSets.delete(hash));
      ruleSets.set(hash, ruleSet);
    }
    return ruleSet;
  };
  for (let thread = 0; thread < threads.workers; thread += 1) {
    await boss.work<ChunkJob>(IMPACT_QUEUE, { batchSize: 1 }, async ([job]) => {
      const { before, after, quoteDate, source, rows } = job!.data;
      return threads.run({
        before: await stored(before),
        after: await stored(after),
        quoteDate,
        source,
        rows,
      });
    });
  }
}
