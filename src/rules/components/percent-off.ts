import { z } from 'zod';
import { ruleConstant } from '../../money/money';
import { defineComponent } from './component';
import { checkItem, itemCode, percentPoints } from './params';

/** Which items a discount applies to: one item by code, or every item of a price-list category. */
const target = z.union([
  z.strictObject({ item: itemCode, percent: percentPoints }),
  z.strictObject({
    category: z.string().min(1).describe('a category from prices.json'),
    percent: percentPoints,
  }),
]);

/** C1, C3, C4, C7: percent points off an item or a category; several on one item add up (§7). */
export const percentOff = defineComponent({
  code: 'percent-off',
  stage: 'item',
  summary: 'take percent points off an item or category; several rules on one item add up',
  params: target,
  check: (params, catalogue) => {
    if ('item' in params) return checkItem('percent-off', params.item, catalogue);
    return catalogue.categories.has(params.category)
      ? []
      : [
          {
            path: 'category',
            code: 'unknown-item',
            message: `percent-off: no item in prices.json has category "${params.category}" (known: ${[...catalogue.categories].join(', ')})`,
          },
        ];
  },
  apply: (quote, params, because) => {
    const points = ruleConstant(params.percent);
    for (const item of quote.items) {
      const targeted =
        'item' in params ? item.code === params.item : item.category === params.category;
      if (targeted) item.takePercentOff(points, because);
    }
  },
});
