/**
 * The live rule set of one service process (issue 13): the set new quotes are priced with, swapped
 * without a restart when a publication (or rollback, or a scheduled publication falling due)
 * changes it in the store.
 *
 * A request reads `current()` once and prices with that object to the end, so a swap never
 * changes the rules under a request in flight; the next request gets the new set. The process
 * learns of a change by reading one row (rule_set_live: hash and version) every `pollMs`, and on
 * PostgreSQL at once through LISTEN/NOTIFY, the poll then being the safety net for a lost
 * notification connection. Whoever polls first after a scheduled publication falls due makes it
 * take effect, in a transaction that every other process waits for and then finds done.
 */
import type { Logger } from 'pino';
import { AppError } from '../errors';
import type { RuleSet } from '../rules/compile';
import { RuleSetCache } from '../quotes/replay';
import type { Store } from '../store/types';

/**
 * SQLite: one indexed read of one row per process at this interval is the whole cost of hearing of
 * a publication, and it bounds how late a process hears of one.
 */
export const SQLITE_POLL_MS = 500;
/** PostgreSQL is told at once by NOTIFY; the poll only covers a lost notification connection. */
export const POSTGRES_POLL_MS = 1000;

export interface LiveRuleSetOptions {
  clock?: () => Date;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Default SQLITE_POLL_MS or POSTGRES_POLL_MS by the store's dialect. */
  pollMs?: number;
  /** Compiled sets already at hand, so that opening compiles nothing twice. */
  preloaded?: readonly RuleSet[];
}

export class LiveRuleSet {
  readonly #store: Store;
  readonly #clock: () => Date;
  readonly #logger: LiveRuleSetOptions['logger'];
  readonly #compiled: RuleSetCache;
  #current: RuleSet;
  #version: number;
  #timer: NodeJS.Timeout | undefined;
  #stopWatching: (() => Promise<void>) | undefined;
  #watching = false;
  #checking: Promise<void> | undefined;
  #checkAgain = false;
  #closed = false;

  private constructor(
    store: Store,
    current: RuleSet,
    version: number,
    compiled: RuleSetCache,
    options: LiveRuleSetOptions,
  ) {
    this.#store = store;
    this.#current = current;
    this.#version = version;
    this.#compiled = compiled;
    this.#clock = options.clock ?? (() => new Date());
    this.#logger = options.logger;
  }

  /**
   * The store's live set, compiled, kept current from then on until close(). The store must have
   * one (a service's first start imports RULES_DIR: importLiveRuleSet).
   */
  static async open(store: Store, options: LiveRuleSetOptions = {}): Promise<LiveRuleSet> {
    const compiled = new RuleSetCache(store, options.preloaded ?? []);
    const clock = options.clock ?? (() => new Date());
    await store.activateDuePublications(clock().toISOString());
    const { hash, version } = await store.liveRuleSetVersion();
    if (!hash) throw new AppError('rule-set', 'the store has no live rule set');
    const live = new LiveRuleSet(store, await compiled.get(hash), version, compiled, options);
    await live.#watch();
    const pollMs =
      options.pollMs ?? (store.dialect === 'postgres' ? POSTGRES_POLL_MS : SQLITE_POLL_MS);
    live.#timer = setInterval(() => void live.check(), pollMs);
    // The poll must not keep a process alive that is otherwise done.
    live.#timer.unref();
    return live;
  }

  /** The set to price a new request with: read it once per request. */
  current(): RuleSet {
    return this.#current;
  }

  /**
   * Looks at the store now: takes a scheduled publication that fell due, and swaps to the live
   * set if it changed. Concurrent calls share one look (and one more after it, if asked meanwhile).
   * A failure is logged and the current set kept: the next poll tries again.
   */
  check(): Promise<void> {
    if (this.#checking) {
      this.#checkAgain = true;
      return this.#checking;
    }
    this.#checking = this.#look()
      .catch((error: unknown) => {
        this.#logger?.warn(
          { err: error },
          `could not check the live rule set: ${(error as Error).message}`,
        );
      })
      .finally(() => {
        this.#checking = undefined;
        if (this.#checkAgain && !this.#closed) {
          this.#checkAgain = false;
          void this.check();
        }
      });
    return this.#checking;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    const stop = this.#stopWatching;
    this.#stopWatching = undefined;
    await this.#checking;
    await stop?.();
  }

  async #look(): Promise<void> {
    if (this.#closed) return;
    if (!this.#watching) await this.#watch();
    let live = await this.#store.liveRuleSetVersion();
    const now = this.#clock();
    if (live.nextDueAt !== undefined && Date.parse(live.nextDueAt) <= now.getTime()) {
      await this.#store.activateDuePublications(now.toISOString());
      live = await this.#store.liveRuleSetVersion();
    }
    if (live.version === this.#version || !live.hash) return;
    const previous = this.#current;
    const next = live.hash === previous.hash ? previous : await this.#compiled.get(live.hash);
    if (this.#closed) return;
    this.#current = next;
    this.#version = live.version;
    if (next !== previous) {
      this.#logger?.info(
        { fromHash: previous.hash, toHash: next.hash, version: live.version },
        `rule set ${next.hash} is live (was ${previous.hash})`,
      );
    }
  }

  /**
   * PostgreSQL: listen for publications. A connection that fails or is lost is listened again at
   * the next poll; the poll goes on meanwhile.
   */
  async #watch(): Promise<void> {
    this.#watching = true;
    try {
      this.#stopWatching = await this.#store.watchLiveRuleSet({
        onChange: () => void this.check(),
        onLost: (error) => {
          this.#watching = false;
          this.#stopWatching = undefined;
          this.#logger?.warn(
            { err: error },
            'lost the connection that hears of publications; polling until it is back',
          );
        },
      });
    } catch (error) {
      this.#watching = false;
      this.#logger?.warn(
        { err: error },
        `cannot listen for publications (${(error as Error).message}); polling`,
      );
    }
  }
}
