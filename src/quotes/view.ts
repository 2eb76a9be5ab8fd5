/**
 * What each role sees of a quote. Pricing, finance and admin roles see everything the core
 * produced. An account manager sees the customer's figures and who must approve, but not costs,
 * margin or the rules that priced risk and points (§5, §9: internal).
 */
import type { PricedQuote, QuoteExplanations } from '../pricing/quote';
import type { QuoteRequest } from '../pricing/request';
import type { ApprovalLevel } from '../rules/components';
import type { QuoteState, Role, StoredQuote } from '../store/types';
import { APPROVERS, SEES_INTERNAL_FIGURES } from './policy';

/** §8 for this quote: the level and the roles that may approve it (none for auto and rejected). */
export interface ApprovalView {
  level: ApprovalLevel;
  required: boolean;
  approverRoles: Role[];
}

/** The quote as an account manager sees it: no `internal`, and only tier and item explanations. */
export type CustomerQuote = Omit<PricedQuote, 'internal' | 'explanations'> & {
  explanations: Pick<QuoteExplanations, 'tier' | 'items'>;
};

export interface QuoteView {
  number: string;
  state: QuoteState;
  enterpriseId: string;
  enterpriseName: string;
  accountManagerId: string;
  ruleSetHash: string;
  createdAt: string;
  validUntil: string;
  updatedAt: string;
  decidedBy?: string;
  decidedAt?: string;
  approval: ApprovalView;
  contractValue: string;
  /** Internal: only for roles that see internal figures. */
  marginPct?: string;
  request: QuoteRequest;
  quote: PricedQuote | CustomerQuote;
}

/** §8 for a level: who may approve it (nobody for auto, and nobody for a loss-making quote). */
export function approvalView(level: ApprovalLevel): ApprovalView {
  const approverRoles = [...APPROVERS[level]];
  return { level, required: approverRoles.length > 0, approverRoles };
}

/** The parts of a priced quote that quoteFor leaves out for roles without internal figures. */
const INTERNAL_PARTS = ['internal', 'explanations.benefits'];

/** Whether a dotted path into a priced quote (`totals.monthlyNet`) is shown to the role. */
export function isVisibleTo(role: Role, path: string): boolean {
  return (
    SEES_INTERNAL_FIGURES[role] ||
    !INTERNAL_PARTS.some((part) => path === part || path.startsWith(`${part}.`))
  );
}

/** The priced quote as the role may see it. */
export function quoteFor(role: Role, quote: PricedQuote): PricedQuote | CustomerQuote {
  if (SEES_INTERNAL_FIGURES[role]) return quote;
  const { internal: _internal, explanations, ...customer } = quote;
  return { ...customer, explanations: { tier: explanations.tier, items: explanations.items } };
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
    approval: approvalView(stored.approvalLevel),
    contractValue: stored.contractValue,
    ...(internal ? { marginPct: stored.marginPct } : {}),
    request: stored.request,
    quote: quoteFor(role, stored.quote),
  };
}
