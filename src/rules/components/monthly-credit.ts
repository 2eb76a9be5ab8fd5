import { z } from 'zod';
import { allocate, ruleConstant } from '../../money/money';
import { defineComponent } from './component';
import { nonNegativeDecimal } from './params';

/** A tax-inclusive amount in CNY, to the fen. */
const fenAmount = nonNegativeDecimal.refine((value) => !/\.\d{3,}$/.test(value), {
  message: 'must be an amount in CNY with at most two decimals, e.g. "500.00"',
});

/**
 * A fixed tax-inclusive amount off every monthly bill. It comes off the VAT classes in proportion
 * to their monthly net (the remainder of the split to the largest class), so the tax the bill
 * carries falls with it; it never takes the bill below zero.
 */
export const monthlyCredit = defineComponent({
  code: 'monthly-credit',
  stage: 'bill',
  summary:
    'a fixed tax-inclusive amount off the monthly bill, split across VAT classes in proportion to net',
  params: z.strictObject({
    amount: fenAmount.describe('tax-inclusive CNY off each monthly bill'),
  }),
  apply: (bill, params, because) => {
    const wanted = ruleConstant(params.amount);
    const amount = wanted.gt(bill.monthlyNet) ? bill.monthlyNet : wanted;
    const rates = [...bill.monthlyNetByVatRate.keys()];
    const shares = allocate(amount, [...bill.monthlyNetByVatRate.values()]);
    bill.credit(new Map(rates.map((rate, index) => [rate, shares[index]!])), because);
  },
});
