/**
 * The quote service: every use case of the API (and of any other front end) as one function that
 * takes the acting user. It authorizes (policy.ts), prices with the pure core, moves quotes
 * through the lifecycle (lifecycle.ts) and hands storage to the Store. No HTTP in here.
 */
import { AppError } from '../errors';
import { headroom } from '../pricing/headroom';
import { priceRequest } from '../pricing/price';
import { negotiatedDiscounts } from '../pricing/waterfall';
import {
  proposalInputFromStoredQuote,
  type ProposalDocument,
  type ProposalLanguage,
  type QuoteDecision,
} from '../proposals/input';
import { withoutInternals, type ProposalRenderer } from '../proposals/renderer';
import { parseQuoteRequest } from '../rules/request';
import type { RuleSet } from '../rules/compile';
import { tamperedQuoteError, type TamperRefusal } from '../store/quote-trail';
import type {
  AuditEntry,
  AuditVerification,
  CheckedQuote,
  QuoteFilter,
  Store,
  StoredQuote,
} from '../store/types';
import {
  EXPIRE_ACTION,
  OPEN_STATES,
  REVISABLE_STATES,
  REVISE_ACTION,
  SUPERSEDED,
  SUPERSEDE_ACTION,
  SYSTEM_ACTOR,
  isExpired,
  planTransition,
  validUntil,
  type QuoteAction,
} from './lifecycle';
import {
  CUSTOMER_COPY,
  LOSS_MAKING_LEVEL,
  actionOperation,
  assertMayDecide,
  authorize,
  type Actor,
  type Scope,
} from './policy';
import { RuleSetCache, replayQuote } from './replay';
import { EventLoopTurns } from './turns';
import {
  approvalView,
  isVisibleTo,
  quoteFor,
  quoteView,
  type PreviewView,
  type QuotePage,
  type QuoteView,
  type ReplayView,
} from './view';
import { calendarDate } from '../calendar';
import { canonicalJson } from '../hashing';

export type Clock = () => Date;

/**
 * Where the rule set for a new quote comes from: the store's live set, swapped when a publication
 * changes it (src/rulesets/live.ts). A request reads it once and prices with that set throughout.
 */
export interface RuleSetSource {
  current(): RuleSet;
}

export interface QuoteServiceOptions {
  store: Store;
  /** The rule set new quotes are priced with: one fixed set, or the store's live one. */
  ruleSet: RuleSet | RuleSetSource;
  clock?: Clock;
  /** Prints proposals and deal sheets; without one, printing answers AppError('unavailable'). */
  renderer?: ProposalRenderer;
}

/** A printed proposal or deal sheet and the file name it is offered under. */
export interface PrintedQuote {
  pdf: Buffer;
  /** ASCII: `Q-2026-000001-zh-CN.pdf`, `Q-2026-000001-deal-sheet-en.pdf`. */
  filename: string;
}

export interface AuditPage {
  items: AuditEntry[];
  limit: number;
  offset: number;
}

/** A page of the log newest first, with how many entries there are in all. */
export interface AuditLogPage extends AuditPage {
  total: number;
}

/** Q-0000-…: year 0 is never assigned, so the probe never finds (or loads) a quote. */
const HEALTH_PROBE_NUMBER = 'Q-0000-000000';

/**
 * A list sweeps for overdue quotes at most this often (by the service's clock): the sweep costs
 * a few queries, and a quote that expires in between is still shown as expired by expireIfDue.
 */
const EXPIRY_SWEEP_INTERVAL_MS = 1000;

/**
 * How many overdue quotes one sweep step expires, in one transaction (one durable commit); a
 * sweep repeats until none is left.
 */
const EXPIRY_SWEEP_BATCH = 500;

export class QuoteService {
  readonly store: Store;
  private readonly rules: RuleSetSource;
  private readonly clock: Clock;
  private readonly ruleSets: RuleSetCache;
  private readonly renderer: ProposalRenderer | undefined;
  private readonly ruleSetsSaved = new Map<string, Promise<unknown>>();
  private lastExpirySweep = Number.NEGATIVE_INFINITY;
  private readonly pricingTurns: EventLoopTurns | undefined;

