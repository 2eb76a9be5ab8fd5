import fc from 'fast-check';
import { fixtureRuleSet } from './rule-set-copy';

/** The values the fixture tariff declares for an enum customer fact (tariff.json). */
function declared(fact: string): string[] {
  const declaration = fixtureRuleSet().tariff.customerFacts.find((entry) => entry.name === fact);
  if (declaration?.type !== 'enum') throw new Error(`the fixture tariff declares no enum ${fact}`);
  return declaration.values.map((value) => value.code);
}

/**
 * Every fast-check run of a suite that imports this module uses one seed, so a run is the same
 * every time. A failing property prints its seed and path; `FC_SEED=<seed>` runs with another.
 */
export const FAST_CHECK_SEED = Number(process.env.FC_SEED ?? 20261202);
if (!Number.isSafeInteger(FAST_CHECK_SEED))
  throw new Error(`FC_SEED must be an integer, got ${process.env.FC_SEED}`);
/**
 * `FC_SHRINK=false` reports a failing property's first counterexample as it is: mutation runs
 * set it, as a property that a planted bug breaks shrinks for longer than the run may take.
 */
const SHRINK = process.env.FC_SHRINK !== 'false';
fc.configureGlobal({ seed: FAST_CHECK_SEED, ...(SHRINK ? {} : { endOnFailure: true }) });

const RUN_BUDGET = process.env.FC_RUNS === undefined ? undefined : Number(process.env.FC_RUNS);
if (RUN_BUDGET !== undefined && !(Number.isSafeInteger(RUN_BUDGET) && RUN_BUDGET > 0))
  throw new Error(`FC_RUNS must be a whole number above 0, got ${process.env.FC_RUNS}`);

/**
 * Random cases for one property: `standard` in `npm test`, at most `FC_RUNS` when it is set
 * (`npm run mutate` sets 10: every mutant runs every property that reaches it).
 */
export function propertyRuns(standard: number): number {
  return RUN_BUDGET === undefined ? standard : Math.min(standard, RUN_BUDGET);
}

const decimalText = (maxWhole: number, maxFractionDigits: number) =>
  fc
    .tuple(
      fc.integer({ min: 0, max: maxWhole }),
      fc.integer({ min: 0, max: 10 ** maxFractionDigits - 1 }),
      fc.integer({ min: 0, max: maxFractionDigits }),
    )
    .map(([whole, fraction, digits]) =>
      digits === 0
        ? String(whole)
        : `${whole}.${String(fraction).padStart(maxFractionDigits, '0').slice(0, digits)}`,
    );

/** Valid, eligible quote requests across every tier, term, rating and handset mix. */
export const eligibleRequest = fc
  .record({
    lines: fc.oneof(fc.integer({ min: 10, max: 120 }), fc.integer({ min: 10, max: 3000 })),
    termMonths: fc.constantFrom(12, 24, 36),
    // Every rating but C, which §2 refuses.
    creditRating: fc.constantFrom(...declared('creditRating').filter((rating) => rating !== 'C')),
    purchasing: fc.constantFrom(...declared('purchasing')),
    industry: fc.constantFrom(...declared('industry')),
    annualSpend: decimalText(3_000_000, 2),
    usage: fc.record({
      localMinutes: decimalText(2000, 2),
      groupMinutes: decimalText(3000, 2),
      longDistanceMinutes: decimalText(500, 2),
      sms: decimalText(300, 1),
      dataGB: decimalText(60, 3),
    }),
    ringbackTone: fc.boolean(),
    proShare: fc.integer({ min: 0, max: 100 }),
    liteShare: fc.integer({ min: 0, max: 100 }),
  })
  .map((draw) => {
    const handsets: { model: string; quantity: number }[] = [];
    if (draw.termMonths !== 12) {
      const pro = Math.floor((draw.lines * draw.proShare) / 200);
      const lite = Math.floor((draw.lines * draw.liteShare) / 200);
      if (pro > 0) handsets.push({ model: 'HX-5G-PRO', quantity: pro });
      if (lite > 0) handsets.push({ model: 'HX-5G-LITE', quantity: lite });
    }
    return {
      enterprise: {
        id: 'ENT-PROP',
        name: '属性测试有限公司',
        industry: draw.industry,
        creditRating: draw.creditRating,
        purchasing: draw.purchasing,
        annualSpend: draw.annualSpend,
      },
      termMonths: draw.termMonths,
      lines: draw.lines,
      usagePerLine: draw.usage,
      ringbackTone: draw.ringbackTone,
      handsets,
    };
  });
