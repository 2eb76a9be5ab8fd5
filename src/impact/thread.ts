/**
 * A worker thread of the impact pool (piscina): analyses the chunks it is handed. Rule sets arrive
 * with every chunk as snapshot text (one copy to pass), and are parsed and compiled once per
 * thread, by hash. A chunk that names a range of enterprises is read here, on a connection of the
 * thread's own to the store the pool was given, so the process that hands out chunks only merges.
 */
import { workerData } from 'piscina';
import { AppError } from '../errors';
import { compileRuleSet, type RuleSet, type RuleSetSnapshot } from '../rules/compile';
import type { StoreOptions } from '../store/open';
import { openPortfolioReader, type PortfolioReader } from '../store/portfolio';
import { analyseChunk, type ChunkResult, type ChunkSource, type PortfolioEntry } from './chunk';
import { portfolioEntry } from './portfolio';

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
  source: ChunkSource;
  rows: boolean;
}

/** What the pool gives each thread: the store a chunk's range is read from, if any. */
export interface ThreadData {
  store?: StoreOptions;
}

/** Latest requests read from the store a page at a time. */
const READ_PAGE = 500;

const compiled = new Map<string, RuleSet>();
let reader: PortfolioReader | undefined;

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

async function entriesOf(source: ChunkSource): Promise<PortfolioEntry[]> {
  if ('entries' in source) return source.entries;
  const store = (workerData as ThreadData | undefined)?.store;
  if (!store) throw new AppError('rule-set', 'this impact pool was given no store to read from');
  reader ??= openPortfolioReader(store);
  const entries: PortfolioEntry[] = [];
  await reader.readLatestRequests(
    source.range,
    READ_PAGE,
    async (page) => void entries.push(...page.map(portfolioEntry)),
    source.pricedBy,
  );
  return entries;
}

export default async function analyseThreadTask(task: ThreadTask): Promise<ChunkResult> {
  return analyseChunk(
    ruleSetOf(task.before),
    ruleSetOf(task.after),
    await entriesOf(task.source),
    task.quoteDate,
    task.rows,
  );
}
