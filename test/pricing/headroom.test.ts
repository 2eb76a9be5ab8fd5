/**
 * Headroom (issue 14 §2): the deepest extra negotiated percent on each item that keeps the
 * quote's approval level, and where each next level starts — exact to 0.01 point: one hundredth
 * deeper flips the level.
 */
import { APPROVAL_LEVELS } from '../../src/domain';
import { headroom } from '../../src/pricing/headroom';
import { priceRequest } from '../../src/pricing/price';
import { parseQuoteRequest, type QuoteRequest } from '../../src/rules/request';
import { fixtureRuleSet } from '../support/rule-set-copy';
import { workedExample } from '../support/tariff-book';

const ruleSet = fixtureRuleSet();

async function levelWith(request: QuoteRequest, item: string, percent: string) {
  const quote = await priceRequest(ruleSet, {
    ...request,
    adjustments: [...(request.adjustments ?? []), { item, percent, reason: 'test' }],
  });
  if (!quote.eligible) throw new Error('expected a price');
  return quote.internal.approval;
}

/** One hundredth of a point less: "12.5" → "12.49", "3" → "2.99". */
function hundredthLess(percent: string): string {
  const [whole, fraction = ''] = percent.split('.');
  const hundredths = Number(whole) * 100 + Number(fraction.padEnd(2, '0')) - 1;
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}

describe('headroom', () => {
  it.each([
    ['ENT-0001', 0],
    ['ENT-0003', 1],
  ] as const)(
    '%s: each boundary is exact to one hundredth of a point',
    async (id, leastBoundaries) => {
      const request = parseQuoteRequest(ruleSet.requestSchema, workedExample(id).request);
      const room = await headroom(ruleSet, request);
      if (!room) throw new Error('expected headroom');
      const base = await priceRequest(ruleSet, request);
      if (!base.eligible) throw new Error('expected a price');
      expect(room.level).toBe(base.internal.approval);
      expect(room.items.map((item) => item.item)).toEqual(base.items.map((item) => item.code));
      let boundaries = 0;
      for (const item of room.items) {
        expect(await levelWith(request, item.item, item.keepsLevelUpTo)).toBe(room.level);
        for (const reached of item.reaches) {
          boundaries += 1;
          const at = await levelWith(request, item.item, reached.fromPercent);
          const before = await levelWith(request, item.item, hundredthLess(reached.fromPercent));
          expect(APPROVAL_LEVELS.indexOf(at)).toBeGreaterThanOrEqual(
            APPROVAL_LEVELS.indexOf(reached.level),
          );
          expect(APPROVAL_LEVELS.indexOf(before)).toBeLessThan(
            APPROVAL_LEVELS.indexOf(reached.level),
          );
        }
        if (item.reaches[0])
          expect(item.keepsLevelUpTo).toBe(
            hundredthLess(item.reaches[0].fromPercent).replace(/\.?0+$/, ''),
          );
      }
      // ENT-0003 (finance-director at 0.15 % margin) turns loss-making with a little more off.
      expect(boundaries).toBeGreaterThanOrEqual(leastBoundaries);
    },
  );

  it('an item a discount cannot change keeps the level all the way', async () => {
    const request = parseQuoteRequest(ruleSet.requestSchema, workedExample('ENT-0001').request);
    const room = await headroom(ruleSet, request);
    // Intra-group minutes are all in the free pool (§6 C2): nothing left to discount.
    expect(room?.items.find((item) => item.item === 'GROUP_MIN')).toEqual({
      item: 'GROUP_MIN',
      keepsLevelUpTo: '100',
      reaches: [],
    });
  });
});
