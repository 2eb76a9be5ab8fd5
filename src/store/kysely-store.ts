/**
 * The Store on Kysely: one repository for SQLite and PostgreSQL. Every change and its audit entry
 * are written in one write transaction; quote numbers and audit links are assigned inside it, so
 * a rollback leaves neither a gap in the numbers nor a fork in the chain.
 */
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import { AppError, toFieldIssues, type FieldIssue } from '../errors';
import type { RuleSetSnapshot } from '../rules/compile';
import { ruleSetHash } from '../rules/compile';
import { appendAudit, type NewAuditEntry } from './audit-append';
import { AuditChainVerifier } from './audit-chain';
import { auditTriggerProblems, recreateAuditTriggers } from './audit-triggers';
import type { Dialect, StoreConnection } from './connection';
import { isUniqueViolation, translateDatabaseError } from './database-errors';
import { readQuoteComponents, readQuoteFigures, sumQuoteFigures } from './margin-figures';
import { migrateToLatest } from './migrations';
import {
  LIVE_RULE_SET_CHANNEL,
  activateDuePublications,
  cancelScheduledPublication,
  describeRuleSet,
  importLiveRuleSet,
  listPublications,
  listRuleSets,
  liveRuleSetVersion,
  publishRuleSet,
  pushRuleSet,
} from './rule-set-versions';
import { countEnterprises, enterpriseRanges, readLatestRequests } from './portfolio';
import { QuoteCreationQueue, storeQuotes } from './quote-creation';
import { auditEntryFrom, count, instant, newQuoteRow, storedQuoteFrom, userFrom } from './rows';
import {
  QUOTE_HASH_FIELD,
  QUOTE_HASHES_MIGRATION,
  checkQuoteTrail,
  orphanTrailMessage,
  quoteHash,
  tamperedQuoteError,
} from './quote-trail';
import { instantText, type Database, type QuotesTable, type UsersTable } from './schema';
import {
  type AuditEntry,
  type AuditProblem,
  type AuditVerification,
  type CheckedQuote,
  type FigureGroup,
  type FigureGrouping,
  type FigureSums,
  type LiveRuleSetVersion,
  type NewPublication,
  type NewRuleSetDraft,
  type Publication,
  type StoredRuleSet,
  type EnterpriseRanges,
  type LatestRequest,
  type MarginFilter,
  type PageConsumer,
  type QuoteComponentsSource,
  type QuoteFigures,
  type NewQuote,
  type OverdueTransition,
  type QuoteFilter,
  type Revision,
  type Store,
  type StoredQuote,
  type Transition,
  type User,
  type UserContactChange,
  type WebSession,
} from './types';
import {
  QUOTE_STATES,
  ROLES,
  emailAddress,
  phoneNumber,
  type QuoteState,
  type Role,
} from '../domain';

/** The first key of the PostgreSQL advisory locks that serialise one enterprise's revisions and acceptances. */
const ENTERPRISE_LOCK_SPACE = 1_401_407;

/** How many audit entries verification reads per query. */
const AUDIT_VERIFY_BATCH = 1000;

/** How many quotes verification checks against their trails per query (each one is a parameter). */
const QUOTE_VERIFY_BATCH = 500;

export class KyselyStore implements Store {
  readonly #connection: StoreConnection;

  readonly #quoteCreation: QuoteCreationQueue;

  /** audit_chain_head.quote_hashes_from: set once by migration 0004, read once. */
  #quoteHashesFrom: number | undefined;

  constructor(connection: StoreConnection) {
    this.#connection = connection;
    this.#quoteCreation = new QuoteCreationQueue(connection);
  }

  get dialect(): Dialect {
    return this.#connection.dialect;
  }

