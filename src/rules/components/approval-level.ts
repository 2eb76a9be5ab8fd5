import { z } from 'zod';
import { APPROVAL_LEVELS } from '../../domain';
import { defineComponent } from './component';

/** §8: the approval a proposal needs before it may be issued, read off the priced margin. */
export const approvalLevel = defineComponent({
  code: 'approval-level',
  stage: 'approve',
  summary: 'the approval a proposal needs before it may be issued (§8)',
  params: z.strictObject({ level: z.enum(APPROVAL_LEVELS) }),
  decides: () => 'approval-level',
  apply: (quote, { level }, because) => quote.requireApproval(level, because),
});
