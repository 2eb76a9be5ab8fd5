/**
 * The shapes the API answers with, as zod schemas. They document the responses in the OpenAPI
 * document, and the HTTP tests parse real responses with them, so the two cannot drift apart.
 * Strict where the contract is ours (so a leaked field fails a test), loose where it is rule data.
 * The quote's own shapes are written where they are made (the pricing core, the role views) and
 * only gathered here.
 */
import { z } from 'zod';
import { QUOTE_STATES } from '../domain';
import { auditEntrySchema, publicationSchema, storedRuleSetSchema } from '../store/types';

export { pricedQuoteSchema, refusedQuoteSchema } from '../pricing/quote';
export {
  approvalViewSchema as approvalSchema,
  customerQuoteSchema,
  previewViewSchema as previewSchema,
  quotePageSchema,
  quoteViewSchema,
  replayViewSchema as replaySchema,
} from '../quotes/view';
export { auditEntrySchema, auditVerificationSchema } from '../store/types';
export { marginReportSchema } from '../reports/margin';
export { userListSchema } from '../reports/service';

export const ruleSetSchema = z.strictObject({
  hash: z.string(),
  files: z.record(z.string(), z.unknown()).describe('each file of the rule set by name, as stored'),
  version: storedRuleSetSchema,
  publications: z.array(publicationSchema).describe('its publications and rollbacks, oldest first'),
});

export const ruleSetListSchema = z.strictObject({ items: z.array(storedRuleSetSchema) });

export const publicationListSchema = z.strictObject({ items: z.array(publicationSchema) });

export const pushedRuleSetSchema = z.strictObject({
  ruleSet: storedRuleSetSchema,
  created: z.boolean().describe('false: this content was pushed before; nothing was stored again'),
  findings: z
    .array(z.object({ file: z.string(), path: z.string(), severity: z.string() }).loose())
    .describe("the verifier's warnings (an error refuses the push)"),
  cases: z.strictObject({ passed: z.int() }),
});

export { publicationSchema, storedRuleSetSchema } from '../store/types';
export { ruleSetDiffSchema } from '../rulesets/diff';

export const auditPageSchema = z.strictObject({
  items: z.array(auditEntrySchema),
  limit: z.int(),
  offset: z.int(),
});

export const healthSchema = z.strictObject({
  status: z.literal('ok'),
  store: z.enum(['sqlite', 'postgres']),
  ruleSetHash: z.string(),
});

export const errorSchema = z.strictObject({
  error: z
    .object({
      kind: z
        .string()
        .describe('invalid-input, unauthenticated, forbidden, not-found, conflict, …'),
      message: z.string(),
      requestId: z.string().optional(),
      issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
      reasons: z.array(z.string()).optional(),
      state: z.enum(QUOTE_STATES).optional(),
    })
    .loose(),
});
