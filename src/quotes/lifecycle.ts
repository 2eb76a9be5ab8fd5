import type { ApprovalLevel, QuoteState } from '../domain';
/**
 * The quote lifecycle as data: which action moves a quote from which states to which, and when a
 * quote has outlived its validity. Pure: no store, no clock (callers pass `now`).
 *
 * draft ─submit→ pending-approval ─approve→ approved ─issue→ issued ─accept→ accepted
 *                                 ─reject→  rejected                ─decline→ declined
 * Submitting goes straight to approved when §8 needs no approval (margin ≥ 30 %) and straight to
 * rejected when the quote is loss-making (§8: "a loss-making proposal is never issued").
 * Any open quote (draft … issued) past its validity (§9: 30 days) is expired.
 *
 * draft, pending-approval ─withdraw→ withdrawn
 * Revising (REVISABLE_STATES) stores a new draft that supersedes the quote: it becomes superseded.
 * Accepting a quote supersedes every other open quote of the same enterprise: one deal is signed.
 */

export const QUOTE_ACTIONS = [
  'submit',
  'approve',
  'reject',
  'issue',
  'accept',
  'decline',
  'withdraw',
] as const;
export type QuoteAction = (typeof QUOTE_ACTIONS)[number];

export interface TransitionRule {
  from: readonly QuoteState[];
  /** The target state, or one per §8 approval level where the level decides it (submit). */
  to: QuoteState | Readonly<Record<ApprovalLevel, QuoteState>>;
  /** The move records who decided (approve, reject): decidedBy / decidedAt. */
  decision: boolean;
  /** The move supersedes every other open quote of the enterprise (accept). */
  supersedesOthers?: boolean;
  summary: string;
}

export const TRANSITIONS: Readonly<Record<QuoteAction, TransitionRule>> = {
  submit: {
    from: ['draft'],
    to: {
      auto: 'approved',
      'pricing-manager': 'pending-approval',
      'finance-director': 'pending-approval',
      rejected: 'rejected',
    },
    decision: false,
    summary:
      'Submit a draft for approval: pending-approval where §8 requires one, approved when it does not, rejected when loss-making.',
  },
  approve: {
    from: ['pending-approval'],
    to: 'approved',
    decision: true,
    summary: 'Approve a pending quote (the role §8 names for its margin; not its creator).',
  },
  reject: {
    from: ['pending-approval'],
    to: 'rejected',
    decision: true,
    summary: 'Reject a pending quote (the role §8 names for its margin; not its creator).',
  },
  issue: {
    from: ['approved'],
    to: 'issued',
    decision: false,
    summary: 'Issue an approved quote to the customer.',
  },
  accept: {
    from: ['issued'],
    to: 'accepted',
    decision: false,
    supersedesOthers: true,
    summary:
      'Record that the customer accepted an issued quote; every other open quote of the enterprise becomes superseded.',
  },
  decline: {
    from: ['issued'],
    to: 'declined',
    decision: false,
    summary: 'Record that the customer declined an issued quote.',
  },
  withdraw: {
    from: ['draft', 'pending-approval'],
    to: 'withdrawn',
    decision: false,
    summary: 'Withdraw a draft or pending quote: it ends without being offered.',
  },
};

/**
 * States a quote may be revised from: every state but the ends of a deal (accepted, and a quote
 * already superseded or withdrawn). A rejected, declined or expired quote is what a revision most
 * often answers: a smaller discount, a better offer, prices again after they lapsed.
 */
export const REVISABLE_STATES: readonly QuoteState[] = [
  'draft',
  'pending-approval',
  'approved',
  'issued',
  'rejected',
  'declined',
  'expired',
];

/** The audit action of a revision on the quote it supersedes. */
export const REVISE_ACTION = 'revise';
/** The audit action of the move to `superseded` that accepting another quote makes. */
export const SUPERSEDE_ACTION = 'supersede';
/** The state a revised quote, or an open quote of an enterprise that accepted another, ends in. */
export const SUPERSEDED: QuoteState = 'superseded';

/** States a quote can still leave by an action; past its validity such a quote is expired. */
export const OPEN_STATES: readonly QuoteState[] = [
  'draft',
  'pending-approval',
  'approved',
  'issued',
];

/** The audit action of the lazy move to `expired`, made by the actor `system`. */
export const EXPIRE_ACTION = 'expire';
export const SYSTEM_ACTOR = 'system';

const MS_PER_DAY = 24 * 60 * 60 * 1000;

/** §9: a quote is valid for the tariff's validityDays from its creation. */
export function validUntil(createdAt: Date, validityDays: number): Date {
  return new Date(createdAt.getTime() + validityDays * MS_PER_DAY);
}

/** An open quote is expired once `now` is past its validity; a closed one keeps its state. */
export function isExpired(quote: { state: QuoteState; validUntil: string }, now: Date): boolean {
  return OPEN_STATES.includes(quote.state) && now.getTime() > Date.parse(quote.validUntil);
}

export type TransitionPlan =
  | {
      ok: true;
      from: readonly QuoteState[];
      to: QuoteState;
      decision: boolean;
      supersedesOthers: boolean;
    }
  | { ok: false; state: QuoteState; allowedFrom: readonly QuoteState[] };

/** Where `action` takes a quote in `state` with this approval level, or why it cannot. */
export function planTransition(
  action: QuoteAction,
  state: QuoteState,
  approvalLevel: ApprovalLevel,
): TransitionPlan {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(state)) return { ok: false, state, allowedFrom: rule.from };
  const to = typeof rule.to === 'string' ? rule.to : rule.to[approvalLevel];
  return {
    ok: true,
    from: rule.from,
    to,
    decision: rule.decision,
    supersedesOthers: rule.supersedesOthers === true,
  };
}
