/**
 * The shapes the API answers with, as zod schemas. They document the responses in the OpenAPI
 * document, and the HTTP tests parse real responses with them, so the two cannot drift apart.
 * Strict where the contract is ours (so a leaked field fails a test), loose where it is rule data.
 */
import { z } from 'zod';
import { DECIMAL_PATTERN } from '../money/money';
import { APPROVAL_LEVELS, COMPONENT_CODES } from '../rules/components';
import { QUOTE_STATES, ROLES } from '../store/types';
import { QUOTE_NUMBER_PATTERN } from './quotes/validators';

const decimal = z
  .string()
  .regex(DECIMAL_PATTERN)
  .describe('an exact decimal string, e.g. "4104.00"');
const instant = z.iso.datetime().describe('ISO 8601 UTC date-time');
const localized = z.strictObject({ 'zh-CN': z.string(), en: z.string() });

const conditionSeen = z.strictObject({
  fact: z.string(),
  operator: z.string(),
  value: z.unknown(),
  saw: z.unknown(),
  passed: z.boolean(),
});

export const appliedRuleSchema = z
  .strictObject({
    rule: z.string(),
    description: z.string().optional(),
    component: z.enum(COMPONENT_CODES as [string, ...string[]]),
    params: z.record(z.string(), z.unknown()),
    conditions: z.array(conditionSeen),
  })
  .describe('A rule that fired: its component, params and what its conditions saw');

const quoteItem = z.strictObject({
  code: z.string(),
  kind: z.enum(['recurring', 'one-time']),
  names: localized,
  unitNames: localized,
  quantity: decimal,
  unitPrice: decimal,
  vatRate: decimal,
  list: decimal,
  discount: decimal,
  net: decimal,
  tax: decimal,
  exclTax: decimal,
});

const totals = z.strictObject({
  monthlyList: decimal,
  monthlyDiscount: decimal,
  monthlyNet: decimal,
  oneTimeList: decimal,
  oneTimeNet: decimal,
  contractValue: decimal,
  customerSavings: decimal,
});

const benefits = z.strictObject({ overdraftLimit: decimal, monthlyPoints: decimal });

const internal = z
  .strictObject({
    monthlyNetworkCost: decimal,
    overdraftMonthlyCost: decimal,
    pointsMonthlyCost: decimal,
    monthlyCost: decimal,
    oneTimeCost: decimal,
    revenueExclTax: decimal,
    totalCost: decimal,
    margin: decimal,
    marginPct: decimal,
    approval: z.enum(APPROVAL_LEVELS),
    approvalRules: z.array(appliedRuleSchema),
  })
  .describe('Costs, margin and approval (§5, §8): pricing, finance and admin roles only');

const quoteCore = {
  eligible: z.literal(true),
  ruleSetHash: z.string(),
  tier: z.string(),
  termMonths: z.int(),
  lines: z.int(),
  items: z.array(quoteItem),
  totals,
  benefits,
};

const itemExplanations = z.record(z.string(), z.array(appliedRuleSchema));

/** The priced quote as pricing, finance and admin roles see it. */
export const pricedQuoteSchema = z.strictObject({
  ...quoteCore,
  internal,
  explanations: z.strictObject({
    tier: z.array(appliedRuleSchema),
    items: itemExplanations,
    benefits: z.strictObject({
      overdraftLimit: z.array(appliedRuleSchema),
      monthlyPoints: z.array(appliedRuleSchema),
    }),
  }),
});

/** The priced quote as an account manager sees it: no internal figures. */
export const customerQuoteSchema = z.strictObject({
  ...quoteCore,
  explanations: z.strictObject({ tier: z.array(appliedRuleSchema), items: itemExplanations }),
});

export const refusedQuoteSchema = z.strictObject({
  eligible: z.literal(false),
  ruleSetHash: z.string(),
  reasons: z.array(z.string()),
  refusals: z.array(appliedRuleSchema),
});

export const approvalSchema = z
  .strictObject({
    level: z.enum(APPROVAL_LEVELS),
    required: z.boolean(),
    approverRoles: z.array(z.enum(ROLES)),
  })
  .describe('§8 for this quote: auto needs no approval; rejected (loss-making) is never issued');

const anyQuote = z.union([pricedQuoteSchema, customerQuoteSchema]);

export const quoteViewSchema = z.strictObject({
  number: z.string().regex(QUOTE_NUMBER_PATTERN),
  state: z.enum(QUOTE_STATES),
  enterpriseId: z.string(),
  enterpriseName: z.string(),
  accountManagerId: z.string(),
  ruleSetHash: z.string(),
  createdAt: instant,
  validUntil: instant,
  updatedAt: instant,
  decidedBy: z.string().optional(),
  decidedAt: instant.optional(),
  approval: approvalSchema,
  contractValue: decimal,
  marginPct: decimal.optional().describe('internal: pricing, finance and admin roles only'),
  request: z.record(z.string(), z.unknown()).describe('the validated request exactly as priced'),
  quote: anyQuote,
});

export const previewSchema = z.strictObject({
  ruleSetHash: z.string(),
  validityDays: z.int(),
  approval: approvalSchema,
  quote: anyQuote,
});

export const quotePageSchema = z.strictObject({
  items: z.array(quoteViewSchema),
  total: z.int(),
  limit: z.int(),
  offset: z.int(),
});

export const replaySchema = z.strictObject({
  number: z.string(),
  ruleSetHash: z.string(),
  equal: z.boolean().describe('the replay reproduces the stored quote exactly'),
  differences: z.array(z.string()).describe('dotted paths where it does not'),
  quote: z.union([pricedQuoteSchema, customerQuoteSchema, refusedQuoteSchema]),
});

export const ruleSetSchema = z.strictObject({
  hash: z.string(),
  files: z.record(z.string(), z.unknown()).describe('each file of the rule set by name, as stored'),
});

export const auditEntrySchema = z.strictObject({
  seq: z.int(),
  at: instant,
  actorId: z.string().nullable(),
  action: z.string(),
  quoteNumber: z.string().nullable(),
  ruleSetHash: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});

export const auditPageSchema = z.strictObject({
  items: z.array(auditEntrySchema),
  limit: z.int(),
  offset: z.int(),
});

export const auditVerificationSchema = z.strictObject({
  ok: z.boolean(),
  checked: z.int(),
  problems: z.array(z.strictObject({ seq: z.int(), message: z.string() })),
  head: z.strictObject({ seq: z.int(), hash: z.string() }).optional(),
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