  constructor(options: QuoteServiceOptions) {
    this.store = options.store;
    const given = options.ruleSet;
    this.rules = 'current' in given ? given : { current: () => given };
    this.clock = options.clock ?? (() => new Date());
    this.ruleSets = new RuleSetCache(options.store, [this.rules.current()]);
    this.renderer = options.renderer;
    // On PostgreSQL a batch of creates holds the year's counter and the audit-chain head over
    // several round trips. A reply that arrived while this process was pricing waited until every
    // request read in the same turn was priced, and so did the other processes' creates queued
    // for those locks. Priced one per turn, the reply is handled in between: 699–747 creates/s
    // became 806–833 (bench:http, same runs; one process: 529–545 became 642–732). SQLite commits
    // synchronously and gathers a batch over one turn, so there turns would only split batches
    // (1,269–1,278/s fell to 907–1,033).
    this.pricingTurns = options.store.dialect === 'postgres' ? new EventLoopTurns() : undefined;
  }

  /** The rule set a new quote is priced with now. */
  get ruleSet(): RuleSet {
    return this.rules.current();
  }

  /**
   * Stores a rule set once (its first use is audited); safe to call again. A live set from the
   * store is stored already, and this finds it in one read, once per process.
   */
  saveRuleSet(ruleSet: RuleSet = this.ruleSet): Promise<unknown> {
    let saved = this.ruleSetsSaved.get(ruleSet.hash);
    if (!saved) {
      saved = this.store.saveRuleSet(
        ruleSet.hash,
        ruleSet.snapshot,
        SYSTEM_ACTOR,
        this.clock().toISOString(),
      );
      this.ruleSetsSaved.set(ruleSet.hash, saved);
      saved.catch(() => this.ruleSetsSaved.delete(ruleSet.hash));
    }
    return saved;
  }

  /** Prices a request without storing anything. */
  async preview(
    actor: Actor,
    input: unknown,
    sourceText?: string,
    options: { headroom?: boolean } = {},
  ): Promise<PreviewView> {
    authorize(actor, 'quote.preview');
    const { ruleSet, request, quote } = await this.price(input, sourceText);
    // The deal desk's view costs a few hundred pricings, so it is priced only when asked for.
    const room = options.headroom
      ? await headroom(ruleSet, request, quote.quoteDate ? { quoteDate: quote.quoteDate } : {})
      : undefined;
    return {
      ruleSetHash: quote.ruleSetHash,
      validityDays: ruleSet.tariff.validityDays,
      approval: approvalView(quote.internal.approval),
      quote: quoteFor(actor.role, quote),
      ...(room ? { headroom: room } : {}),
    };
  }

  /**
   * Prices and stores a draft. With an idempotency key, a retry by the same user returns the
   * first quote (`created: false`); reusing the key for a different request is a conflict.
   */
  async create(
    actor: Actor,
    input: unknown,
    idempotencyKey?: string,
    sourceText?: string,
  ): Promise<{ quote: QuoteView; created: boolean }> {
    authorize(actor, 'quote.create');
    const { ruleSet, request, quote } = await this.price(input, sourceText);
    await this.saveRuleSet(ruleSet);
    const now = this.clock();
    const result = await this.store.createQuote({
      accountManagerId: actor.id,
      request,
      quote,
      state: 'draft',
      createdAt: now.toISOString(),
      validUntil: validUntil(now, ruleSet.tariff.validityDays).toISOString(),
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    });
    if (!result.created && canonicalJson(result.quote.request) !== canonicalJson(asJson(request))) {
      throw new AppError(
        'conflict',
        `Idempotency-Key ${JSON.stringify(idempotencyKey)} was already used for a different request (quote ${result.quote.number})`,
        { quoteNumber: result.quote.number },
      );
    }
    const current = await this.expireIfDue(result.quote);
    return { quote: quoteView(actor.role, current), created: result.created };
  }

  async get(actor: Actor, number: string): Promise<QuoteView> {
    const scope = authorize(actor, 'quote.read');
    const stored = await this.expireIfDue(await this.visibleQuote(actor, scope, number));
    return quoteView(actor.role, stored);
  }

