/**
 * The impact service (issue 13): which rule sets to compare, which runner prices the chunks
 * (threads of this process on SQLite, the job queue on PostgreSQL), and the runs started through
 * the API. The CLI and the API call the same `analyse`.
 */
import { calendarDate } from '../calendar';
import { AppError } from '../errors';
import { SYSTEM_ACTOR } from '../quotes/lifecycle';
import { authorize, type Actor } from '../quotes/policy';
import type { RuleSet } from '../rules/compile';
import type { StoreOptions } from '../store/open';
import type { Store } from '../store/types';
import { rangedPortfolio, storedPortfolio } from './portfolio';
import { openImpactQueue, QueueRunner, workImpactQueue, type QueueSettings } from './queue';
import {
  analyseImpact,
  type ChunkRunner,
  type ImpactAnalysis,
  type Portfolio,
  type Progress,
} from './runner';
import { ImpactRuns, type ImpactResult, type ImpactRun } from './runs';
import type { StoredRuleSet } from './thread';
import { ThreadRunner } from './threads';

export const LIVE = 'live';

export interface ImpactSettings {
  /** Where runs started through the API are kept (runs.ts). */
  runsDir: string;
  /** PostgreSQL: chunks go to this job queue, for `npm run worker` on any host to price. */
  queue?: QueueSettings;
  /** Worker threads on the embedded default (default: one per CPU). */
  threads?: number;
  /**
   * Where the store is, for threads that read their chunks of the portfolio from it on
   * connections of their own (a SQLite file, PostgreSQL). Without it, or in memory, this process
   * reads the portfolio and hands each chunk its requests.
   */
  store?: StoreOptions;
  /**
   * PostgreSQL: this process works the queue too, with its threads (the CLI: an analysis finishes
   * without any `npm run worker`, and each one started elsewhere makes it faster). A service
   * leaves the pricing to workers and keeps its cores for requests.
   */
  workLocally?: boolean;
  /** Entries per chunk. */
  chunkSize?: number;
}

export interface ImpactServiceOptions {
  store: Store;
  /**
   * The rule set new quotes are priced with now, as this process holds it; without one, `live`
   * is the store's live set.
   */
  live?: () => RuleSet;
  clock: () => Date;
  settings: ImpactSettings;
  /** What the job queue reports going wrong in the background (a lost connection). */
  onQueueError?: (error: Error) => void;
}

export interface AnalysisRequest {
  /** The rule set analysed: a stored hash. */
  after: string;
  /** What it is compared with: `live` (the default) or a stored hash. */
  against?: string;
  /** The day both price on (China, YYYY-MM-DD); today by default. */
  quoteDate?: string;
  /** The requests: each enterprise's latest stored quote unless given. */
  portfolio?: Portfolio;
  /** Keep every enterprise's row (a CSV), not only the summary. */
  rows?: boolean;
  onProgress?: (progress: Progress) => void;
}

export class ImpactService {
  #runner: Promise<ChunkRunner> | undefined;
  #runs: ImpactRuns | undefined;

  constructor(private readonly options: ImpactServiceOptions) {}

  /** A rule set by hash from the store, or the live one. */
  async ruleSet(reference: string): Promise<StoredRuleSet> {
    if (reference === LIVE) {
      const live = this.options.live?.();
      if (live) return { hash: live.hash, snapshot: live.snapshot };
      const { hash } = await this.options.store.liveRuleSetVersion();
      if (!hash) throw new AppError('not-found', 'the store has no live rule set yet');
      return this.ruleSet(hash);
    }
    const snapshot = await this.options.store.getRuleSet(reference);
    if (!snapshot) throw new AppError('not-found', `rule set ${reference} is not in the store`);
    return { hash: reference, snapshot };
  }

