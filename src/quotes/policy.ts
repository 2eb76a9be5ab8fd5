/**
 * Who may do what, as data: one operation × role matrix, the §8 approval authority, and who sees
 * the internal figures. The service consults these tables and nothing else; the README's role
 * table and the OpenAPI document are read off them too.
 */
import { AppError } from '../errors';
import type { QuoteAction } from './lifecycle';
import { ROLES, type ApprovalLevel, type QuoteState, type Role } from '../domain';

export type QuoteOperation = `quote.${QuoteAction}`;
export const OPERATIONS = [
  'quote.preview',
  'quote.create',
  'quote.list',
  'quote.read',
  'quote.submit',
  'quote.approve',
  'quote.reject',
  'quote.issue',
  'quote.accept',
  'quote.decline',
  'quote.withdraw',
  'quote.revise',
  'quote.replay',
  'quote.proposal',
  'quote.deal-sheet',
  'ruleset.read',
  'ruleset.push',
  'ruleset.publish',
  'impact.run',
  'impact.read',
  'audit.read',
  'report.margin',
  'report.chart',
  'report.pdf',
  'user.list',
] as const;
export type Operation = (typeof OPERATIONS)[number];

/** The operation of a lifecycle action; fails to compile if an action lacks a row in the matrix. */
export function actionOperation(action: QuoteAction): QuoteOperation & Operation {
  return `quote.${action}`;
}

/**
 * `any`: every quote. `own`: only quotes the actor is the account manager of; another manager's
 * quote answers 404, so its existence does not leak. A role missing from a row is refused (403).
 */
export type Scope = 'any' | 'own';

const AM = 'account-manager';
const PM = 'pricing-manager';
const FD = 'finance-director';
const AUDITOR = 'finance-auditor';
const ADMIN = 'admin';

export const ACCESS: Readonly<Record<Operation, Readonly<Partial<Record<Role, Scope>>>>> = {
  'quote.preview': { [AM]: 'own', [PM]: 'any', [FD]: 'any', [ADMIN]: 'any' },
  'quote.create': { [AM]: 'own', [ADMIN]: 'own' },
  'quote.list': { [AM]: 'own', [PM]: 'any', [FD]: 'any', [AUDITOR]: 'any', [ADMIN]: 'any' },
  'quote.read': { [AM]: 'own', [PM]: 'any', [FD]: 'any', [AUDITOR]: 'any', [ADMIN]: 'any' },
  'quote.submit': { [AM]: 'own', [ADMIN]: 'any' },
  // Approvals additionally need the §8 authority for the quote's level (APPROVERS below). Admin
  // is deliberately absent: separation of duties, an operator of the system cannot wave deals through.
  'quote.approve': { [PM]: 'any', [FD]: 'any' },
  'quote.reject': { [PM]: 'any', [FD]: 'any' },
  'quote.issue': { [AM]: 'own', [ADMIN]: 'any' },
  'quote.accept': { [AM]: 'own', [ADMIN]: 'any' },
  'quote.decline': { [AM]: 'own', [ADMIN]: 'any' },
  // Withdrawing and revising are the account manager's own deal, as submitting is.
  'quote.withdraw': { [AM]: 'own', [ADMIN]: 'any' },
  'quote.revise': { [AM]: 'own', [ADMIN]: 'any' },
  'quote.replay': { [AM]: 'own', [PM]: 'any', [FD]: 'any', [AUDITOR]: 'any', [ADMIN]: 'any' },
  // The customer's copy: whoever may read the quote may print it (in the states CUSTOMER_COPY allows).
  'quote.proposal': { [AM]: 'own', [PM]: 'any', [FD]: 'any', [AUDITOR]: 'any', [ADMIN]: 'any' },
  // §5, §9: the deal sheet carries costs and margin, so exactly the roles that see internal figures.
  // The service checks quote.read first, so another manager's quote still answers 404, not 403.
  'quote.deal-sheet': { [PM]: 'any', [FD]: 'any', [AUDITOR]: 'any', [ADMIN]: 'any' },
  // A rule set carries the cost sheet (§5: internal), so account managers do not read it.
  'ruleset.read': { [PM]: 'any', [FD]: 'any', [AUDITOR]: 'any', [ADMIN]: 'any' },
  // The tariff is the pricing team's (issue 13): they push drafts and publish them (and roll back).
  // Finance reads every version, diff and history; admin is absent for the reason approvals are.
  'ruleset.push': { [PM]: 'any' },
  'ruleset.publish': { [PM]: 'any' },
  // Impact analysis (issue 13) re-prices the portfolio under a draft tariff: the pricing team
  // runs it; finance reads what it found (it shows every enterprise's margin, §5: internal).
  'impact.run': { [PM]: 'any' },
  'impact.read': { [PM]: 'any', [FD]: 'any', [AUDITOR]: 'any' },
  'audit.read': { [FD]: 'any', [AUDITOR]: 'any', [ADMIN]: 'any' },
  // Margin reports sum costs and margin (§5: internal). An account manager sees the totals of
  // their own pipeline only, without costs or margin (SEES_INTERNAL_FIGURES).
  'report.margin': { [AM]: 'own', [PM]: 'any', [FD]: 'any', [AUDITOR]: 'any', [ADMIN]: 'any' },
  // Every chart and the monthly report show margin, so none is for an account manager.
  'report.chart': { [PM]: 'any', [FD]: 'any', [AUDITOR]: 'any', [ADMIN]: 'any' },
  'report.pdf': { [PM]: 'any', [FD]: 'any', [AUDITOR]: 'any', [ADMIN]: 'any' },
  // Who the account managers in a report are: for finance and whoever runs the system.
  'user.list': { [FD]: 'any', [AUDITOR]: 'any', [ADMIN]: 'any' },
};