  /** Lists quotes; an account manager's list is always narrowed to their own quotes. */
  async list(actor: Actor, filter: QuoteFilter): Promise<QuotePage> {
    const scope = authorize(actor, 'quote.list');
    const page = { limit: filter.limit, offset: filter.offset };
    if (scope === 'own') {
      if (filter.accountManagerId !== undefined && filter.accountManagerId !== actor.id) {
        return { items: [], total: 0, ...page };
      }
      filter = { ...filter, accountManagerId: actor.id };
    }
    await this.expireOverdue();
    const { items, total } = await this.store.listQuotes(filter);
    const current = await Promise.all(items.map((stored) => this.expireIfDue(stored)));
    return { items: current.map((stored) => quoteView(actor.role, stored)), total, ...page };
  }

  /**
   * Moves a quote by a lifecycle action; an action its state does not allow is a conflict naming
   * the state, and so is any action on a quote whose row does not match its audit trail.
   */
  async act(
    actor: Actor,
    number: string,
    action: QuoteAction,
    comment?: string,
  ): Promise<QuoteView> {
    const scope = authorize(actor, actionOperation(action));
    const checked = await this.visibleCheckedQuote(actor, scope, number);
    const stored = await this.trustedQuote(checked, { moved: action });
    const plan = planTransition(action, stored.state, stored.approvalLevel);
    if (!plan.ok) {
      throw new AppError(
        'conflict',
        `${number} is ${plan.state}: ${action} needs a quote that is ${plan.allowedFrom.join(' or ')}`,
        { state: plan.state, action, allowedFrom: plan.allowedFrom },
      );
    }
    if (plan.decision) assertMayDecide(actor, stored);
    const updated = await this.store.transition({
      number,
      from: [stored.state],
      to: plan.to,
      actorId: actor.id,
      action,
      ...(comment !== undefined ? { comment } : {}),
      now: this.clock().toISOString(),
      decision: plan.decision,
      ...(plan.supersedesOthers
        ? { supersede: { states: OPEN_STATES, to: SUPERSEDED, action: SUPERSEDE_ACTION } }
        : {}),
    });
    return quoteView(actor.role, updated);
  }

  /**
   * Revises a quote: prices the changed request now, under the live rule set, and stores it as
   * a new draft (a new number, the same account manager) that supersedes the quote, which becomes
   * superseded; both audited in one transaction. Of two revisions of one quote at once, one wins
   * and the other is a conflict naming the revision that superseded it. A request the tariff
   * refuses, or one for another enterprise, changes nothing.
   */
  async revise(
    actor: Actor,
    number: string,
    input: unknown,
    sourceText?: string,
  ): Promise<QuoteView> {
    const scope = authorize(actor, 'quote.revise');
    const checked = await this.visibleCheckedQuote(actor, scope, number);
    const stored = await this.trustedQuote(checked, 'revised');
    if (!REVISABLE_STATES.includes(stored.state)) {
      throw new AppError(
        'conflict',
        `${number} is ${stored.state}${stored.supersededBy ? ` (superseded by ${stored.supersededBy})` : ''}: revise needs a quote that is ${REVISABLE_STATES.join(' or ')}`,
        {
          state: stored.state,
          action: REVISE_ACTION,
          allowedFrom: REVISABLE_STATES,
          ...(stored.supersededBy ? { supersededBy: stored.supersededBy } : {}),
        },
      );
    }
    const { ruleSet, request, quote } = await this.price(input, sourceText);
    await this.saveRuleSet(ruleSet);
    const now = this.clock();
    const { quote: revision } = await this.store.reviseQuote({
      number,
      from: REVISABLE_STATES,
      to: SUPERSEDED,
      actorId: actor.id,
      action: REVISE_ACTION,
      revision: {
        accountManagerId: stored.accountManagerId,
        request,
        quote,
        state: 'draft',
        createdAt: now.toISOString(),
        validUntil: validUntil(now, ruleSet.tariff.validityDays).toISOString(),
      },
    });
    return quoteView(actor.role, revision);
  }

