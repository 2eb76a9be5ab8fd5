import { z } from 'zod';
import { percent, roundHalfUp, ruleConstant } from '../../money/money';
import { defineComponent } from './component';
import { nonNegativeDecimal } from './params';
import { POINTS_TERMS } from './points-terms';

/** §6 C6: points = floor(monthly net × multiplier); cost = points × point value × redemption. */
export const pointsMultiplier = defineComponent({
  code: 'points-multiplier',
  stage: 'benefit',
  summary: 'loyalty points per CNY of monthly net (§6 C6)',
  params: z.strictObject({
    multiplier: nonNegativeDecimal.describe('points per CNY of monthly net'),
  }),
  decides: () => 'points-multiplier',
  apply: (quote, params, because) => {
    const terms = POINTS_TERMS.require(
      quote.evaluation,
      `rule ${because.rule} sets a points multiplier`,
    );
    const points = quote.monthlyNet.mul(ruleConstant(params.multiplier)).floor();
    const monthlyCost = roundHalfUp(
      points.mul(terms.pointValue).mul(percent(terms.redemptionPercent)),
    );
    quote.grant('monthlyPoints', { amount: points, monthlyCost }, [terms.because, because]);
  },
});
