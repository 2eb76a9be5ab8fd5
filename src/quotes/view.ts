/**
 * What each role sees of a quote. Pricing, finance and admin roles see everything the core
 * produced. An account manager sees the customer's figures and who must approve, but not costs,
 * margin or the rules that priced risk and points (§5, §9: internal).
 *
 * Each view is a zod schema, written once: its type is inferred, the OpenAPI document shows it,
 * and what an account manager sees of a quote is the customer schema's shape and nothing else.
 */
import { z } from 'zod';
import {
  APPROVAL_LEVELS,
  QUOTE_STATES,
  ROLES,
  exactDecimal,
  isoInstant,
  quoteNumber,
  type ApprovalLevel,
  type Role,
} from '../domain';
import {
  pricedQuoteSchema,
  quoteExplanationsSchema,
  refusedQuoteSchema,
  type PricedQuote,
} from '../pricing/quote';
import { headroomSchema } from '../pricing/headroom';
import type { StoredQuote } from '../store/types';
import { APPROVERS, SEES_INTERNAL_FIGURES } from './policy';

/** The priced quote as an account manager sees it: no `internal`, and only tier and item explanations. */
export const customerQuoteSchema = pricedQuoteSchema
  .omit({ internal: true, explanations: true })
  .extend({
    explanations: quoteExplanationsSchema.pick({ tier: true, items: true, credits: true }),
  });
export type CustomerQuote = z.infer<typeof customerQuoteSchema>;

export const approvalViewSchema = z
  .strictObject({
    level: z.enum(APPROVAL_LEVELS),
    required: z.boolean(),
    approverRoles: z.array(z.enum(ROLES)),
  })
  .describe('§8 for this quote: auto needs no approval; rejected (loss-making) is never issued');
export type ApprovalView = z.infer<typeof approvalViewSchema>;

const quoteAsSeen = z.union([pricedQuoteSchema, customerQuoteSchema]);

export const quoteViewSchema = z.strictObject({
  number: quoteNumber,
  state: z.enum(QUOTE_STATES),
  enterpriseId: z.string(),
  enterpriseName: z.string(),
  accountManagerId: z.string(),
  ruleSetHash: z.string(),
  createdAt: isoInstant,
  validUntil: isoInstant,
  updatedAt: isoInstant,
  decidedBy: z.string().optional(),
  decidedAt: isoInstant.optional(),
  supersedes: quoteNumber.optional().describe('the quote this one revises'),
  supersededBy: quoteNumber
    .optional()
    .describe('the quote that replaced this one: its revision, or the accepted quote'),
  approval: approvalViewSchema,
  contractValue: exactDecimal,
  marginPct: exactDecimal.optional().describe('internal: pricing, finance and admin roles only'),
  request: z.record(z.string(), z.unknown()).describe('the validated request exactly as priced'),
  quote: quoteAsSeen,
});
export type QuoteView = z.infer<typeof quoteViewSchema>;

export const previewViewSchema = z.strictObject({
  ruleSetHash: z.string(),
  validityDays: z.int(),
  approval: approvalViewSchema,
  quote: quoteAsSeen,
  headroom: headroomSchema.optional().describe('with ?headroom=true'),
});
export type PreviewView = z.infer<typeof previewViewSchema>;

export const quotePageSchema = z.strictObject({
  items: z.array(quoteViewSchema),
  total: z.int(),
  limit: z.int(),
  offset: z.int(),
});
export type QuotePage = z.infer<typeof quotePageSchema>;

export const replayViewSchema = z.strictObject({
  number: z.string(),
  ruleSetHash: z.string(),
  equal: z.boolean().describe('the replay reproduces the stored quote exactly'),
  differences: z.array(z.string()).describe('dotted paths where it does not'),
  quote: z.union([pricedQuoteSchema, customerQuoteSchema, refusedQuoteSchema]),
});
export type ReplayView = z.infer<typeof replayViewSchema>;

/** §8 for a level: who may approve it (nobody for auto, and nobody for a loss-making quote). */
export function approvalView(level: ApprovalLevel): ApprovalView {
  const approverRoles = [...APPROVERS[level]];
  return { level, required: approverRoles.length > 0, approverRoles };
}

/** The object schemas a path into a priced quote passes through, for the customer's projection. */
type Shape = Readonly<Record<string, z.ZodType>>;

function shapeOf(schema: z.ZodType | undefined): Shape | undefined {
  return schema instanceof z.ZodObject ? schema.shape : undefined;
}

/**
 * Whether a dotted path into a priced quote (`totals.monthlyNet`) is shown to the role: it is
 * when the customer schema has every object field along it.
 */
export function isVisibleTo(role: Role, path: string): boolean {
  if (SEES_INTERNAL_FIGURES[role]) return true;
  let shape: Shape | undefined = customerQuoteSchema.shape;
  for (const segment of path.split('.')) {
    if (!shape) return true;
    const field: z.ZodType | undefined = shape[segment];
    if (!field) return false;
    shape = shapeOf(field);
  }
  return true;
}

/** The fields of `value` that `shape` names, recursively through nested object schemas. */
function project(shape: Shape, value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const projected: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(shape)) {
    if (!(key in value)) continue;
    const inner = shapeOf(field);
    const fieldValue = value[key];
    projected[key] =
      inner && fieldValue !== null && typeof fieldValue === 'object'
        ? project(inner, fieldValue as Record<string, unknown>)
        : fieldValue;
  }
  return projected;
}

/**
 * The priced quote as the role may see it: for an account manager, exactly the fields of the
 * customer schema.
 */
export function quoteFor(role: Role, quote: PricedQuote): PricedQuote | CustomerQuote {
  if (SEES_INTERNAL_FIGURES[role]) return quote;
  return project(customerQuoteSchema.shape, quote) as CustomerQuote;
}

/** A stored quote as the API answers it to the role. */
export function quoteView(role: Role, stored: StoredQuote): QuoteView {
  const internal = SEES_INTERNAL_FIGURES[role];
  return {
    number: stored.number,
    state: stored.state,
    enterpriseId: stored.enterpriseId,
    enterpriseName: stored.enterpriseName,
    accountManagerId: stored.accountManagerId,
    ruleSetHash: stored.ruleSetHash,
    createdAt: stored.createdAt,
    validUntil: stored.validUntil,
    updatedAt: stored.updatedAt,
    ...(stored.decidedBy ? { decidedBy: stored.decidedBy } : {}),
    ...(stored.decidedAt ? { decidedAt: stored.decidedAt } : {}),
    ...(stored.supersedes ? { supersedes: stored.supersedes } : {}),
    ...(stored.supersededBy ? { supersededBy: stored.supersededBy } : {}),
    approval: approvalView(stored.approvalLevel),
    contractValue: stored.contractValue,
    ...(internal ? { marginPct: stored.marginPct } : {}),
    request: stored.request,
    quote: quoteFor(role, stored.quote),
  };
}
