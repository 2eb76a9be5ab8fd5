/**
 * The quote as the core returns it: the tariff book's public contract (tier, items, totals,
 * benefits, internal; decimal strings throughout) plus eligibility, the rule-set hash and the
 * explanations. Plain JSON, so the service stores it and the proposal renders it as is.
 */
import type { ApprovalLevel, ComponentCode } from '../rules/components';
import type { ConditionSeen } from '../rules/engine';

export type LocalizedText = { 'zh-CN': string; en: string };

export interface QuoteItem {
  code: string;
  kind: 'recurring' | 'one-time';
  names: LocalizedText;
  unitNames: LocalizedText;
  quantity: string;
  unitPrice: string;
  vatRate: string;
  list: string;
  discount: string;
  net: string;
  tax: string;
  exclTax: string;
}

export interface QuoteTotals {
  monthlyList: string;
  monthlyDiscount: string;
  monthlyNet: string;
  oneTimeList: string;
  oneTimeNet: string;
  contractValue: string;
  customerSavings: string;
}

export interface QuoteBenefits {
  overdraftLimit: string;
  monthlyPoints: string;
}

/** Costs, margin and approval: for pricing and finance, never for the customer (§5, §9). */
export interface QuoteInternal {
  monthlyNetworkCost: string;
  overdraftMonthlyCost: string;
  pointsMonthlyCost: string;
  monthlyCost: string;
  oneTimeCost: string;
  revenueExclTax: string;
  totalCost: string;
  margin: string;
  marginPct: string;
  approval: ApprovalLevel;
  approvalRules: AppliedRule[];
}

/** Why a figure is what it is: the rule, its component and params, and what its conditions saw. */
export interface AppliedRule {
  rule: string;
  description?: string;
  component: ComponentCode;
  params: Record<string, unknown>;
  conditions: ConditionSeen[];
}

export interface QuoteExplanations {
  tier: AppliedRule[];
  items: Record<string, AppliedRule[]>;
  benefits: { overdraftLimit: AppliedRule[]; monthlyPoints: AppliedRule[] };
}

export interface PricedQuote {
  eligible: true;
  ruleSetHash: string;
  tier: string;
  termMonths: number;
  lines: number;
  items: QuoteItem[];
  totals: QuoteTotals;
  benefits: QuoteBenefits;
  internal: QuoteInternal;
  explanations: QuoteExplanations;
}

export interface RefusedQuote {
  eligible: false;
  ruleSetHash: string;
  reasons: string[];
  refusals: AppliedRule[];
}

/** Ineligibility is an expected outcome, so it is a result, not an exception (§2). */
export type QuoteOutcome = PricedQuote | RefusedQuote;