  /**
   * Prices the stored request again with the stored rule set and says whether the figures match.
   * It answers for a quote whose row does not match its trail too: it is how an auditor sees
   * which figures were changed.
   */
  async replay(actor: Actor, number: string): Promise<ReplayView> {
    const scope = authorize(actor, 'quote.replay');
    const stored = await this.visibleQuote(actor, scope, number);
    const replay = await replayQuote(this.ruleSets, stored);
    return {
      number,
      ruleSetHash: stored.ruleSetHash,
      equal: replay.equal,
      differences: replay.differences.filter((path) => isVisibleTo(actor.role, path)),
      quote: replay.outcome.eligible ? quoteFor(actor.role, replay.outcome) : replay.outcome,
    };
  }

  /**
   * The customer's proposal as a PDF, for whoever may read the quote. Refused (conflict naming the
   * state) where CUSTOMER_COPY says so and for any loss-making quote; marked DRAFT before issue.
   * It never carries internal figures: the proposal's view leaves them out whatever the role.
   * Refused (conflict naming the tamper) for a quote whose row does not match its audit trail.
   */
  async proposal(actor: Actor, number: string, lang: ProposalLanguage): Promise<PrintedQuote> {
    const scope = authorize(actor, 'quote.proposal');
    const checked = await this.visibleCheckedQuote(actor, scope, number);
    const stored = await this.trustedQuote(checked, 'printed');
    const copy = CUSTOMER_COPY[stored.state];
    if (stored.approvalLevel === LOSS_MAKING_LEVEL) {
      throw new AppError(
        'conflict',
        `${number} is ${stored.state} and loss-making (§8 approval level ${LOSS_MAKING_LEVEL}): it is never offered to a customer`,
        { state: stored.state, approvalLevel: stored.approvalLevel },
      );
    }
    if (copy === 'refused') {
      const allowedFrom = QUOTE_STATES_PRINTED_FOR_CUSTOMERS;
      throw new AppError(
        'conflict',
        `${number} is ${stored.state}: a customer proposal is printed only for a quote that is ${allowedFrom.join(', ')}`,
        { state: stored.state, allowedFrom },
      );
    }
    return this.print(stored, 'proposal', lang, `${number}-${lang}.pdf`);
  }

  /**
   * The internal deal sheet (costs, margin, approval, rule-set hash, explanations) as a PDF. The
   * quote is looked up as for reading first, so another manager's quote answers not-found; only
   * then is the role checked, so an account manager is refused their own quote's deal sheet.
   * Refused, like the proposal, for a quote whose row does not match its audit trail.
   */
  async dealSheet(actor: Actor, number: string, lang: ProposalLanguage): Promise<PrintedQuote> {
    const scope = authorize(actor, 'quote.read');
    const checked = await this.visibleCheckedQuote(actor, scope, number);
    authorize(actor, 'quote.deal-sheet');
    const stored = await this.trustedQuote(checked, 'printed');
    return this.print(stored, 'deal-sheet', lang, `${number}-deal-sheet-${lang}.pdf`);
  }

  /** The exact files a rule set was made of. */
  async ruleSetFiles(
    actor: Actor,
    hash: string,
  ): Promise<{ hash: string; files: Record<string, unknown> }> {
    authorize(actor, 'ruleset.read');
    const snapshot = await this.store.getRuleSet(hash);
    if (!snapshot) throw new AppError('not-found', `no rule set with hash ${hash}`);
    return { hash, files: snapshot.files };
  }

  async audit(
    actor: Actor,
    filter: { quoteNumber?: string; limit: number; offset: number },
  ): Promise<AuditPage> {
    authorize(actor, 'audit.read');
    const items = await this.store.listAudit(filter);
    return { items, limit: filter.limit, offset: filter.offset };
  }

  /** The log as its reader pages through it: newest first, and how many entries in all. */
  async auditLog(
    actor: Actor,
    filter: { quoteNumber?: string; limit: number; offset: number },
  ): Promise<AuditLogPage> {
    authorize(actor, 'audit.read');
    const [items, total] = await Promise.all([
      this.store.listAudit({ ...filter, newestFirst: true }),
      this.store.countAudit(
        filter.quoteNumber !== undefined ? { quoteNumber: filter.quoteNumber } : {},
      ),
    ]);
    return { items, limit: filter.limit, offset: filter.offset, total };
  }

