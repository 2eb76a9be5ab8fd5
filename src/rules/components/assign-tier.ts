import { z } from 'zod';
import { defineComponent } from './component';

/** §3: the customer tier, which rules of lower priority read as the fact `tier`. */
export const assignTier = defineComponent({
  code: 'assign-tier',
  stage: 'decide',
  summary: 'set the customer tier used by later rules (§3)',
  params: z.strictObject({ tier: z.string().min(1).describe('a tier from tariff.json') }),
  decides: () => 'tier',
  derives: ({ tier }) => ({ tier }),
  check: ({ tier }, catalogue) =>
    catalogue.tiers.includes(tier)
      ? []
      : [
          {
            path: 'tier',
            code: 'unknown-tier',
            message: `"${tier}" is not a tier in tariff.json (known: ${catalogue.tiers.join(', ')})`,
          },
        ],
  apply: (quote, { tier }, because) => quote.assignTier(tier, because),
});