  async analyse(request: AnalysisRequest): Promise<ImpactAnalysis> {
    const [after, before] = await Promise.all([
      this.ruleSet(request.after),
      this.ruleSet(request.against ?? LIVE),
    ]);
    const runner = await this.runner();
    if (runner instanceof QueueRunner) {
      // Queue workers read rule sets from the store by hash: the live one may not be there yet.
      const now = this.options.clock().toISOString();
      for (const { hash, snapshot } of [before, after])
        await this.options.store.saveRuleSet(hash, snapshot, SYSTEM_ACTOR, now);
    }
    const pricedBy = [...new Set([before.hash, after.hash])];
    return analyseImpact({
      before,
      after,
      quoteDate: request.quoteDate ?? calendarDate(this.options.clock()),
      portfolio:
        request.portfolio ??
        (runner.readsStore
          ? rangedPortfolio(this.options.store, pricedBy)
          : storedPortfolio(this.options.store, pricedBy)),
      runner,
      ...(this.options.settings.chunkSize ? { chunkSize: this.options.settings.chunkSize } : {}),
      ...(request.rows ? { rows: true } : {}),
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
    });
  }

  /** Starts an analysis of the stored portfolio in the background and answers its run. */
  async start(
    actor: Actor,
    hash: string,
    options: { against?: string; quoteDate?: string },
  ): Promise<ImpactRun> {
    authorize(actor, 'impact.run');
    const [after, before] = await Promise.all([
      this.ruleSet(hash),
      this.ruleSet(options.against ?? LIVE),
    ]);
    const runs = this.runs();
    const run: ImpactRun = {
      id: runs.newId(),
      state: 'running',
      before: before.hash,
      after: after.hash,
      quoteDate: options.quoteDate ?? calendarDate(this.options.clock()),
      startedBy: actor.id,
      startedAt: this.options.clock().toISOString(),
      done: 0,
      total: 0,
    };
    runs.save(run);
    void this.analyse({
      after: after.hash,
      against: before.hash,
      quoteDate: run.quoteDate,
      rows: true,
      onProgress: ({ done, total }) => runs.save(Object.assign(run, { done, total })),
    }).then(
      (analysis) =>
        runs.finish(
          Object.assign(run, { state: 'done', finishedAt: this.options.clock().toISOString() }),
          analysis.summary,
          analysis.rows ?? [],
        ),
      (error: unknown) =>
        runs.save(
          Object.assign(run, {
            state: 'failed',
            finishedAt: this.options.clock().toISOString(),
            error: error instanceof Error ? error.message : String(error),
          }),
        ),
    );
    return { ...run };
  }

  run(actor: Actor, id: string): ImpactRun {
    authorize(actor, 'impact.read');
    const run = this.runs().read(id);
    if (!run) throw new AppError('not-found', `no impact analysis ${id}`);
    return run;
  }

  result(actor: Actor, id: string): ImpactResult {
    const run = this.run(actor, id);
    if (run.state !== 'done') {
      throw new AppError(
        'conflict',
        run.state === 'failed'
          ? `impact analysis ${id} failed: ${run.error ?? 'no reason given'}`
          : `impact analysis ${id} is still running: ${run.done} of ${run.total} enterprises priced`,
      );
    }
    const result = this.runs().result(id);
    if (!result) throw new AppError('not-found', `impact analysis ${id} has no result`);
    return { run, ...result };
  }

  async close(): Promise<void> {
    const runner = this.#runner;
    this.#runner = undefined;
    if (runner) await (await runner).close();
  }

  private runs(): ImpactRuns {
    this.#runs ??= new ImpactRuns(this.options.settings.runsDir);
    return this.#runs;
  }

  private runner(): Promise<ChunkRunner> {
    const { settings, store } = this.options;
    this.#runner ??= (async () => {
      if (store.dialect !== 'postgres' || !settings.queue)
        return new ThreadRunner(settings.threads, settings.store);
      const boss = await openImpactQueue(
        settings.queue,
        this.options.onQueueError ?? (() => undefined),
      );
      if (!settings.workLocally) return new QueueRunner(boss);
      const local = new ThreadRunner(settings.threads, settings.store);
      await workImpactQueue(boss, store, local);
      return new QueueRunner(boss, local);
    })();
    // A queue that could not be opened is tried again next time.
    this.#runner.catch(() => {
      this.#runner = undefined;
    });
    return this.#runner;
  }
}
