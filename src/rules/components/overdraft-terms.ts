import { z } from 'zod';
import type { Decimal } from '../../money/money';
import { ruleConstant } from '../../money/money';
import type { AppliedRule } from '../explanation';
import { defineComponent, Slot } from './component';
import { nonNegativeDecimal, percentPoints, positiveDecimal } from './params';

export interface OverdraftTerms {
  roundDownTo: Decimal;
  cap: Decimal;
  lossGivenDefaultPercent: Decimal;
  because: AppliedRule;
}

/** The terms an overdraft-multiple rule prices its limit with. */
export const OVERDRAFT_TERMS = new Slot<OverdraftTerms>('overdraft-terms');

/** §6 C5: how the overdraft grace limit is rounded and capped, and the loss given default. */
export const overdraftTerms = defineComponent({
  code: 'overdraft-terms',
  stage: 'decide',
  summary: 'rounding, cap and loss-given-default of the overdraft grace limit (§6 C5)',
  params: z.strictObject({
    roundDownTo: positiveDecimal.describe(
      'the limit is floored to a multiple of this (above zero)',
    ),
    cap: nonNegativeDecimal,
    lossGivenDefaultPercent: percentPoints,
  }),
  decides: () => 'overdraft-terms',
  apply: (quote, terms, because) =>
    OVERDRAFT_TERMS.set(quote.evaluation, {
      roundDownTo: ruleConstant(terms.roundDownTo),
      cap: ruleConstant(terms.cap),
      lossGivenDefaultPercent: ruleConstant(terms.lossGivenDefaultPercent),
      because,
    }),
});
