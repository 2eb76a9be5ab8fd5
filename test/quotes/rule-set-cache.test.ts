/**
 * The compiled rule sets replay and printing use: loaded once per hash from the store, never
 * remembered when the load fails, and bounded, the least recently used compiled again when asked.
 */
import { AppError } from '../../src/errors';
import { RuleSetCache } from '../../src/quotes/replay';
import { compileRuleSet, type RuleSet, type RuleSetSnapshot } from '../../src/rules/compile';
import { fixtureRuleSet } from '../support/rule-set-copy';
import type { Store } from '../../src/store/types';

const current = fixtureRuleSet();

/** The current rule set under another tariff version: a rule set with a hash of its own. */
function version(n: number): RuleSet {
  const tariff = current.snapshot.files['tariff.json'] as Record<string, unknown>;
  const result = compileRuleSet({
    files: { ...current.snapshot.files, 'tariff.json': { ...tariff, version: `test-${n}` } },
  });
  if (!result.ok) throw new Error(`variant ${n} does not compile`);
  return result.ruleSet;
}

/** A store holding these snapshots, counting what it is asked for. */
function storeOf(snapshots: ReadonlyMap<string, RuleSetSnapshot>) {
  const reads: string[] = [];
  const store = {
    getRuleSet: async (hash: string) => {
      reads.push(hash);
      return snapshots.get(hash);
    },
  } as unknown as Store;
  return { store, reads };
}

it('answers a preloaded rule set without asking the store', async () => {
  const { store, reads } = storeOf(new Map());
  const cache = new RuleSetCache(store, [current]);
  expect(await cache.get(current.hash)).toBe(current);
  expect(reads).toEqual([]);
});

it('loads a rule set once however many ask at once, and keeps it', async () => {
  const old = version(1);
  const { store, reads } = storeOf(new Map([[old.hash, old.snapshot]]));
  const cache = new RuleSetCache(store);
  const answers = await Promise.all([cache.get(old.hash), cache.get(old.hash)]);
  expect(await cache.get(old.hash)).toBe(answers[0]);
  expect(answers[1]).toBe(answers[0]);
  expect(answers[0]!.hash).toBe(old.hash);
  expect(reads).toEqual([old.hash]);
});

it('does not remember a failed load: a missing or changed snapshot is asked about again', async () => {
  const old = version(2);
  const changed = version(3);
  const { store, reads } = storeOf(new Map([[old.hash, changed.snapshot]]));
  const cache = new RuleSetCache(store);
  for (const hash of ['f'.repeat(64), old.hash]) {
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await cache.get(hash).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).kind).toBe('rule-set');
    }
  }
  expect(reads).toEqual(['f'.repeat(64), 'f'.repeat(64), old.hash, old.hash]);
});

it('keeps at most 16, dropping the least recently used', async () => {
  const versions = Array.from({ length: 17 }, (_, n) => version(100 + n));
  const { store, reads } = storeOf(new Map(versions.map((v) => [v.hash, v.snapshot])));
  const cache = new RuleSetCache(store);
  for (const ruleSet of versions.slice(0, 16)) await cache.get(ruleSet.hash);
  await cache.get(versions[0]!.hash); // used again: the second is now the least recent
  await cache.get(versions[16]!.hash);
  reads.length = 0;
  await cache.get(versions[0]!.hash);
  await cache.get(versions[16]!.hash);
  expect(reads).toEqual([]);
  await cache.get(versions[1]!.hash);
  expect(reads).toEqual([versions[1]!.hash]);
});
