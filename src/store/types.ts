/**
 * The storage seam between the quote service and its databases. One interface, two
 * implementations behind it (SQLite by default, PostgreSQL with DATABASE_URL), identical behaviour.
 * Money is stored exactly: canonical decimal strings in SQLite, numeric in PostgreSQL; never REAL.
 * The store has no clock of its own: callers pass `now`, so tests and replays are deterministic.
 * Timestamps are ISO-8601 instants; the store normalises them to `Date.toISOString()` form (UTC,
 * milliseconds) and rejects text that is not a date with AppError('invalid-input').
 * Open one with `openStore` (src/store/open.ts).
 */
import type { QuoteRequest } from '../rules/request';
import type { PricedQuote } from '../pricing/quote';
import type { RuleSetSnapshot } from '../rules/compile';
import type { ApprovalLevel } from '../domain';
import type { MessageText } from '../errors';
import { z } from 'zod';
import {
  PUBLICATION_KINDS,
  PUBLICATION_STATUSES,
  RULE_SET_STATES,
  isoInstant,
  type QuoteState,
  type Role,
} from '../domain';
import type { QuoteTrailVerdict } from './quote-trail';

export interface User {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  /** The contact a proposal prints for its account manager, when the user has one. */
  phone?: string;
  email?: string;
}

/** A change to a user's contact: a field given as null is cleared, one left out is kept. */
export interface UserContactChange {
  id: string;
  phone?: string | null;
  email?: string | null;
  actorId: string | null;
  now: string;
}

export interface StoredQuote {
  /** Q-YYYY-NNNNNN: unique and gap-free per year. */
  number: string;
  state: QuoteState;
  enterpriseId: string;
  enterpriseName: string;
  accountManagerId: string;
  approvalLevel: ApprovalLevel;
  ruleSetHash: string;
  /** The validated request exactly as priced, for replay. */
  request: QuoteRequest;
  /** The priced quote exactly as returned when it was created. */
  quote: PricedQuote;
  contractValue: string;
  marginPct: string;
  createdAt: string;
  validUntil: string;
  updatedAt: string;
  /** Who approved or rejected it and when, once someone has. */
  decidedBy?: string;
  decidedAt?: string;
  /** The quote this one revises. */
  supersedes?: string;
  /** The quote that replaced this one: its revision, or the enterprise's accepted quote. */
  supersededBy?: string;
}

/** A signed-in browser of the web workspace, found by the sha256 of its cookie's id. */
export interface WebSession {
  idHash: string;
  userId: string;
  /** Every form of the session sends it back; a request without it changes nothing. */
  csrfToken: string;
  createdAt: string;
  lastSeenAt: string;
  /** The absolute end, whatever the activity. */
  expiresAt: string;
}

export interface NewQuote {
  accountManagerId: string;
  request: QuoteRequest;
  quote: PricedQuote;
  state: QuoteState;
  createdAt: string;
  validUntil: string;
  /** A retry with the same key by the same user returns the first quote and stores nothing. */
  idempotencyKey?: string;
}

/** Every given field must match; `createdFrom <= createdAt <= createdTo` (both inclusive instants). */
export interface QuoteFilter {
  enterpriseId?: string;
  state?: QuoteState;
  accountManagerId?: string;
  approvalLevel?: ApprovalLevel;
  createdFrom?: string;
  createdTo?: string;
  /** Text found in the quote number, the enterprise id or the enterprise name (any case). */
  search?: string;
  limit: number;
  offset: number;
}

export interface OverdueTransition {
  from: readonly QuoteState[];
  to: QuoteState;
  /** Quotes whose validUntil is before this instant are overdue. */
  now: string;
  actorId: string;
  action: string;
  /** The audit comment for one quote, given its validUntil. */
  comment: (validUntil: string) => string;
  limit: number;
}

