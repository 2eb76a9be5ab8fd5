/**
 * Replay: price a stored request again with the rule set it was priced with, and compare. The
 * compiled rule sets are cached by hash, since a snapshot never changes once stored.
 */
import { LRUCache } from 'lru-cache';
import { AppError } from '../errors';
import { priceQuote } from '../pricing/price';
import type { QuoteOutcome } from '../pricing/quote';
import type { RuleSet } from '../rules/compile';
import { compileStoredRuleSet } from '../rules/load';
import type { Store, StoredQuote } from '../store/types';

/**
 * How many compiled rule sets are kept. A tariff changes a few times a year, and replaying or
 * printing an old quote touches its own; the least recently used beyond this is compiled again
 * from its stored snapshot when next asked for.
 */
const RULE_SET_CACHE_MAX = 16;

export class RuleSetCache {
  readonly #compiled: LRUCache<string, RuleSet>;

  constructor(
    private readonly store: Store,
    preloaded: readonly RuleSet[] = [],
  ) {
    this.#compiled = new LRUCache({
      max: RULE_SET_CACHE_MAX,
      // One load per hash however many ask at once; a failed load is not kept, so it is tried
      // again next time.
      fetchMethod: (hash) => this.load(hash),
      // A load evicted by others while it runs still answers the callers waiting on it.
      ignoreFetchAbort: true,
    });
    for (const ruleSet of preloaded) this.#compiled.set(ruleSet.hash, ruleSet);
  }

  /** The compiled rule set with this hash; a stored quote whose rule set is missing or broken is a server-side defect. */
  get(hash: string): Promise<RuleSet> {
    return this.#compiled.forceFetch(hash);
  }

  private async load(hash: string): Promise<RuleSet> {
    const snapshot = await this.store.getRuleSet(hash);
    if (!snapshot) throw new AppError('rule-set', `rule set ${hash} is not in the store`);
    return compileStoredRuleSet(hash, snapshot);
  }
}

export interface Replay {
  outcome: QuoteOutcome;
  equal: boolean;
  /** Dotted paths where the replay differs from the stored quote (at most MAX_DIFFERENCES). */
  differences: string[];
}

const MAX_DIFFERENCES = 50;

export async function replayQuote(cache: RuleSetCache, stored: StoredQuote): Promise<Replay> {
  const ruleSet = await cache.get(stored.ruleSetHash);
  // priceQuote validates the stored request again: a row edited behind the service's back fails
  // loudly here rather than pricing nonsense.
  // On the date it was priced: dated rules (promotions) apply as they did then.
  const quoteDate = stored.quote.quoteDate;
  const outcome = await priceQuote(
    ruleSet,
    stored.request,
    quoteDate !== undefined ? { quoteDate } : {},
  );
  const differences: string[] = [];
  collectDifferences(asJson(stored.quote), asJson(outcome), '', differences);
  return { outcome, equal: differences.length === 0, differences };
}

/** What the quote looks like once it has been through JSON, as it is stored and served. */
function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

function collectDifferences(stored: unknown, replayed: unknown, path: string, out: string[]): void {
  if (out.length >= MAX_DIFFERENCES) return;
  if (Array.isArray(stored) && Array.isArray(replayed)) {
    if (stored.length !== replayed.length) out.push(`${path || '(quote)'}.length`);
    const shared = Math.min(stored.length, replayed.length);
    for (let index = 0; index < shared; index++) {
      collectDifferences(stored[index], replayed[index], join(path, String(index)), out);
    }
    return;
  }
  if (isRecord(stored) && isRecord(replayed)) {
    const keys = new Set([...Object.keys(stored), ...Object.keys(replayed)]);
    for (const key of [...keys].sort())
      collectDifferences(stored[key], replayed[key], join(path, key), out);
    return;
  }
  if (stored !== replayed) out.push(path || '(quote)');
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
