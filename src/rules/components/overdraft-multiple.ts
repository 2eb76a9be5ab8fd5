import { z } from 'zod';
import { floorToMultiple, percent, roundHalfUp, ruleConstant } from '../../money/money';
import { defineComponent } from './component';
import { OVERDRAFT_TERMS } from './overdraft-terms';
import { nonNegativeDecimal, percentPoints } from './params';

const MONTHS_PER_YEAR = 12;

/**
 * §6 C5: limit = monthly net × multiple, floored to the rounding step and capped; its monthly
 * risk cost = limit × PD × LGD / 12. No multiple rule for the rating means no grace limit.
 */
export const overdraftMultiple = defineComponent({
  code: 'overdraft-multiple',
  stage: 'benefit',
  summary: 'overdraft limit as a multiple of monthly net, with its probability of default (§6 C5)',
  params: z.strictObject({
    multiple: nonNegativeDecimal.describe('times the monthly recurring net'),
    defaultProbabilityPercent: percentPoints,
  }),
  decides: () => 'overdraft-multiple',
  apply: (quote, params, because) => {
    const terms = OVERDRAFT_TERMS.require(
      quote.evaluation,
      `rule ${because.rule} sets an overdraft multiple`,
    );
    const uncapped = floorToMultiple(
      quote.monthlyNet.mul(ruleConstant(params.multiple)),
      terms.roundDownTo,
    );
    const amount = uncapped.gt(terms.cap) ? terms.cap : uncapped;
    const monthlyCost = roundHalfUp(
      amount
        .mul(percent(ruleConstant(params.defaultProbabilityPercent)))
        .mul(percent(terms.lossGivenDefaultPercent))
        .div(MONTHS_PER_YEAR),
    );
    quote.grant('overdraftLimit', { amount, monthlyCost }, [terms.because, because]);
  },
});