  async verifyAudit(actor: Actor): Promise<AuditVerification> {
    authorize(actor, 'audit.read');
    return this.store.verifyAudit();
  }

  /** Liveness with a round trip to the store; a store that does not answer is `unavailable`. */
  async health(): Promise<{ status: 'ok'; store: Store['dialect']; ruleSetHash: string }> {
    try {
      // The cheapest round trip the Store offers: an indexed lookup of a number no quote has.
      await this.store.getQuote(HEALTH_PROBE_NUMBER);
    } catch (error) {
      throw new AppError('unavailable', `the ${this.store.dialect} store does not answer`, {
        cause: (error as Error).message,
      });
    }
    return { status: 'ok', store: this.store.dialect, ruleSetHash: this.ruleSet.hash };
  }

  /**
   * Prices with the rule set live when pricing starts, and answers with that set too: a
   * publication meanwhile changes neither this request's rules nor its validity.
   * `sourceText`: the request's JSON as sent, when the channel has it (numbers are checked on it).
   */
  private async price(input: unknown, sourceText?: string) {
    await this.pricingTurns?.next();
    const ruleSet = this.ruleSet;
    const request = parseQuoteRequest(ruleSet.requestSchema, input, sourceText);
    // Priced on today's date in China, which the quote records and a replay uses again.
    const outcome = await priceRequest(ruleSet, request, {
      quoteDate: calendarDate(this.clock()),
    });
    if (!outcome.eligible) {
      // §2: a refused request is an answer with reasons, and nothing is stored.
      throw new AppError('ineligible', `not eligible: ${outcome.reasons.join('; ')}`, {
        reasons: outcome.reasons,
      });
    }
    return { ruleSet, request, quote: outcome };
  }

  /** Prints with the rule set the quote was priced with, naming its account manager. */
  private async print(
    stored: StoredQuote,
    document: ProposalDocument,
    lang: ProposalLanguage,
    filename: string,
  ): Promise<PrintedQuote> {
    if (!this.renderer) throw new AppError('unavailable', 'this service has no PDF renderer');
    const [ruleSet, accountManager] = await Promise.all([
      this.ruleSets.get(stored.ruleSetHash),
      this.store.getUser(stored.accountManagerId),
    ]);
    const input = {
      // A user is never deleted; should the row be missing, the id still says who it was.
      ...proposalInputFromStoredQuote(stored, {
        accountManager: {
          name: accountManager?.name ?? stored.accountManagerId,
          ...(accountManager?.phone ? { phone: accountManager.phone } : {}),
          ...(accountManager?.email ? { email: accountManager.email } : {}),
        },
        ruleSet,
      }),
      draft: CUSTOMER_COPY[stored.state] === 'draft',
      ...(document === 'deal-sheet'
        ? {
            decision: await this.decisionOf(stored),
            negotiatedDiscounts: await negotiatedDiscounts(ruleSet, stored.request, stored.quote),
          }
        : {}),
    };
    // What Chromium said when it failed stays in the log; the client is told it failed.
    const pdf = await this.renderer.render(input, { document, lang }).catch((error: unknown) => {
      throw withoutInternals(error);
    });
    return { pdf, filename };
  }

  /** §8 for the deal sheet: the quote's state, and who approved or rejected it, when and why. */
  private async decisionOf(stored: StoredQuote): Promise<QuoteDecision> {
    if (!stored.decidedBy) return { state: stored.state };
    const [decider, trail] = await Promise.all([
      this.store.getUser(stored.decidedBy),
      this.store.listAudit({ quoteNumber: stored.number, limit: 1000, offset: 0 }),
    ]);
    const decided = trail
      .filter((entry) => entry.action === 'quote.approve' || entry.action === 'quote.reject')
      .at(-1);
    const comment = decided?.detail.comment;
    return {
      state: stored.state,
      decidedBy: decider?.name ?? stored.decidedBy,
      ...(stored.decidedAt ? { decidedAt: stored.decidedAt } : {}),
      ...(typeof comment === 'string' ? { comment } : {}),
    };
  }

