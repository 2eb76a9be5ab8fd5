/**
 * Rule sets read back from the store, compiled, for whoever prices with a set other than the one
 * live in this process (impact analysis, replays of a draft): by hash, or the store's live one.
 * And the first start's import of RULES_DIR into a store that has no live set yet.
 */
import { AppError } from '../errors';
import { SYSTEM_ACTOR } from '../quotes/lifecycle';
import { RuleSetCache } from '../quotes/replay';
import type { RuleSet } from '../rules/compile';
import type { Store } from '../store/types';

/**
 * The compiled rule set stored under `hash`; not-found (404) when the store has none. Pass a
 * cache to compile each set once across calls (a compile takes some milliseconds).
 */
export async function loadStoredRuleSet(
  store: Store,
  hash: string,
  cache: RuleSetCache = new RuleSetCache(store),
): Promise<RuleSet> {
  if (!(await store.describeRuleSet(hash))) {
    throw new AppError('not-found', `no rule set with hash ${hash}`);
  }
  return cache.get(hash);
}

/** The hash of the store's live rule set; undefined on a store no service has started on. */
export async function liveRuleSetHash(store: Store): Promise<string | undefined> {
  return (await store.liveRuleSetVersion()).hash;
}

/** The store's live rule set, compiled; not-found on a store no service has started on. */
export async function loadLiveRuleSet(
  store: Store,
  cache: RuleSetCache = new RuleSetCache(store),
): Promise<RuleSet> {
  const hash = await liveRuleSetHash(store);
  if (!hash) throw new AppError('not-found', 'the store has no live rule set yet');
  return cache.get(hash);
}

/**
 * A store without a live set (a new one, or the first start after migration 0006) gets the rule
 * directory as its live set, as every start used to: `load` reads it only then, and a broken one
 * stops the start. Later starts price with the store's live set, whatever the directory holds.
 */
export async function importLiveRuleSetIfNone(
  store: Store,
  load: () => RuleSet,
  source: string,
  now: Date = new Date(),
): Promise<{ hash: string; imported: boolean; ruleSet?: RuleSet }> {
  const live = await liveRuleSetHash(store);
  if (live) return { hash: live, imported: false };
  const ruleSet = load();
  const result = await store.importLiveRuleSet({
    hash: ruleSet.hash,
    snapshot: ruleSet.snapshot,
    actorId: SYSTEM_ACTOR,
    note: `imported from ${source} at the first start`,
    now: now.toISOString(),
  });
  return result.hash === ruleSet.hash ? { ...result, ruleSet } : result;
}
