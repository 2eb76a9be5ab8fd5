/**
 * A worker thread of the impact pool (piscina): prices the chunks it is handed. Rule sets arrive
 * as snapshots and are compiled once per thread, by hash.
 */
import { AppError } from '../errors';
import { compileRuleSet, type RuleSet, type RuleSetSnapshot } from '../rules/compile';
import type { ImpactRow } from './compare';
import { priceChunk, type PortfolioEntry } from './chunk';

export interface StoredRuleSet {
  hash: string;
  snapshot: RuleSetSnapshot;
}

export interface ThreadTask {
  before: StoredRuleSet;
  after: StoredRuleSet;
  quoteDate: string;
  entries: PortfolioEntry[];
}

const compiled = new Map<string, RuleSet>();

function ruleSetOf({ hash, snapshot }: StoredRuleSet): RuleSet {
  let ruleSet = compiled.get(hash);
  if (!ruleSet) {
    const result = compileRuleSet(snapshot);
    if (!result.ok) throw new AppError('rule-set', `rule set ${hash} does not compile`);
    ruleSet = result.ruleSet;
    compiled.set(hash, ruleSet);
  }
  return ruleSet;
}

export default function priceThreadTask(task: ThreadTask): Promise<ImpactRow[]> {
  return priceChunk(ruleSetOf(task.before), ruleSetOf(task.after), task.entries, task.quoteDate);
}