/** §8: the roles that may approve (or reject) a quote of each level; a finance director also covers the pricing manager's level. */
export const APPROVERS: Readonly<Record<ApprovalLevel, readonly Role[]>> = {
  auto: [],
  'pricing-manager': [PM, FD],
  'finance-director': [FD],
  rejected: [],
};

/** §5, §9: costs, margin and approval rules are internal; only these roles see them. */
export const SEES_INTERNAL_FIGURES: Readonly<Record<Role, boolean>> = {
  [AM]: false,
  [PM]: true,
  [FD]: true,
  [AUDITOR]: true,
  [ADMIN]: true,
};

/**
 * §8, §9: what the customer's proposal of a quote in each state is. `offer`: the proposal itself
 * (issued, and the accepted contract). `draft`: printed with a DRAFT mark on every page ("not an
 * offer until issued"), for discussing a quote before it is issued. `refused` (409): a rejected,
 * loss-making quote is never offered (§8); an expired one's prices have lapsed (§9); a declined
 * one is closed; a superseded or withdrawn one is no longer on offer. A loss-making quote is refused in every state (see LOSS_MAKING_LEVEL). The
 * internal deal sheet prints in every state, with the same DRAFT mark before issue.
 */
export const CUSTOMER_COPY: Readonly<Record<QuoteState, 'offer' | 'draft' | 'refused'>> = {
  draft: 'draft',
  'pending-approval': 'draft',
  approved: 'draft',
  issued: 'offer',
  accepted: 'offer',
  declined: 'refused',
  expired: 'refused',
  rejected: 'refused',
  // Another quote replaced it, or it was taken back: neither is on offer any more.
  superseded: 'refused',
  withdrawn: 'refused',
};

/** §8: a quote at this approval level is loss-making and never issued, so never printed for a customer. */
export const LOSS_MAKING_LEVEL: ApprovalLevel = 'rejected';

export interface Actor {
  id: string;
  role: Role;
}

/** The scope the actor has for `operation`; throws forbidden when the role has none. */
export function authorize(actor: Actor, operation: Operation): Scope {
  const scope = ACCESS[operation][actor.role];
  if (!scope) {
    throw new AppError('forbidden', `the role ${actor.role} may not ${describe(operation)}`, {
      operation,
      role: actor.role,
      allowedRoles: rolesAllowed(operation),
      text: {
        key: 'messages.forbiddenRole',
        params: {
          role: actor.role,
          allowed: rolesAllowed(operation).map((role) => ({ code: role })),
        },
      },
    });
  }
  return scope;
}

/** Whether the role may do `operation` at all (on some quotes, for `own`): authorize without throwing. */
export function mayDo(role: Role, operation: Operation): boolean {
  return ACCESS[operation][role] !== undefined;
}

export function rolesAllowed(operation: Operation): Role[] {
  return ROLES.filter((role) => ACCESS[operation][role] !== undefined);
}

/** Throws forbidden unless the actor holds the §8 authority for this level and did not create the quote. */
export function assertMayDecide(
  actor: Actor,
  quote: { number: string; approvalLevel: ApprovalLevel; accountManagerId: string },
): void {
  const approvers = APPROVERS[quote.approvalLevel];
  if (!approvers.includes(actor.role)) {
    throw new AppError(
      'forbidden',
      `${quote.number} needs approval level ${quote.approvalLevel} (§8): ${approvers.length > 0 ? `only ${approvers.join(' or ')} may decide it` : 'nobody decides it by hand'}`,
      { approvalLevel: quote.approvalLevel, allowedRoles: approvers },
    );
  }
  // Separation of duties: whoever made the deal does not sign it off.
  if (actor.id === quote.accountManagerId) {
    throw new AppError(
      'forbidden',
      `${quote.number} was created by you; someone else must decide it`,
    );
  }
}

function describe(operation: Operation): string {
  const [subject, verb] = operation.split('.') as [string, string];
  if (subject === 'audit') return 'read the audit log';
  if (subject === 'ruleset') {
    if (verb === 'push') return 'push rule sets';
    if (verb === 'publish') return 'publish or roll back rule sets';
    return 'read rule sets';
  }
  if (subject === 'impact') return verb === 'run' ? 'run impact analyses' : 'read impact analyses';
  if (subject === 'user') return 'list users';
  if (verb === 'margin') return 'read margin reports';
  if (verb === 'chart') return 'draw margin charts';
  if (verb === 'pdf') return 'print the monthly finance report';
  if (verb === 'proposal') return 'print proposals';
  if (verb === 'deal-sheet') return 'print deal sheets (they carry costs and margin)';
  return verb === 'list' ? 'list quotes' : `${verb} quotes`;
}
