import { z } from 'zod';
import type { Decimal } from '../../money/money';
import { ruleConstant } from '../../money/money';
import type { AppliedRule } from '../explanation';
import { defineComponent, Slot } from './component';
import { nonNegativeDecimal, percentPoints } from './params';

export interface PointsTerms {
  pointValue: Decimal;
  redemptionPercent: Decimal;
  because: AppliedRule;
}

/** The terms a points-multiplier rule costs its points with. */
export const POINTS_TERMS = new Slot<PointsTerms>('points-terms');

/** §6 C6: what a loyalty point is worth and how many are expected to be redeemed. */
export const pointsTerms = defineComponent({
  code: 'points-terms',
  stage: 'decide',
  summary: 'value of a loyalty point and expected redemption (§6 C6)',
  params: z.strictObject({
    pointValue: nonNegativeDecimal.describe('CNY per point'),
    redemptionPercent: percentPoints,
  }),
  decides: () => 'points-terms',
  apply: (quote, terms, because) =>
    POINTS_TERMS.set(quote.evaluation, {
      pointValue: ruleConstant(terms.pointValue),
      redemptionPercent: ruleConstant(terms.redemptionPercent),
      because,
    }),
});