export interface Transition {
  number: string;
  /** The move happens only if the quote is in one of these states (compare-and-set). */
  from: readonly QuoteState[];
  to: QuoteState;
  actorId: string;
  action: string;
  comment?: string;
  now: string;
  /** Set decidedBy/decidedAt (approve, reject). */
  decision?: boolean;
  /**
   * Also move every other quote of the enterprise in one of `states` to `to` (accept), each
   * superseded by this one and audited under `action` by the same actor, in the same transaction.
   */
  supersede?: { states: readonly QuoteState[]; to: QuoteState; action: string };
}

/**
 * A revision: `revision` is stored as a new quote that supersedes `number`, and `number` moves to
 * `to` (superseded by it), in one transaction, provided it is still in one of `from`.
 */
export interface Revision extends Pick<
  Transition,
  'number' | 'from' | 'to' | 'actorId' | 'action' | 'comment'
> {
  revision: Omit<NewQuote, 'idempotencyKey'>;
}

/**
 * One link of the audit chain. `action` is namespaced: `quote.created`, `quote.<transition action>`
 * (e.g. `quote.approve`, detail `{ from, to, comment? }`), `ruleset.first-use`, `user.created`.
 * `hash` = sha256 of the canonical JSON of every other field (prevHash included).
 */
export const auditEntrySchema = z.strictObject({
  seq: z.int(),
  at: isoInstant,
  actorId: z.string().nullable(),
  action: z.string(),
  quoteNumber: z.string().nullable(),
  ruleSetHash: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditProblemSchema = z.strictObject({
  seq: z
    .int()
    .describe(
      'the entry where the problem shows; 0 where none does (a quote without a trail, a trigger)',
    ),
  message: z.string(),
  quoteNumber: z.string().optional().describe('the quote whose row and trail disagree'),
  trigger: z.string().optional().describe('the audit-log trigger that is missing or altered'),
});
export type AuditProblem = z.infer<typeof auditProblemSchema> & {
  /** The same problem, to be worded in another language: answers carry it as `message`. */
  text?: MessageText;
};

export const auditVerificationSchema = z.strictObject({
  /** No problem of any kind: chain, quotes and triggers. */
  ok: z.boolean(),
  /** How many audit entries were checked. */
  checked: z.int(),
  problems: z.array(auditProblemSchema),
  /** The chain head the service recorded: note its hash to detect a rewrite of the whole chain later. */
  head: z.strictObject({ seq: z.int(), hash: z.string() }).optional(),
  quotes: z
    .strictObject({
      checked: z.int().describe('quotes recomputed against their audit trails'),
      withoutHash: z
        .int()
        .describe(
          'of those, quotes whose last entry predates migration 0004: state, approval level and contract value checked, not the other figures',
        ),
    })
    .optional(),
  /** What verification could not check, and why; not problems. */
  notes: z.array(z.string()).optional(),
});
/** A verification as the API answers it: every problem and note in one language. */
export type AuditVerificationAnswer = z.infer<typeof auditVerificationSchema>;

/** What verification could not check, in English, and its words for another language. */
export interface AuditNote {
  message: string;
  text: MessageText;
}

export type AuditVerification = Omit<AuditVerificationAnswer, 'problems' | 'notes'> & {
  problems: AuditProblem[];
  notes?: AuditNote[];
};

/**
 * What a margin report counts, and how (issue 15). Every given field must match; quotes are
 * counted in the state the service shows them in: an open quote whose validity ended before
 * `expiry.now` counts as expired (the next read would expire it).
 */
export interface MarginFilter {
  /** Created at or after this instant (inclusive). */
  createdFrom?: string;
  /** Created at or before this instant (inclusive). */
  createdTo?: string;
  /** Any of these states (as shown: see `expiry`). */
  states?: readonly QuoteState[];
  tier?: string;
  industry?: string;
  accountManagerId?: string;
  enterpriseId?: string;
  approvalLevel?: ApprovalLevel;
  ruleSetHash?: string;
  expiry: { openStates: readonly QuoteState[]; now: string };
}

/** The keys a store sums quote figures by; `month` is the month of creation in China (YYYY-MM). */
export const FIGURE_GROUPINGS = [
  'enterprise',
  'accountManager',
  'tier',
  'industry',
  'approvalLevel',
  'state',
  'month',
] as const;
export type FigureGrouping = (typeof FIGURE_GROUPINGS)[number];

/** Exact sums of quotes' figures, decimal strings (numeric in PostgreSQL, MoneyTotal over SQLite's text). */
export interface FigureSums {
  quotes: number;
  contractValue: string;
  revenueExclTax: string;
  totalCost: string;
  margin: string;
}

/** The sums of one group; `name` is the enterprise's name on its latest quote (enterprise grouping). */
export interface FigureGroup extends FigureSums {
  key: string;
  name?: string;
}

/** One quote's figures as a margin report lists them (no documents: a narrow row). */
export interface QuoteFigures {
  number: string;
  createdAt: string;
  /** As shown: an open quote past its validity is `expired`. */
  state: QuoteState;
  enterpriseId: string;
  enterpriseName: string;
  accountManagerId: string;
  tier: string;
  industry: string;
  approvalLevel: ApprovalLevel;
  ruleSetHash: string;
  contractValue: string;
  revenueExclTax: string;
  totalCost: string;
  margin: string;
  marginPct: string;
}

/** What the component split of a quote needs from its priced quote, and nothing more. */
export interface QuoteComponentsSource {
  number: string;
  ruleSetHash: string;
  termMonths: number;
  items: PricedQuote['items'];
  credits: NonNullable<PricedQuote['credits']>;
  internal: Omit<PricedQuote['internal'], 'approvalRules' | 'approval'>;
  contractValue: string;
}

/** An enterprise's latest stored request, the portfolio an impact analysis re-prices (issue 13). */
export interface LatestRequest {
  enterpriseId: string;
  enterpriseName: string;
  quoteNumber: string;
  ruleSetHash: string;
  /** The request as stored, its JSON text; each rule set validates it again. */
  requestText: string;
  /** The stored quote's figures, when it was priced by a rule set the reader asked about. */
  stored?: StoredQuoteFigures;
}

/**
 * The figures of a stored quote an impact analysis compares (src/impact/compare.ts), read from its
 * JSON by SQLite, or picked from it by the reader on PostgreSQL (src/store/portfolio.ts says why).
 * Absent where the quote has none (a refused quote has no tier).
 */
export interface StoredQuoteFigures {
  eligible: boolean;
  ruleSetHash: string;
  quoteDate?: string;
  tier?: string;
  approval?: string;
  monthlyNet?: string;
  contractValue?: string;
  revenueExclTax?: string;
  margin?: string;
  marginPct?: string;
}

/**
 * Enterprises by id from `from` (inclusive) up to `to` (exclusive); an end left out is open, so a
 * portfolio split into ranges covers every enterprise.
 */
export interface EnterpriseRange {
  from?: string;
  to?: string;
}

/** The portfolio split into ranges of a given number of enterprises, and how many there are. */
export interface EnterpriseRanges {
  enterprises: number;
  ranges: EnterpriseRange[];
}

/** Hands one page of rows to its consumer; the next page is read when the returned promise settles. */
export type PageConsumer<Row> = (page: Row[]) => Promise<void>;

/** A quote read together with what its audit trail says of its row (on one snapshot). */
export interface CheckedQuote {
  quote: StoredQuote;
  trail: QuoteTrailVerdict;
}

/** A stored rule set's version record: who pushed it, why, and where it is in its life. */
export const storedRuleSetSchema = z.strictObject({
  hash: z.string(),
  state: z.enum(RULE_SET_STATES),
  live: z.boolean().describe('the one rule set new quotes are priced with'),
  author: z
    .string()
    .optional()
    .describe('who pushed it; absent for a set stored only because a service priced with it'),
  authorName: z.string().optional().describe("the author's name, from the users table"),
  note: z.string(),
  createdAt: isoInstant,
  createdBy: z.string(),
  createdByName: z.string().optional(),
  publishedAt: isoInstant.optional().describe('when it last went live'),
  publishedBy: z.string().optional(),
  publishedByName: z.string().optional(),
  scheduledFrom: isoInstant
    .optional()
    .describe('a publication of it waits for this instant (effectiveFrom)'),
});
export type StoredRuleSet = z.infer<typeof storedRuleSetSchema>;

/** One publication or rollback, as the history keeps it. */
export const publicationSchema = z.strictObject({
  seq: z.int(),
  hash: z.string().describe('the rule set it makes live'),
  kind: z.enum(PUBLICATION_KINDS),
  status: z.enum(PUBLICATION_STATUSES),
  note: z.string(),
  requestedBy: z.string(),
  requestedByName: z
    .string()
    .optional()
    .describe("the requester's name, where the id is a user's (not the command line's)"),
  requestedAt: isoInstant,
  effectiveFrom: isoInstant,
  fromHash: z.string().optional().describe('the rule set it replaced, once it took effect'),
  tookEffectAt: isoInstant.optional(),
  liveVersion: z
    .int()
    .optional()
    .describe('the live version it made, once it took effect: the order publications went live in'),
  cancelledAt: isoInstant.optional().describe('when a scheduled publication was called off'),
  cancelledBy: z.string().optional(),
  cancelledByName: z.string().optional(),
});
export type Publication = z.infer<typeof publicationSchema>;

/** What a service process polls: the live set and a version every change increments. */
export interface LiveRuleSetVersion {
  /** Absent only on a store no service has started on yet. */
  hash?: string;
  version: number;
  /** The earliest effectiveFrom of a scheduled publication, if any. */
  nextDueAt?: string;
}

export interface NewRuleSetDraft {
  hash: string;
  snapshot: RuleSetSnapshot;
  author: string;
  note: string;
  now: string;
}

export interface NewPublication {
  hash: string;
  kind: Publication['kind'];
  note: string;
  actorId: string;
  now: string;
  /** Later than `now`: the publication waits (scheduled) and takes effect when due. */
  effectiveFrom?: string;
  /**
   * Compare-and-set: the publication takes effect only if this is still the live set (absent:
   * whatever is live); otherwise a conflict naming the set that is live now.
   */
  expectedLive?: string;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;

  /** Stores a rule set once by hash; the first store appends a `ruleset.first-use` audit entry. */
  saveRuleSet(
    hash: string,
    snapshot: RuleSetSnapshot,
    actorId: string,
    now: string,
  ): Promise<{ created: boolean }>;
  getRuleSet(hash: string): Promise<RuleSetSnapshot | undefined>;

  /**
   * Stores a pushed draft once by hash (idempotent: the same content again returns the stored
   * record, `created: false`) and audits it as `ruleset.pushed`. A set stored before only because
   * a service priced with it becomes pushed, with this author and note.
   */
  pushRuleSet(draft: NewRuleSetDraft): Promise<{ ruleSet: StoredRuleSet; created: boolean }>;
  /** Every stored rule set, newest first. */
  listRuleSets(): Promise<StoredRuleSet[]>;
  /** The version record of one rule set (not its files: getRuleSet). */
  describeRuleSet(hash: string): Promise<StoredRuleSet | undefined>;
  /** One indexed read of one row: what a service process polls to see a publication. */
  liveRuleSetVersion(): Promise<LiveRuleSetVersion>;
  /**
   * Makes `hash` the live set in one transaction that every other publication waits for: the live
   * one retired, this one published, the history and the audit log (`ruleset.published` or
   * `ruleset.rolled-back`, with who, note, fromHash and toHash) appended, and every service
   * process told. With a later `effectiveFrom` it is only scheduled (`ruleset.scheduled`) and
   * takes effect with activateDuePublications. Not-found for an unknown hash; conflict when the
   * set is already live or `expectedLive` is not.
   */
  publishRuleSet(publication: NewPublication): Promise<Publication>;
  /** Takes every scheduled publication whose effectiveFrom has come into effect, in that order. */
  activateDuePublications(now: string): Promise<Publication[]>;
  /**
   * On a store with no live set (a new one, or the first start after migration 0006): stores
   * `snapshot` and publishes it as `actorId`. Returns the live hash either way.
   */
  importLiveRuleSet(input: {
    hash: string;
    snapshot: RuleSetSnapshot;
    actorId: string;
    note: string;
    now: string;
  }): Promise<{ hash: string; imported: boolean }>;
  /** Every publication and rollback, in the order they were asked for. */
  listPublications(): Promise<Publication[]>;
  /**
   * Calls off the scheduled publications of `hash` that have not taken effect, audited with the
   * note. Conflict when it has none (never scheduled, already live, already cancelled).
   */
  cancelScheduledPublication(request: {
    hash: string;
    note: string;
    actorId: string;
    now: string;
  }): Promise<Publication[]>;
  /**
   * Calls `onChange` whenever a process may have changed the live set (PostgreSQL: LISTEN/NOTIFY
   * on a connection of its own), and `onLost` once if that connection fails (watch again then).
   * Resolves to a function that stops listening, or undefined where the database has no such
   * signal (SQLite): there callers poll liveRuleSetVersion, one cheap read.
   */
  watchLiveRuleSet(handlers: {
    onChange: () => void;
    onLost: (error: Error) => void;
  }): Promise<(() => Promise<void>) | undefined>;

  /**
   * Assigns the next number of the year (the year of `createdAt` in China) and stores the quote and its
   * `quote.created` audit entry in one transaction. The quote's rule set must already be stored
   * (saveRuleSet): quotes reference it, so a stored quote can always be replayed.
   */
  createQuote(input: NewQuote): Promise<{ quote: StoredQuote; created: boolean }>;
  getQuote(number: string): Promise<StoredQuote | undefined>;
  /**
   * The quote and whether its row matches its audit trail (quote-trail.ts), read on one snapshot
   * so that a transition committed in between cannot look like a tamper.
   */
  getCheckedQuote(number: string): Promise<CheckedQuote | undefined>;
  listQuotes(filter: QuoteFilter): Promise<{ items: StoredQuote[]; total: number }>;
  /**
   * Throws AppError('conflict') naming the current state when the quote is not in `from`, or
   * naming the tamper when its row does not match its audit trail (a move would record the
   * tampered row as the truth); not-found when absent.
   */
  transition(transition: Transition): Promise<StoredQuote>;
  /**
   * Moves up to `limit` quotes whose validity ended before `now` (and that are still in `from`)
   * to `to` in one transaction, auditing each exactly as `transition` would; earliest validity
   * end first. A quote whose row does not match its trail is left as it is, for verification to
   * name. Returns how many moved: fewer than `limit` means none is left.
   */
  transitionOverdue(move: OverdueTransition): Promise<number>;
  /**
   * Stores a revision and supersedes the quote it revises, both audited, in one transaction
   * serialised with every other revision and acceptance of the enterprise's quotes. Throws
   * AppError('conflict') naming the state (and the quote that superseded it) when the quote is
   * no longer in `from`, and naming the tamper when its row does not match its trail.
   */
  reviseQuote(revision: Revision): Promise<{ quote: StoredQuote; superseded: StoredQuote }>;

  createUser(user: {
    id: string;
    name: string;
    role: Role;
    tokenHash: string;
    createdAt: string;
  }): Promise<User>;
  findUserByTokenHash(tokenHash: string): Promise<User | undefined>;
  /** The user with this id (for instance a quote's account manager, named on its proposal). */
  getUser(id: string): Promise<User | undefined>;
  /** Sets or clears a user's phone and email, audited (`user.contact-changed`); not-found when absent. */
  changeUserContact(change: UserContactChange): Promise<User>;

  /** Every user, by name (then id). */
  listUsers(): Promise<User[]>;

  /** Stores a new web session. */
  createSession(session: WebSession): Promise<void>;
  /** The session and its user, or undefined; expiry is the caller's to judge. */
  findSession(idHash: string): Promise<{ session: WebSession; user: User } | undefined>;
  /** Records activity, for the idle expiry. */
  touchSession(idHash: string, lastSeenAt: string): Promise<void>;
  /** Ends a session (sign-out, or found expired). */
  deleteSession(idHash: string): Promise<void>;
  /** Ends every session idle since before `lastSeenBefore` or past its end at `now`; how many. */
  deleteExpiredSessions(expiry: { now: string; lastSeenBefore: string }): Promise<number>;

  /**
   * The exact sums of the quotes `filter` matches, per group and over all of them, read on one
   * snapshot: in SQL numeric on PostgreSQL, in MoneyTotal over SQLite's decimal text. Groups in
   * no particular order.
   */
  sumQuoteFigures(
    filter: MarginFilter,
    groupBy: FigureGrouping,
  ): Promise<{ groups: FigureGroup[]; total: FigureSums }>;
  /**
   * Every quote `filter` matches, oldest first, handed to `consume` `pageSize` at a time, all on
   * one snapshot (read on a connection of its own where the database has one, so the service goes
   * on meanwhile); then the exact sums of all of them, from the same snapshot.
   */
  readQuoteFigures(
    filter: MarginFilter,
    pageSize: number,
    consume: PageConsumer<QuoteFigures>,
  ): Promise<FigureSums>;
  /**
   * Like readQuoteFigures, with what the component split of each quote needs from its priced
   * quote (read from its JSON: some 50 µs a quote), then the sums of all of them.
   */
  readQuoteComponents(
    filter: MarginFilter,
    pageSize: number,
    consume: PageConsumer<QuoteComponentsSource>,
  ): Promise<FigureSums>;

  /** How many enterprises have a stored quote: the size of the impact portfolio. */
  countEnterprises(): Promise<number>;
  /**
   * The impact portfolio split by enterprise id into ranges of `size` enterprises, for readers
   * that each read a range on a connection of their own (src/store/portfolio.ts).
   */
  enterpriseRanges(size: number): Promise<EnterpriseRanges>;
  /**
   * Each enterprise's latest request (by creation), by enterprise id, handed to `consume`
   * `pageSize` at a time on one snapshot; answers how many. A quote priced by one of
   * `quotesPricedBy` (rule-set hashes) comes with its stored quote.
   */
  readLatestRequests(
    pageSize: number,
    consume: PageConsumer<LatestRequest>,
    quotesPricedBy?: readonly string[],
  ): Promise<number>;

  /** Oldest first (by seq), or newest first: a reader of the log wants what just happened. */
  listAudit(filter: {
    quoteNumber?: string;
    limit: number;
    offset: number;
    newestFirst?: boolean;
  }): Promise<AuditEntry[]>;
  /** How many entries the log holds (of one quote, when given). */
  countAudit(filter: { quoteNumber?: string }): Promise<number>;
  /**
   * Recomputes the hash chain, every quote against its trail, and reads the audit-log triggers
   * from the catalog; reports an entry changed, deleted or inserted, a quote whose row differs
   * from its trail, a quote without a trail or a trail without a quote, and a trigger missing,
   * disabled or altered, each behind the service's back.
   */
  verifyAudit(): Promise<AuditVerification>;
  /**
   * Recreates the audit-log triggers verification finds missing, disabled or altered, and
   * appends an `audit.triggers-restored` entry naming them; returns their names (none: nothing done).
   */
  restoreAuditTriggers(now: string): Promise<string[]>;
}
