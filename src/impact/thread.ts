/**
 * A worker thread of the impact pool (piscina): prices the chunks it is handed. Rule sets arrive
 * with every chunk as snapshot text (one copy to pass), and are parsed and compiled once per
 * thread, by hash.
 */
import { AppError } from '../errors';
import { compileRuleSet, type RuleSet, type RuleSetSnapshot } from '../rules/compile';
import type { ImpactRow } from './compare';
import { priceChunk, type PortfolioEntry } from './chunk';

export interface StoredRuleSet {
  hash: string;
  snapshot: RuleSetSnapshot;
}

/** A rule set as a chunk carries it to a thread: its hash and its snapshot's JSON text. */
export interface RuleSetText {
  hash: string;
  snapshotText: string;
}

export interface ThreadTask {
  before: RuleSetText;
  after: RuleSetText;
  quoteDate: string;
  entries: PortfolioEntry[];
}

const compiled = new Map<string, RuleSet>();

function ruleSetOf({ hash, snapshotText }: RuleSetText): RuleSet {
  let ruleSet = compiled.get(hash);
  if (!ruleSet) {
    const result = compileRuleSet(JSON.parse(snapshotText) as RuleSetSnapshot);
    if (!result.ok) throw new AppError('rule-set', `rule set ${hash} does not compile`);
    ruleSet = result.ruleSet;
    compiled.set(hash, ruleSet);
  }
  return ruleSet;
}

export default function priceThreadTask(task: ThreadTask): Promise<ImpactRow[]> {
  return priceChunk(ruleSetOf(task.before), ruleSetOf(task.after), task.entries, task.quoteDate);
}
