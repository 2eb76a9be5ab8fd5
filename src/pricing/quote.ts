/**
 * The quote as the core returns it: the tariff book's public contract (tier, items, totals,
 * benefits, internal; decimal strings throughout) plus eligibility, the rule-set hash and the
 * explanations. Plain JSON, so the service stores it and the proposal renders it as is.
 *
 * Written once, as zod schemas: the types below are inferred from them, the API's OpenAPI
 * document is generated from them, and the HTTP tests parse real answers with them. Strict, so a
 * field that leaks into a quote fails a test.
 */
import { z } from 'zod';
import { APPROVAL_LEVELS, exactDecimal, localizedText } from '../domain';
import { appliedRuleSchema } from '../rules/explanation';

export const quoteItemSchema = z.strictObject({
  code: z.string(),
  kind: z.enum(['recurring', 'one-time']),
  names: localizedText,
  unitNames: localizedText,
  quantity: exactDecimal,
  unitPrice: exactDecimal,
  vatRate: exactDecimal,
  list: exactDecimal,
  discount: exactDecimal,
  net: exactDecimal,
  tax: exactDecimal,
  exclTax: exactDecimal,
});
export type QuoteItem = z.infer<typeof quoteItemSchema>;

/**
 * A tax-inclusive credit off the monthly bill (a bill-level component such as monthly-credit),
 * with the part of it taken from each VAT class: a credit lowers the tax the bill carries.
 */
export const quoteCreditSchema = z.strictObject({
  rule: z.string(),
  component: z.string().describe('the component that gave it, e.g. monthly-credit'),
  amount: exactDecimal,
  byVatRate: z.array(
    z.strictObject({
      vatRate: exactDecimal,
      amount: exactDecimal,
      tax: exactDecimal,
      exclTax: exactDecimal,
    }),
  ),
});
export type QuoteCredit = z.infer<typeof quoteCreditSchema>;

export const quoteTotalsSchema = z.strictObject({
  monthlyList: exactDecimal,
  monthlyDiscount: exactDecimal,
  monthlyNet: exactDecimal,
  oneTimeList: exactDecimal,
  oneTimeNet: exactDecimal,
  contractValue: exactDecimal,
  customerSavings: exactDecimal,
});
export type QuoteTotals = z.infer<typeof quoteTotalsSchema>;

export const quoteBenefitsSchema = z.strictObject({
  overdraftLimit: exactDecimal,
  monthlyPoints: exactDecimal,
});
export type QuoteBenefits = z.infer<typeof quoteBenefitsSchema>;

/** Costs, margin and approval: for pricing and finance, never for the customer (§5, §9). */
export const quoteInternalSchema = z
  .strictObject({
    monthlyNetworkCost: exactDecimal,
    overdraftMonthlyCost: exactDecimal,
    pointsMonthlyCost: exactDecimal,
    monthlyCost: exactDecimal,
    oneTimeCost: exactDecimal,
    revenueExclTax: exactDecimal,
    totalCost: exactDecimal,
    margin: exactDecimal,
    marginPct: exactDecimal,
    approval: z.enum(APPROVAL_LEVELS),
    approvalRules: z.array(appliedRuleSchema),
  })
  .describe('Costs, margin and approval (§5, §8): pricing, finance and admin roles only');
export type QuoteInternal = z.infer<typeof quoteInternalSchema>;

export const quoteExplanationsSchema = z.strictObject({
  tier: z.array(appliedRuleSchema),
  items: z.record(z.string(), z.array(appliedRuleSchema)),
  credits: z.array(appliedRuleSchema).optional(),
  benefits: z.strictObject({
    overdraftLimit: z.array(appliedRuleSchema),
    monthlyPoints: z.array(appliedRuleSchema),
  }),
});
export type QuoteExplanations = z.infer<typeof quoteExplanationsSchema>;

/** The priced quote, whole: as the core returns it and as pricing, finance and admin roles see it. */
const quoteDate = z.iso
  .date()
  .optional()
  .describe('the calendar date (China) the quote was priced on; it decides dated rules on replay');

export const pricedQuoteSchema = z.strictObject({
  eligible: z.literal(true),
  ruleSetHash: z.string(),
  quoteDate,
  tier: z.string(),
  termMonths: z.int(),
  lines: z.int(),
  items: z.array(quoteItemSchema),
  /** Monthly credits off the bill as a whole; absent when no rule gives one. */
  credits: z.array(quoteCreditSchema).optional(),
  totals: quoteTotalsSchema,
  benefits: quoteBenefitsSchema,
  internal: quoteInternalSchema,
  explanations: quoteExplanationsSchema,
});
export type PricedQuote = z.infer<typeof pricedQuoteSchema>;

/** §2: a request the tariff refuses, with the reasons. */
export const refusedQuoteSchema = z.strictObject({
  eligible: z.literal(false),
  ruleSetHash: z.string(),
  quoteDate,
  reasons: z.array(z.string()),
  refusals: z.array(appliedRuleSchema),
});
export type RefusedQuote = z.infer<typeof refusedQuoteSchema>;

/** Ineligibility is an expected outcome, so it is a result, not an exception (§2). */
export type QuoteOutcome = PricedQuote | RefusedQuote;
