/**
 * The summary's biggest movers: the first ten of every changed row in order of how far its
 * contract value moved (either way), then its margin, then its enterprise id — the rows a stable
 * sort of them all lists first, ties and amounts finer than the fen included. And the summary of
 * an analysis split into chunks: the partial summaries of consecutive chunks, merged, are the
 * summary of all their rows.
 */
import fc from 'fast-check';
import {
  changed,
  completeSummary,
  mergeParts,
  MOVERS,
  rowDeltas,
  standingOf,
  summarize,
  summarizePart,
  type ImpactRow,
  type ImpactSide,
} from '../../src/impact/compare';
import { parseDecimal } from '../../src/money/money';
import { propertyRuns } from '../support/arbitraries';

/** Few distinct amounts, so that moves tie often; now and then one finer than the fen. */
const amount = fc.constantFrom(
  '0.00',
  '10.00',
  '-10.00',
  '10',
  '25.50',
  '1000.00',
  '10.005',
  '-0.01',
);

const side: fc.Arbitrary<ImpactSide> = fc.oneof(
  fc.record({
    eligible: fc.constant(true),
    tier: fc.constantFrom('key', 'standard'),
    approval: fc.constantFrom('auto', 'pricing-manager'),
    monthlyNet: amount,
    contractValue: amount,
    revenueExclTax: amount,
    margin: amount,
    marginPct: amount,
  }) as fc.Arbitrary<ImpactSide>,
  fc.constant<ImpactSide>({ eligible: false, reasons: ['refused'] }),
  fc.constant<ImpactSide>({ eligible: false, problem: 'unpriceable' }),
);

const rows = fc
  .array(fc.tuple(side, side, fc.constantFrom('ENT-A', 'ENT-B', 'ENT-C', 'ENT-D')), {
    maxLength: 40,
  })
  .map((drawn) =>
    drawn.map(([before, after, enterpriseId], index): ImpactRow => ({
      enterpriseId,
      enterpriseName: `row ${index}`,
      before,
      after,
    })),
  );

/** Every changed row sorted whole, as the summary once did. */
function byFullSort(all: readonly ImpactRow[]) {
  const magnitude = (text: string) => parseDecimal(text).abs();
  return all
    .filter(changed)
    .map((row) => ({ row, deltas: rowDeltas(row) }))
    .sort(
      (a, b) =>
        magnitude(b.deltas.contractValue).cmp(magnitude(a.deltas.contractValue)) ||
        magnitude(b.deltas.margin).cmp(magnitude(a.deltas.margin)) ||
        a.row.enterpriseId.localeCompare(b.row.enterpriseId),
    )
    .slice(0, MOVERS)
    .map(({ row, deltas }) => ({
      enterpriseId: row.enterpriseId,
      enterpriseName: row.enterpriseName,
      contractValueDelta: deltas.contractValue,
      marginDelta: deltas.margin,
      approval: `${standingOf(row.before)} → ${standingOf(row.after)}`,
    }));
}

describe('biggest movers', () => {
  it('are the first ten changed rows of a stable sort of them all', () => {
    fc.assert(
      fc.property(rows, (all) => {
        expect(summarize(all).biggestMovers).toEqual(byFullSort(all));
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});

describe('partial summaries', () => {
  it('merged in portfolio order, are the summary of all their rows, however split', () => {
    fc.assert(
      fc.property(rows, fc.array(fc.nat(40), { maxLength: 6 }), (all, cuts) => {
        const bounds = [...new Set([0, ...cuts.map((cut) => cut % (all.length + 1)), all.length])];
        bounds.sort((a, b) => a - b);
        const chunks = bounds.slice(1).map((end, index) => all.slice(bounds[index], end));
        const merged = completeSummary(mergeParts(chunks.map(summarizePart)));
        expect(merged).toEqual(summarize(all));
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});
