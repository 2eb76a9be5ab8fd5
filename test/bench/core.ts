/**
 * npm run bench — the pricing core against bare json-rules-engine, in one run.
 *
 * quote:      validate → fresh Engine per evaluation → offer rules → §7 arithmetic → approval rules.
 * raw-engine: the baseline. The same rule files and facts through json-rules-engine with its
 *             default settings (JSONPath resolver, built-in operators plus the decimal operators the
 *             rules need) and ONE reused Engine per phase, run sequentially — nothing else.
 * Both run on one core, alternating in rounds so machine noise hits both alike. Rates are counted
 * against the process's CPU time (user + system), which other load on this shared machine does
 * not inflate the way it does wall time; wall-time rates are printed too. The figure per side is
 * the median round.
 */
import fc from 'fast-check';
import { Engine } from 'json-rules-engine';
import { performance } from 'node:perf_hooks';
import { priceQuote, requestFacts } from '../../src/pricing/price';
import { DECIMAL_OPERATOR_IMPLEMENTATIONS } from '../../src/rules/engine';
import { loadRuleSet } from '../../src/rules/load';
import type { CompiledRule } from '../../src/rules/compile';
import { eligibleRequest } from '../support/arbitraries';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

function rawEngine(rules: readonly CompiledRule[]): Engine {
  const engine = new Engine();
  for (const [name, implementation] of Object.entries(DECIMAL_OPERATOR_IMPLEMENTATIONS))
    engine.addOperator(name, implementation);
  for (const rule of rules)
    engine.addRule({
      name: rule.name,
      priority: rule.priority,
      conditions: rule.conditions as never,
      event: rule.event,
    });
  return engine;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

async function main(): Promise<void> {
  const ruleSet = loadRuleSet();
  const requests = fc.sample(eligibleRequest, { numRuns: REQUESTS, seed: 20261127 });
  const offerFacts = requests.map((request) =>
    requestFacts(ruleSet, ruleSet.requestSchema.parse(request)),
  );
  const approvalFacts = [];
  for (const request of requests) {
    const quote = await priceQuote(ruleSet, request);
    if (!quote.eligible) throw new Error('bench requests must be eligible');
    approvalFacts.push({
      ...requestFacts(ruleSet, ruleSet.requestSchema.parse(request)),
      tier: quote.tier,
      marginPct: quote.internal.marginPct,
      margin: quote.internal.margin,
    });
  }
  const offerEngine = rawEngine(ruleSet.rulesByPhase.offer);
  const approvalEngine = rawEngine(ruleSet.rulesByPhase.approval);

  const quoteRates: number[] = [];
  const rawRates: number[] = [];
  const quoteWallRates: number[] = [];
  const rawWallRates: number[] = [];
  const cpuSeconds = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1e6;
  };
  const quoteLatencies: number[] = [];
  const rawLatencies: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    let started = performance.now();
    let cpu = process.cpuUsage();
    for (const request of requests) {
      const t = performance.now();
      await priceQuote(ruleSet, request);
      quoteLatencies.push(performance.now() - t);
    }
    quoteRates.push(requests.length / cpuSeconds(cpu));
    quoteWallRates.push(requests.length / ((performance.now() - started) / 1000));

    started = performance.now();
    cpu = process.cpuUsage();
    for (let index = 0; index < requests.length; index += 1) {
      const t = performance.now();
      await offerEngine.run(offerFacts[index]);
      await approvalEngine.run(approvalFacts[index]);
      rawLatencies.push(performance.now() - t);
    }
    rawRates.push(requests.length / cpuSeconds(cpu));
    rawWallRates.push(requests.length / ((performance.now() - started) / 1000));
  }

  const quoteRate = median(quoteRates.slice(1));
  const rawRate = median(rawRates.slice(1));
  console.log(
    `requests ${requests.length} × ${ROUNDS} rounds (first round is warm-up, not counted)`,
  );
  const summary = (name: string, latencies: number[], rates: number[], wallRates: number[]) =>
    `${name.padEnd(10)} median latency ${(median(latencies) * 1000).toFixed(0)} µs; ` +
    `per CPU-second by round ${rates.map((rate) => rate.toFixed(0)).join(' ')}; wall ${median(wallRates.slice(1)).toFixed(0)}/s`;
  console.log(summary('quote', quoteLatencies, quoteRates, quoteWallRates));
  console.log(summary('raw-engine', rawLatencies, rawRates, rawWallRates));
  console.log(
    `bench: quote ${quoteRate.toFixed(0)}/s, raw-engine ${rawRate.toFixed(0)}/s, ratio ${(quoteRate / rawRate).toFixed(2)}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