  /** The quote, or not-found when it does not exist or (scope `own`) belongs to someone else. */
  private async visibleQuote(actor: Actor, scope: Scope, number: string): Promise<StoredQuote> {
    const stored = await this.store.getQuote(number);
    if (!stored || !isVisible(actor, scope, stored)) throw notFound(number);
    return stored;
  }

  /** {@link visibleQuote}, with what its audit trail says of its row, read together. */
  private async visibleCheckedQuote(
    actor: Actor,
    scope: Scope,
    number: string,
  ): Promise<CheckedQuote> {
    const checked = await this.store.getCheckedQuote(number);
    if (!checked || !isVisible(actor, scope, checked.quote)) throw notFound(number);
    return checked;
  }

  /**
   * A quote to act on or print: refused (conflict naming the tamper) when its row does not match
   * its audit trail, since acting would record the tampered row as the truth and printing would
   * offer it; expired first if due. Reading, listing and replaying such a quote still answer, so
   * that it can be looked into.
   */
  private async trustedQuote(checked: CheckedQuote, refused: TamperRefusal): Promise<StoredQuote> {
    if (!checked.trail.matches) {
      throw tamperedQuoteError(checked.trail, checked.quote.number, refused);
    }
    return this.expireIfDue(checked.quote);
  }

  /** §9: an open quote past its validity is moved to expired (by `system`) when next touched. */
  private async expireIfDue(stored: StoredQuote): Promise<StoredQuote> {
    const now = this.clock();
    if (!isExpired(stored, now)) return stored;
    try {
      return await this.store.transition({
        number: stored.number,
        from: OPEN_STATES,
        to: 'expired',
        actorId: SYSTEM_ACTOR,
        action: EXPIRE_ACTION,
        comment: expiryComment(stored.validUntil),
        now: now.toISOString(),
      });
    } catch (error) {
      // Someone else moved it first (another request expired or closed it): show what is stored now.
      if (error instanceof AppError && error.kind === 'conflict') {
        return (await this.store.getQuote(stored.number)) ?? stored;
      }
      throw error;
    }
  }

  /**
   * Before a list, expires every open quote past its validity, so that filtering by state sees
   * the truth: in batches, each one transaction, so a backlog (the first list after a quiet
   * weekend) costs a commit per 500 quotes rather than one per quote. Each quote is due by its
   * own validUntil, whatever validity the rule set it was priced with gave it.
   */
  private async expireOverdue(): Promise<void> {
    const now = this.clock();
    if (Math.abs(now.getTime() - this.lastExpirySweep) < EXPIRY_SWEEP_INTERVAL_MS) return;
    this.lastExpirySweep = now.getTime();
    const overdue = {
      from: OPEN_STATES,
      to: 'expired',
      now: now.toISOString(),
      actorId: SYSTEM_ACTOR,
      action: EXPIRE_ACTION,
      comment: expiryComment,
      limit: EXPIRY_SWEEP_BATCH,
    } as const;
    let moved: number;
    do moved = await this.store.transitionOverdue(overdue);
    while (moved === EXPIRY_SWEEP_BATCH);
  }
}

/** Another manager's quote answers exactly like a missing one, so numbers do not leak. */
function isVisible(actor: Actor, scope: Scope, stored: StoredQuote): boolean {
  return scope === 'any' || stored.accountManagerId === actor.id;
}

function notFound(number: string): AppError {
  return new AppError('not-found', `no quote ${number}`, {
    text: { key: 'messages.noQuote', params: { number } },
  });
}

const QUOTE_STATES_PRINTED_FOR_CUSTOMERS = (
  Object.keys(CUSTOMER_COPY) as (keyof typeof CUSTOMER_COPY)[]
).filter((state) => CUSTOMER_COPY[state] !== 'refused');

/** Why `system` expired a quote, in its audit entry. */
function expiryComment(validUntil: string): string {
  return `validity ended ${validUntil}`;
}

function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
