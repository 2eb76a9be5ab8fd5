import { z } from 'zod';
import { ruleConstant } from '../../money/money';
import { defineComponent } from './component';
import { checkItem, itemCode, nonNegativeDecimal } from './params';

/** §6 C2: a pool of free usage, lines × freePerLine units (or all of it), on a usage item. */
export const freeUsagePool = defineComponent({
  code: 'free-usage-pool',
  stage: 'item',
  summary: 'a free pool of usage (lines × freePerLine, or unlimited) on a usage item (§6 C2)',
  params: z.union([
    z.strictObject({ item: itemCode, freePerLine: nonNegativeDecimal }),
    z.strictObject({ item: itemCode, unlimited: z.literal(true) }),
  ]),
  decides: ({ item }) => `free-usage-pool:${item}`,
  check: ({ item }, catalogue) => {
    const unknown = checkItem('free-usage-pool', item, catalogue);
    if (unknown.length > 0 || catalogue.usageItemCodes.has(item)) return unknown;
    return [
      {
        path: 'item',
        code: 'unknown-item',
        message: `free-usage-pool needs a usage item; ${item} is not billed by usage`,
      },
    ];
  },
  apply: (quote, pool, because) => {
    for (const item of quote.items) {
      if (item.code !== pool.item) continue;
      const pooled =
        'unlimited' in pool ? item.quantity : quote.lines.mul(ruleConstant(pool.freePerLine));
      item.giveFree(pooled, because);
    }
  },
});
