import { z } from 'zod';
import { defineComponent } from './component';

/** §2: a request the tariff does not serve is refused with a reason, as a result, not an error. */
export const refuse = defineComponent({
  code: 'refuse',
  stage: 'decide',
  summary: 'refuse the quote with a reason (§2)',
  params: z.strictObject({
    reason: z.string().min(1).describe('shown to the account manager verbatim'),
  }),
  apply: (quote, { reason }, because) => quote.refuse(reason, because),
});