  get #db(): Kysely<Database> {
    return this.#connection.db;
  }

  async migrate(): Promise<void> {
    await guarded(() => migrateToLatest(this.#connection));
  }

  async close(): Promise<void> {
    await this.#connection.close();
  }

  async saveRuleSet(
    hash: string,
    snapshot: RuleSetSnapshot,
    actorId: string,
    now: string,
  ): Promise<{ created: boolean }> {
    const at = instant(now, 'now');
    return guarded(async () => {
      // Callers may save on every use: once stored, this is one indexed read and nothing more.
      if (await this.#ruleSetExists(hash)) return { created: false };
      const actualHash = ruleSetHash(snapshot);
      if (actualHash !== hash) {
        throw new AppError(
          'invalid-input',
          `rule set hash ${hash} does not match its snapshot (which hashes to ${actualHash})`,
        );
      }
      return this.#connection.writeTransaction(async (tx) => {
        const inserted = await tx
          .insertInto('rule_sets')
          .values({ hash, snapshot: JSON.stringify(snapshot), created_at: at, created_by: actorId })
          .onConflict((conflict) => conflict.column('hash').doNothing())
          .returning('hash')
          .executeTakeFirst();
        if (!inserted) return { created: false };
        await appendAudit(tx, this.dialect, [
          {
            at,
            actorId,
            action: 'ruleset.first-use',
            quoteNumber: null,
            ruleSetHash: hash,
            detail: { files: Object.keys(snapshot.files).sort() },
          },
        ]);
        return { created: true };
      });
    });
  }

  async getRuleSet(hash: string): Promise<RuleSetSnapshot | undefined> {
    return guarded(async () => {
      const row = await this.#db
        .selectFrom('rule_sets')
        .select('snapshot')
        .where('hash', '=', hash)
        .executeTakeFirst();
      return row ? (JSON.parse(row.snapshot) as RuleSetSnapshot) : undefined;
    });
  }

  async pushRuleSet(draft: NewRuleSetDraft): Promise<{ ruleSet: StoredRuleSet; created: boolean }> {
    return guarded(() => pushRuleSet(this.#connection, draft));
  }

  async listRuleSets(): Promise<StoredRuleSet[]> {
    return guarded(() => listRuleSets(this.#db));
  }

  async describeRuleSet(hash: string): Promise<StoredRuleSet | undefined> {
    return guarded(() => describeRuleSet(this.#db, hash));
  }

  async liveRuleSetVersion(): Promise<LiveRuleSetVersion> {
    return guarded(() => liveRuleSetVersion(this.#db));
  }

  async publishRuleSet(publication: NewPublication): Promise<Publication> {
    return guarded(() => publishRuleSet(this.#connection, publication));
  }

  async activateDuePublications(now: string): Promise<Publication[]> {
    return guarded(() => activateDuePublications(this.#connection, now));
  }

  async importLiveRuleSet(input: {
    hash: string;
    snapshot: RuleSetSnapshot;
    actorId: string;
    note: string;
    now: string;
  }): Promise<{ hash: string; imported: boolean }> {
    return guarded(() => importLiveRuleSet(this.#connection, input));
  }

  async cancelScheduledPublication(request: {
    hash: string;
    note: string;
    actorId: string;
    now: string;
  }): Promise<Publication[]> {
    return guarded(() => cancelScheduledPublication(this.#connection, request));
  }

  async listPublications(): Promise<Publication[]> {
    return guarded(() => listPublications(this.#db));
  }

  async watchLiveRuleSet(handlers: {
    onChange: () => void;
    onLost: (error: Error) => void;
  }): Promise<(() => Promise<void>) | undefined> {
    const listen = this.#connection.listen;
    if (!listen) return undefined;
    return guarded(() =>
      listen(LIVE_RULE_SET_CHANNEL, { onNotify: handlers.onChange, onLost: handlers.onLost }),
    );
  }

  async createQuote(input: NewQuote): Promise<{ quote: StoredQuote; created: boolean }> {
    const row = newQuoteRow(input);
    return this.#quoteCreation.create({
      row,
      documents: { request: input.request, quote: input.quote },
    });
  }

  async getQuote(number: string): Promise<StoredQuote | undefined> {
    return guarded(async () => {
      const row = await this.#db
        .selectFrom('quotes')
        .selectAll()
        .where('number', '=', number)
        .executeTakeFirst();
      return row ? storedQuoteFrom(row) : undefined;
    });
  }

  async getCheckedQuote(number: string): Promise<CheckedQuote | undefined> {
    return guarded(() =>
      this.#connection.readSnapshot(async (tx) => {
        const row = await tx
          .selectFrom('quotes')
          .selectAll()
          .where('number', '=', number)
          .executeTakeFirst();
        if (!row) return undefined;
        const trail = (await quoteTrails(tx, [number])).get(number) ?? [];
        return {
          quote: storedQuoteFrom(row),
          trail: checkQuoteTrail(row, trail, await this.#hashesFrom(tx)),
        };
      }),
    );
  }

  async listQuotes(filter: QuoteFilter): Promise<{ items: StoredQuote[]; total: number }> {
    const checked: QuoteFilter = {
      ...filter,
      limit: count(filter.limit, 'limit'),
      offset: count(filter.offset, 'offset'),
      ...(filter.createdFrom === undefined
        ? {}
        : { createdFrom: instant(filter.createdFrom, 'createdFrom') }),
      ...(filter.createdTo === undefined
        ? {}
        : { createdTo: instant(filter.createdTo, 'createdTo') }),
    };
    return guarded(() =>
      this.#connection.readSnapshot(async (tx) => {
        const queries = quoteListQueries(tx, checked);
        const { total } = await queries.total.executeTakeFirstOrThrow();
        const rows = await queries.page.execute();
        return { items: rows.map((row) => storedQuoteFrom(row)), total: Number(total) };
      }),
    );
  }

  async transition(transition: Transition): Promise<StoredQuote> {
    const now = instant(transition.now, 'now');
    quoteState(transition.to, 'to');
    if (transition.supersede) quoteState(transition.supersede.to, 'supersede.to');
    return guarded(() =>
      this.#connection.writeTransaction(async (tx) => {
        if (transition.supersede) await this.#lockEnterpriseOf(tx, transition.number);
        const current = await this.#lockedTrustedQuote(tx, transition);
        const updated = await tx
          .updateTable('quotes')
          .set({
            state: transition.to,
            updated_at: now,
            ...(transition.decision ? { decided_by: transition.actorId, decided_at: now } : {}),
          })
          .where('number', '=', transition.number)
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendAudit(tx, this.dialect, [
          transitionEntry(transition, now, {
            number: transition.number,
            from: current.state,
            ruleSetHash: updated.rule_set_hash,
            comment: transition.comment,
            quoteHash: quoteHash(updated),
          }),
        ]);
        if (transition.supersede) {
          await this.#supersedeOthers(tx, updated, transition.supersede, {
            actorId: transition.actorId,
            at: now,
          });
        }
        return storedQuoteFrom(updated);
      }),
    );
  }

  async reviseQuote(revision: Revision): Promise<{ quote: StoredQuote; superseded: StoredQuote }> {
    const row = newQuoteRow(revision.revision);
    const now = row.created_at;
    quoteState(revision.to, 'to');
    return guarded(() =>
      this.#connection.writeTransaction(async (tx) => {
        await this.#lockEnterpriseOf(tx, revision.number);
        const current = await this.#lockedTrustedQuote(tx, revision);
        if (current.enterprise_id !== row.enterprise_id) {
          throw AppError.invalidInput([
            {
              path: 'enterprise.id',
              message: `must stay ${current.enterprise_id}: a revision is of the same enterprise's quote`,
            },
          ]);
        }
        const [created] = await storeQuotes(tx, this.dialect, [
          {
            row: { ...row, supersedes: revision.number },
            documents: { request: revision.revision.request, quote: revision.revision.quote },
          },
        ]);
        const quote = created!.quote;
        const superseded = await tx
          .updateTable('quotes')
          .set({ state: revision.to, updated_at: now, superseded_by: quote.number })
          .where('number', '=', revision.number)
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendAudit(tx, this.dialect, [
          transitionEntry(revision, now, {
            number: revision.number,
            from: current.state,
            ruleSetHash: superseded.rule_set_hash,
            comment: revision.comment,
            quoteHash: quoteHash(superseded),
            supersededBy: quote.number,
          }),
        ]);
        return { quote, superseded: storedQuoteFrom(superseded) };
      }),
    );
  }

  /**
   * PostgreSQL: serialises the revisions and acceptances of one enterprise's quotes. Without it
   * they would lock the same rows in opposite orders: a revision holds the quote it revises and
   * then waits for the audit chain's head to store its new quote, while an acceptance holds the
   * head (its own entry) and then waits for that quote to supersede it. SQLite's write transaction
   * already excludes every other writer. Taken before any row lock, always.
   */
  async #lockEnterpriseOf(tx: Kysely<Database>, number: string): Promise<void> {
    if (this.dialect !== 'postgres') return;
    const quote = await tx
      .selectFrom('quotes')
      .select('enterprise_id')
      .where('number', '=', number)
      .executeTakeFirst();
    if (!quote) throw new AppError('not-found', `quote ${number} not found`);
    await sql`select pg_advisory_xact_lock(${sql.lit(ENTERPRISE_LOCK_SPACE)}, hashtext(${quote.enterprise_id}))`.execute(
      tx,
    );
  }

  /**
   * The quote a move starts from, locked (PostgreSQL's row lock; SQLite's write transaction),
   * after checking that its row matches its trail and that it is in one of `move.from`.
   */
  async #lockedTrustedQuote(
    tx: Kysely<Database>,
    move: Pick<Transition, 'number' | 'from' | 'action'>,
  ): Promise<Selectable<QuotesTable>> {
    const current = await tx
      .selectFrom('quotes')
      .selectAll()
      .where('number', '=', move.number)
      .$if(this.dialect === 'postgres', (query) => query.forUpdate())
      .executeTakeFirst();
    if (!current) throw new AppError('not-found', `quote ${move.number} not found`);
    // The row is locked (PostgreSQL) or the database is (SQLite): its trail cannot grow meanwhile.
    const trail = (await quoteTrails(tx, [move.number])).get(move.number) ?? [];
    const verdict = checkQuoteTrail(current, trail, await this.#hashesFrom(tx));
    if (!verdict.matches) {
      throw tamperedQuoteError(verdict, move.number, { moved: move.action });
    }
    if (!move.from.includes(current.state)) {
      const by = current.superseded_by === null ? '' : ` by ${current.superseded_by}`;
      throw new AppError(
        'conflict',
        `quote ${move.number} is ${current.state}${by}; cannot ${move.action}`,
        {
          state: current.state,
          action: move.action,
          allowedFrom: move.from,
          ...(current.superseded_by === null ? {} : { supersededBy: current.superseded_by }),
        },
      );
    }
    return current;
  }

  /**
   * Moves every other quote of `accepted`'s enterprise that is in `supersede.states` to
   * `supersede.to`, superseded by `accepted`, each audited. A quote whose row does not match its
   * trail is left as it is, for verification to name. Locked in the order the expiry sweep locks.
   */
  async #supersedeOthers(
    tx: Kysely<Database>,
    accepted: Selectable<QuotesTable>,
    supersede: NonNullable<Transition['supersede']>,
    by: { actorId: string; at: string },
  ): Promise<void> {
    const others = await tx
      .selectFrom('quotes')
      .selectAll()
      .where('enterprise_id', '=', accepted.enterprise_id)
      .where('state', 'in', [...supersede.states])
      .where('number', '!=', accepted.number)
      .orderBy('valid_until')
      .orderBy('year')
      .orderBy('sequence')
      .$if(this.dialect === 'postgres', (query) => query.forUpdate())
      .execute();
    if (others.length === 0) return;
    const hashesFrom = await this.#hashesFrom(tx);
    const trails = await quoteTrails(
      tx,
      others.map((row) => row.number),
    );
    const trusted = others.filter(
      (row) => checkQuoteTrail(row, trails.get(row.number) ?? [], hashesFrom).matches,
    );
    if (trusted.length === 0) return;
    const moved = await tx
      .updateTable('quotes')
      .set({ state: supersede.to, updated_at: by.at, superseded_by: accepted.number })
      .where(
        'number',
        'in',
        trusted.map((row) => row.number),
      )
      .returningAll()
      .execute();
    const movedByNumber = new Map(moved.map((row) => [row.number, row]));
    await appendAudit(
      tx,
      this.dialect,
      trusted.map((row) => {
        const after = movedByNumber.get(row.number)!;
        return transitionEntry({ ...supersede, actorId: by.actorId }, by.at, {
          number: row.number,
          from: row.state,
          ruleSetHash: row.rule_set_hash,
          comment: undefined,
          quoteHash: quoteHash(after),
          supersededBy: accepted.number,
        });
      }),
    );
  }

  async transitionOverdue(move: OverdueTransition): Promise<number> {
    const now = instant(move.now, 'now');
    const limit = count(move.limit, 'limit');
    quoteState(move.to, 'to');
    return guarded(() =>
      this.#connection.writeTransaction(async (tx) => {
        const hashesFrom = await this.#hashesFrom(tx);
        const overdue: Selectable<QuotesTable>[] = [];
        // A quote whose row does not match its trail stays as it is (verification names it):
        // read on past it, so that such quotes never hold up the expiry of the others.
        let after: OverdueCursor | undefined;
        while (overdue.length < limit) {
          const wanted = limit - overdue.length;
          const rows = await overdueQuotesQuery(tx, move.from, now, wanted, after)
            // PostgreSQL: a concurrent transition of one of these waits, or is waited for and
            // then re-checked against `from` here, as in transition().
            .$if(this.dialect === 'postgres', (query) => query.forUpdate())
            .execute();
          const trails = await quoteTrails(
            tx,
            rows.map((row) => row.number),
          );
          for (const row of rows) {
            const trail = trails.get(row.number) ?? [];
            if (checkQuoteTrail(row, trail, hashesFrom).matches) overdue.push(row);
          }
          const last = rows.at(-1);
          if (!last || rows.length < wanted) break;
          after = {
            validUntil: instantText(last.valid_until),
            year: last.year,
            sequence: last.sequence,
          };
        }
        if (overdue.length === 0) return 0;
        await tx
          .updateTable('quotes')
          .set({ state: move.to, updated_at: now })
          .where(
            'number',
            'in',
            overdue.map((row) => row.number),
          )
          .execute();
        await appendAudit(
          tx,
          this.dialect,
          overdue.map((row) =>
            transitionEntry(move, now, {
              number: row.number,
              from: row.state,
              ruleSetHash: row.rule_set_hash,
              comment: move.comment(instantText(row.valid_until)),
              quoteHash: quoteHash({ ...row, state: move.to }),
            }),
          ),
        );
        return overdue.length;
      }),
    );
  }

  async createUser(user: {
    id: string;
    name: string;
    role: Role;
    tokenHash: string;
    createdAt: string;
  }): Promise<User> {
    const createdAt = instant(user.createdAt, 'createdAt');
    if (!ROLES.includes(user.role)) {
      throw AppError.invalidInput([
        { path: 'role', message: `must be one of ${ROLES.join(', ')}` },
      ]);
    }
    if (user.name.trim() === '') {
      throw AppError.invalidInput([{ path: 'name', message: 'must not be empty' }]);
    }
    const row: Required<Insertable<UsersTable>> = {
      id: user.id,
      name: user.name,
      role: user.role,
      token_hash: user.tokenHash,
      created_at: createdAt,
      phone: null,
      email: null,
    };
    return guarded(async () => {
      try {
        await this.#connection.writeTransaction(async (tx) => {
          await tx.insertInto('users').values(row).execute();
          await appendAudit(tx, this.dialect, [
            {
              at: createdAt,
              actorId: null,
              action: 'user.created',
              quoteNumber: null,
              ruleSetHash: null,
              detail: { userId: user.id, name: user.name, role: user.role },
            },
          ]);
        });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new AppError('conflict', `a user with id ${user.id} or this token already exists`);
        }
        throw error;
      }
      return userFrom(row);
    });
  }

  async changeUserContact(change: UserContactChange): Promise<User> {
    const at = instant(change.now, 'now');
    const set: { phone?: string | null; email?: string | null } = {};
    const issues: FieldIssue[] = [];
    for (const [field, schema] of [
      ['phone', phoneNumber],
      ['email', emailAddress],
    ] as const) {
      const value = change[field];
      if (value === undefined || value === null) {
        if (value === null) set[field] = null;
        continue;
      }
      const parsed = schema.safeParse(value);
      if (parsed.success) set[field] = parsed.data;
      else issues.push({ ...toFieldIssues(parsed.error)[0]!, path: field });
    }
    if (issues.length > 0) throw AppError.invalidInput(issues);
    return guarded(() =>
      this.#connection.writeTransaction(async (tx) => {
        const before = await tx
          .selectFrom('users')
          .selectAll()
          .where('id', '=', change.id)
          .executeTakeFirst();
        if (!before) throw new AppError('not-found', `no user ${change.id}`);
        if (Object.keys(set).length === 0) return userFrom(before);
        const after = await tx
          .updateTable('users')
          .set(set)
          .where('id', '=', change.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendAudit(tx, this.dialect, [
          {
            at,
            actorId: change.actorId,
            action: 'user.contact-changed',
            quoteNumber: null,
            ruleSetHash: null,
            detail: { userId: change.id, ...set },
          },
        ]);
        return userFrom(after);
      }),
    );
  }

  async findUserByTokenHash(tokenHash: string): Promise<User | undefined> {
    return guarded(async () => {
      const row = await this.#db
        .selectFrom('users')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row ? userFrom(row) : undefined;
    });
  }

  async getUser(id: string): Promise<User | undefined> {
    return guarded(async () => {
      const row = await this.#db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? userFrom(row) : undefined;
    });
  }

  async listUsers(): Promise<User[]> {
    return guarded(async () => {
      const rows = await this.#db
        .selectFrom('users')
        .selectAll()
        .orderBy('name')
        .orderBy('id')
        .execute();
      return rows.map(userFrom);
    });
  }

  async createSession(session: WebSession): Promise<void> {
    const row = {
      id_hash: session.idHash,
      user_id: session.userId,
      csrf_token: session.csrfToken,
      created_at: instant(session.createdAt, 'createdAt'),
      last_seen_at: instant(session.lastSeenAt, 'lastSeenAt'),
      expires_at: instant(session.expiresAt, 'expiresAt'),
    };
    await guarded(() =>
      this.#connection.writeTransaction((tx) =>
        tx.insertInto('web_sessions').values(row).execute(),
      ),
    );
  }

  async findSession(idHash: string): Promise<{ session: WebSession; user: User } | undefined> {
    return guarded(async () => {
      const row = await this.#db
        .selectFrom('web_sessions')
        .innerJoin('users', 'users.id', 'web_sessions.user_id')
        .select([
          'web_sessions.id_hash',
          'web_sessions.user_id',
          'web_sessions.csrf_token',
          'web_sessions.created_at as session_created_at',
          'web_sessions.last_seen_at',
          'web_sessions.expires_at',
          'users.id',
          'users.name',
          'users.role',
          'users.token_hash',
          'users.created_at',
          'users.phone',
          'users.email',
        ])
        .where('web_sessions.id_hash', '=', idHash)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        session: {
          idHash: row.id_hash,
          userId: row.user_id,
          csrfToken: row.csrf_token,
          createdAt: instantText(row.session_created_at),
          lastSeenAt: instantText(row.last_seen_at),
          expiresAt: instantText(row.expires_at),
        },
        user: userFrom(row),
      };
    });
  }

  async touchSession(idHash: string, lastSeenAt: string): Promise<void> {
    const at = instant(lastSeenAt, 'lastSeenAt');
    await guarded(() =>
      this.#connection.writeTransaction((tx) =>
        tx
          .updateTable('web_sessions')
          .set({ last_seen_at: at })
          .where('id_hash', '=', idHash)
          .execute(),
      ),
    );
  }

  async deleteSession(idHash: string): Promise<void> {
    await guarded(() =>
      this.#connection.writeTransaction((tx) =>
        tx.deleteFrom('web_sessions').where('id_hash', '=', idHash).execute(),
      ),
    );
  }

  async deleteExpiredSessions(expiry: { now: string; lastSeenBefore: string }): Promise<number> {
    const now = instant(expiry.now, 'now');
    const lastSeenBefore = instant(expiry.lastSeenBefore, 'lastSeenBefore');
    return guarded(async () => {
      const result = await this.#connection.writeTransaction((tx) =>
        tx
          .deleteFrom('web_sessions')
          .where((where) =>
            where.or([where('expires_at', '<=', now), where('last_seen_at', '<', lastSeenBefore)]),
          )
          .executeTakeFirst(),
      );
      return Number(result.numDeletedRows);
    });
  }

  async sumQuoteFigures(
    filter: MarginFilter,
    groupBy: FigureGrouping,
  ): Promise<{ groups: FigureGroup[]; total: FigureSums }> {
    const checked = checkedMarginFilter(filter);
    return guarded(() => sumQuoteFigures(this.#connection, checked, groupBy));
  }

  async readQuoteFigures(
    filter: MarginFilter,
    pageSize: number,
    consume: PageConsumer<QuoteFigures>,
  ): Promise<FigureSums> {
    const checked = checkedMarginFilter(filter);
    const size = positiveCount(pageSize, 'pageSize');
    return guarded(() => readQuoteFigures(this.#connection, checked, size, consume));
  }

  async readQuoteComponents(
    filter: MarginFilter,
    pageSize: number,
    consume: PageConsumer<QuoteComponentsSource>,
  ): Promise<FigureSums> {
    const checked = checkedMarginFilter(filter);
    const size = positiveCount(pageSize, 'pageSize');
    return guarded(() => readQuoteComponents(this.#connection, checked, size, consume));
  }

  async countEnterprises(): Promise<number> {
    return guarded(() => countEnterprises(this.#connection));
  }

  async enterpriseRanges(size: number): Promise<EnterpriseRanges> {
    const checked = positiveCount(size, 'size');
    return guarded(() => enterpriseRanges(this.#connection, checked));
  }

  async readLatestRequests(
    pageSize: number,
    consume: PageConsumer<LatestRequest>,
    quotesPricedBy: readonly string[] = [],
  ): Promise<number> {
    const size = positiveCount(pageSize, 'pageSize');
    return guarded(() => readLatestRequests(this.#connection, size, consume, quotesPricedBy));
  }

  async listAudit(filter: {
    quoteNumber?: string;
    limit: number;
    offset: number;
    newestFirst?: boolean;
  }): Promise<AuditEntry[]> {
    const limit = count(filter.limit, 'limit');
    const offset = count(filter.offset, 'offset');
    return guarded(async () => {
      const rows = await this.#db
        .selectFrom('audit_log')
        .selectAll()
        .$if(filter.quoteNumber !== undefined, (query) =>
          query.where('quote_number', '=', filter.quoteNumber!),
        )
        .orderBy('seq', filter.newestFirst ? 'desc' : 'asc')
        .limit(limit)
        .offset(offset)
        .execute();
      return rows.map(auditEntryFrom);
    });
  }

  async countAudit(filter: { quoteNumber?: string }): Promise<number> {
    return guarded(async () => {
      const { total } = await this.#db
        .selectFrom('audit_log')
        .select((expression) => expression.fn.countAll().as('total'))
        .$if(filter.quoteNumber !== undefined, (query) =>
          query.where('quote_number', '=', filter.quoteNumber!),
        )
        .executeTakeFirstOrThrow();
      return Number(total);
    });
  }

  async verifyAudit(): Promise<AuditVerification> {
    return guarded(() =>
      // One snapshot, so entries appended while verifying are neither half-seen nor flagged.
      this.#connection.longReadSnapshot(async (tx) => {
        const head = await tx
          .selectFrom('audit_chain_head')
          .select(['seq', 'hash', 'quote_hashes_from'])
          .where('id', '=', 1)
          .executeTakeFirstOrThrow();
        const verifier = new AuditChainVerifier();
        let after: number | undefined;
        for (;;) {
          const rows = await tx
            .selectFrom('audit_log')
            .selectAll()
            .$if(after !== undefined, (query) => query.where('seq', '>', after!))
            .orderBy('seq', 'asc')
            .limit(AUDIT_VERIFY_BATCH)
            .execute();
          for (const row of rows) verifier.check(auditEntryFrom(row));
          const last = rows.at(-1);
          if (!last || rows.length < AUDIT_VERIFY_BATCH) break;
          after = Number(last.seq);
          await makeWay();
        }
        const chain = verifier.finish({ seq: Number(head.seq), hash: head.hash });
        const quotes = await verifyQuotes(tx, Number(head.quote_hashes_from));
        const triggers = await auditTriggerProblems(tx, this.dialect);
        const problems: AuditProblem[] = [
          ...chain.problems,
          ...quotes.problems,
          ...triggers.map((problem) => ({ seq: 0, ...problem })),
        ];
        return {
          ...chain,
          ok: problems.length === 0,
          problems,
          quotes: { checked: quotes.checked, withoutHash: quotes.withoutHash },
          notes:
            quotes.withoutHash === 0
              ? []
              : [
                  {
                    message: `${quotes.withoutHash} of ${quotes.checked} quotes carry no quote hash: their last audit entry was written before migration ${QUOTE_HASHES_MIGRATION}. Their state, approval level and contract value were checked against their trails, their other figures were not; their next move records a hash.`,
                    text: {
                      key: 'audit.withoutHash',
                      params: {
                        withoutHash: quotes.withoutHash,
                        checked: quotes.checked,
                        migration: QUOTE_HASHES_MIGRATION,
                      },
                    },
                  },
                ],
        };
      }),
    );
  }

  async restoreAuditTriggers(now: string): Promise<string[]> {
    const at = instant(now, 'now');
    return guarded(() =>
      this.#connection.writeTransaction(async (tx) => {
        const problems = await auditTriggerProblems(tx, this.dialect);
        const restored = await recreateAuditTriggers(tx, this.dialect, problems);
        if (restored.length > 0) {
          await appendAudit(tx, this.dialect, [
            {
              at,
              actorId: null,
              action: 'audit.triggers-restored',
              quoteNumber: null,
              ruleSetHash: null,
              detail: { triggers: restored, problems: problems.map((problem) => problem.message) },
            },
          ]);
        }
        return restored;
      }),
    );
  }

  /** The first seq whose quote entries must carry a hash (migration 0004), read once. */
  async #hashesFrom(tx: Kysely<Database>): Promise<number> {
    if (this.#quoteHashesFrom === undefined) {
      const head = await tx
        .selectFrom('audit_chain_head')
        .select('quote_hashes_from')
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      this.#quoteHashesFrom = Number(head.quote_hashes_from);
    }
    return this.#quoteHashesFrom;
  }

  async #ruleSetExists(hash: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom('rule_sets')
      .select('hash')
      .where('hash', '=', hash)
      .executeTakeFirst();
    return row !== undefined;
  }
}

function quoteState(state: QuoteState, path: string): void {
  if (!QUOTE_STATES.includes(state)) {
    throw AppError.invalidInput([{ path, message: 'is not a quote state' }]);
  }
}

/** A margin filter with its instants normalized and its states known. */
function checkedMarginFilter(filter: MarginFilter): MarginFilter {
  for (const state of [...(filter.states ?? []), ...filter.expiry.openStates]) {
    quoteState(state, 'states');
  }
  return {
    ...filter,
    ...(filter.createdFrom === undefined
      ? {}
      : { createdFrom: instant(filter.createdFrom, 'createdFrom') }),
    ...(filter.createdTo === undefined
      ? {}
      : { createdTo: instant(filter.createdTo, 'createdTo') }),
    expiry: { ...filter.expiry, now: instant(filter.expiry.now, 'now') },
  };
}

function positiveCount(value: number, path: string): number {
  const checked = count(value, path);
  if (checked < 1) throw AppError.invalidInput([{ path, message: 'must be at least 1' }]);
  return checked;
}

/**
 * The audit entry of one quote's move, whether it moved alone or with other overdue quotes;
 * `quoteHash` is the hash of its row after the move.
 */
function transitionEntry(
  move: Pick<Transition, 'to' | 'actorId' | 'action'>,
  at: string,
  quote: {
    number: string;
    from: QuoteState;
    ruleSetHash: string;
    comment: string | undefined;
    quoteHash: string;
    /** The quote that replaced this one, when the move supersedes it. */
    supersededBy?: string;
  },
): NewAuditEntry {
  return {
    at,
    actorId: move.actorId,
    action: `quote.${move.action}`,
    quoteNumber: quote.number,
    ruleSetHash: quote.ruleSetHash,
    detail: {
      from: quote.from,
      to: move.to,
      ...(quote.comment === undefined ? {} : { comment: quote.comment }),
      ...(quote.supersededBy === undefined ? {} : { supersededBy: quote.supersededBy }),
      [QUOTE_HASH_FIELD]: quote.quoteHash,
    },
  };
}

/** The audit entries of each of these quotes, oldest first (along the (quote_number, seq) index). */
async function quoteTrails(
  db: Kysely<Database>,
  numbers: readonly string[],
): Promise<Map<string, AuditEntry[]>> {
  const trails = new Map<string, AuditEntry[]>();
  if (numbers.length === 0) return trails;
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('quote_number', 'in', [...numbers])
    .orderBy('quote_number')
    .orderBy('seq')
    .execute();
  for (const row of rows) {
    const entry = auditEntryFrom(row);
    const trail = trails.get(entry.quoteNumber!);
    if (trail) trail.push(entry);
    else trails.set(entry.quoteNumber!, [entry]);
  }
  return trails;
}

/**
 * Every quote against its trail, in batches along (year, sequence), then every trail whose quote
 * is gone. Runs in verification's snapshot.
 */
async function verifyQuotes(
  tx: Kysely<Database>,
  hashesFrom: number,
): Promise<{ problems: AuditProblem[]; checked: number; withoutHash: number }> {
  const problems: AuditProblem[] = [];
  let checked = 0;
  let withoutHash = 0;
  let after: { year: number; sequence: number } | undefined;
  for (;;) {
    const position = after;
    const rows = await tx
      .selectFrom('quotes')
      .selectAll()
      .$if(position !== undefined, (query) =>
        query.where((expression) =>
          expression.or([
            expression('year', '>', position!.year),
            expression.and([
              expression('year', '=', position!.year),
              expression('sequence', '>', position!.sequence),
            ]),
          ]),
        ),
      )
      .orderBy('year')
      .orderBy('sequence')
      .limit(QUOTE_VERIFY_BATCH)
      .execute();
    const trails = await quoteTrails(
      tx,
      rows.map((row) => row.number),
    );
    for (const row of rows) {
      const verdict = checkQuoteTrail(row, trails.get(row.number) ?? [], hashesFrom);
      if (!verdict.matches) {
        const { seq, message, text } = verdict;
        problems.push({ seq, message, text, quoteNumber: row.number });
      } else if (!verdict.hashed) withoutHash += 1;
    }
    checked += rows.length;
    const last = rows.at(-1);
    if (!last || rows.length < QUOTE_VERIFY_BATCH) break;
    after = { year: last.year, sequence: last.sequence };
    await makeWay();
  }
  const orphans = await tx
    .selectFrom('audit_log')
    .select(['quote_number', 'seq'])
    .where('quote_number', 'is not', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('quotes')
            .select('quotes.number')
            .whereRef('quotes.number', '=', 'audit_log.quote_number'),
        ),
      ),
    )
    .orderBy('seq')
    .execute();
  const orphanSeqs = new Map<string, number[]>();
  for (const row of orphans) {
    const seqs = orphanSeqs.get(row.quote_number!);
    if (seqs) seqs.push(Number(row.seq));
    else orphanSeqs.set(row.quote_number!, [Number(row.seq)]);
  }
  for (const [quoteNumber, seqs] of orphanSeqs) {
    problems.push({ seq: seqs[0]!, ...orphanTrailMessage(quoteNumber, seqs), quoteNumber });
  }
  return { problems, checked, withoutHash };
}

/**
 * Verification of a long log takes seconds: let the requests this process serves go on between
 * batches (SQLite answers synchronously, so without this nothing else would run).
 */
function makeWay(): Promise<void> {
  return new Promise((resume) => setImmediate(resume));
}

/** Where a read of overdue quotes goes on from: the last quote read, in the order they are read. */
export interface OverdueCursor {
  validUntil: string;
  year: number;
  sequence: number;
}

/**
 * Up to `limit` quotes in one of `states` whose validity ended before `now`, earliest end first,
 * so a backlog is worked off in the order it fell due; after `after` when given. Read along
 * (state, valid_until) (migration 0003): only overdue quotes are visited, however many open or
 * closed quotes there are. Whole rows: each is checked against its trail before it moves.
 */
export function overdueQuotesQuery(
  db: Kysely<Database>,
  states: readonly QuoteState[],
  now: string,
  limit: number,
  after?: OverdueCursor,
) {
  return db
    .selectFrom('quotes')
    .selectAll()
    .where('state', 'in', [...states])
    .where('valid_until', '<', now)
    .$if(after !== undefined, (query) =>
      query.where((expression) =>
        expression.or([
          expression('valid_until', '>', after!.validUntil),
          expression.and([
            expression('valid_until', '=', after!.validUntil),
            expression.or([
              expression('year', '>', after!.year),
              expression.and([
                expression('year', '=', after!.year),
                expression('sequence', '>', after!.sequence),
              ]),
            ]),
          ]),
        ]),
      ),
    )
    .orderBy('valid_until')
    .orderBy('year')
    .orderBy('sequence')
    .limit(limit);
}

/**
 * A list's two queries: how many quotes match, and one page of them, newest first (quotes stored
 * in one batch share an instant, so then by number, newest first). Every column a list filters on
 * leads an index that goes on with exactly this order (migration 0002), so a page is read in
 * order, never sorted. `filter` holds checked values (instants normalized).
 */
export function quoteListQueries(db: Kysely<Database>, filter: QuoteFilter) {
  const matching = db
    .selectFrom('quotes')
    .$if(filter.enterpriseId !== undefined, (query) =>
      query.where('enterprise_id', '=', filter.enterpriseId!),
    )
    .$if(filter.state !== undefined, (query) => query.where('state', '=', filter.state!))
    .$if(filter.accountManagerId !== undefined, (query) =>
      query.where('account_manager_id', '=', filter.accountManagerId!),
    )
    .$if(filter.approvalLevel !== undefined, (query) =>
      query.where('approval_level', '=', filter.approvalLevel!),
    )
    .$if(filter.createdFrom !== undefined, (query) =>
      query.where('created_at', '>=', filter.createdFrom!),
    )
    .$if(filter.createdTo !== undefined, (query) =>
      query.where('created_at', '<=', filter.createdTo!),
    )
    .$if(filter.search !== undefined, (query) => {
      const pattern = `%${likeEscaped(filter.search!.toLowerCase())}%`;
      const contains = (column: 'number' | 'enterprise_id' | 'enterprise_name') =>
        sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
      return query.where(
        sql<boolean>`(${contains('number')} or ${contains('enterprise_id')} or ${contains('enterprise_name')})`,
      );
    });
  return {
    total: matching.select((expression) => expression.fn.countAll().as('total')),
    page: matching
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('year', 'desc')
      .orderBy('sequence', 'desc')
      .limit(filter.limit)
      .offset(filter.offset),
  };
}

/** Text for a LIKE pattern that matches itself: `%`, `_` and the escape character escaped. */
function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** Runs a store operation, turning "database busy or down" into AppError('unavailable'). */
async function guarded<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw translateDatabaseError(error);
  }
}
