/**
 * Revisions, withdrawals and acceptance in the store, on real SQLite and PostgreSQL: the links both
 * ways, one winner when two revisions race, acceptance that supersedes the enterprise's other open
 * quotes even when a revision commits meanwhile, every move audited and verifiable; on PostgreSQL,
 * the per-enterprise lock, with the race held where it deadlocks without it; and migration 0007
 * over a database that already holds quotes.
 */
import BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../../src/errors';
import { appendAudit } from '../../src/store/audit-append';
import { connectPostgres, connectSqlite } from '../../src/store/connection';
import { MIGRATIONS, migrateToLatest } from '../../src/store/migrations';
import { openStore } from '../../src/store/open';
import { formatQuoteNumber } from '../../src/store/quote-number';
import { QUOTE_HASH_FIELD, quoteHash } from '../../src/store/quote-trail';
import { newQuoteRow } from '../../src/store/rows';
import type { NewQuote, Revision, Store, Transition } from '../../src/store/types';
import { OPEN_STATES, REVISABLE_STATES } from '../../src/quotes/lifecycle';
import type { QuoteState } from '../../src/domain';
import {
  createTestDatabase,
  currentRuleSet,
  describeEachDialect,
  newQuote,
  saveCurrentRuleSet,
  TEST_DATABASE_URL,
  useStore,
  type TestDatabase,
} from './support';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 27, 10, minute)).toISOString();

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

function revision(number: string, minute: number, overrides: Partial<Revision> = {}) {
  return async (): Promise<Revision> => ({
    number,
    from: REVISABLE_STATES,
    to: 'superseded',
    actorId: 'am-1',
    action: 'revise',
    revision: await newQuote({ createdAt: at(minute), validUntil: at(minute + 60) }),
    ...overrides,
  });
}

function move(number: string, action: string, from: QuoteState[], to: QuoteState): Transition {
  return { number, from, to, actorId: 'am-1', action, now: at(30) };
}

const accept = (number: string): Transition => ({
  ...move(number, 'accept', ['issued'], 'accepted'),
  supersede: { states: OPEN_STATES, to: 'superseded', action: 'supersede' },
});

/** A quote of `enterprise` in `state`, moved there through the store as the service would. */
async function quoteIn(store: Store, state: QuoteState, enterprise = 'ENT-0001'): Promise<string> {
  const base = await newQuote();
  const request = { ...base.request, enterprise: { ...base.request.enterprise, id: enterprise } };
  const { number } = (await store.createQuote({ ...base, request })).quote;
  const path: [string, QuoteState][] = {
    draft: [],
    'pending-approval': [['submit', 'pending-approval']],
    approved: [['submit', 'approved']],
    issued: [
      ['submit', 'approved'],
      ['issue', 'issued'],
    ],
  }[state as 'draft']! as [string, QuoteState][];
  let from: QuoteState = 'draft';
  for (const [action, to] of path) {
    await store.transition(move(number, action, [from], to));
    from = to;
  }
  return number;
}

/** The outcome of `promise`, settled at once so that a rejection waits to be looked at. */
function settled<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  return promise.then(
    (value) => ({ status: 'fulfilled', value }),
    (reason: unknown) => ({ status: 'rejected', reason }),
  );
}

async function expectVerified(store: Store): Promise<void> {
  const verification = await store.verifyAudit();
  expect(verification.problems).toEqual([]);
  expect(verification.ok).toBe(true);
}

describeEachDialect('store: revisions and supersession', (dialect) => {
  const { store } = useStore(dialect);
  beforeEach(() => saveCurrentRuleSet(store()));

  test('a revision is a new quote linked both ways; the revised one is superseded, both audited', async () => {
    const original = await quoteIn(store(), 'pending-approval');
    const { quote, superseded } = await store().reviseQuote(
      await revision(original, 5, { comment: 'five points more on long distance' })(),
    );
    expect(quote.number).not.toBe(original);
    expect(quote).toMatchObject({ state: 'draft', supersedes: original });
    expect(quote.supersededBy).toBeUndefined();
    expect(superseded).toMatchObject({ state: 'superseded', supersededBy: quote.number });
    expect(await store().getQuote(original)).toEqual(superseded);
    expect(await store().getQuote(quote.number)).toEqual(quote);

    const trail = await store().listAudit({ quoteNumber: original, limit: 10, offset: 0 });
    expect(trail.at(-1)).toMatchObject({
      action: 'quote.revise',
      actorId: 'am-1',
      detail: {
        from: 'pending-approval',
        to: 'superseded',
        supersededBy: quote.number,
        comment: 'five points more on long distance',
      },
    });
    const created = await store().listAudit({ quoteNumber: quote.number, limit: 10, offset: 0 });
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ action: 'quote.created', detail: { supersedes: original } });
    await expectVerified(store());
  });

  test('a superseded quote is revised no more: the conflict names its state and its revision', async () => {
    const original = await quoteIn(store(), 'draft');
    const { quote } = await store().reviseQuote(await revision(original, 5)());
    const error = await failure(store().reviseQuote(await revision(original, 6)()));
    expect(error.kind).toBe('conflict');
    expect(error.details).toMatchObject({ state: 'superseded', supersededBy: quote.number });
    expect(error.message).toContain(`superseded by ${quote.number}`);
  });

  test('a revision for another enterprise is refused and changes nothing', async () => {
    const original = await quoteIn(store(), 'draft');
    const other = await newQuote({ createdAt: at(5), validUntil: at(65) });
    other.request.enterprise.id = 'ENT-OTHER';
    const error = await failure(
      store().reviseQuote({ ...(await revision(original, 5)()), revision: other }),
    );
    expect(error.kind).toBe('invalid-input');
    expect(error.details.issues).toEqual([
      expect.objectContaining({ path: 'enterprise.id' }) as unknown,
    ]);
    expect((await store().getQuote(original))!.state).toBe('draft');
    expect((await store().listQuotes({ limit: 10, offset: 0 })).total).toBe(1);
    await expectVerified(store());
  });

  test('of two revisions of one quote at once, exactly one wins; the other is a conflict', async () => {
    for (let round = 0; round < 4; round += 1) {
      const original = await quoteIn(store(), 'issued');
      const results = await Promise.allSettled([
        store().reviseQuote(await revision(original, 5)()),
        store().reviseQuote(await revision(original, 6)()),
      ]);
      const won = results.filter((result) => result.status === 'fulfilled');
      const lost = results.filter((result) => result.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      const winner = won[0]!.value.quote.number;
      expect((lost[0]!.reason as AppError).kind).toBe('conflict');
      expect((lost[0]!.reason as AppError).details).toMatchObject({
        state: 'superseded',
        supersededBy: winner,
      });
      expect(await store().getQuote(original)).toMatchObject({ supersededBy: winner });
    }
    await expectVerified(store());
  });

  test('accepting supersedes every other open quote of the enterprise, and only those', async () => {
    const draft = await quoteIn(store(), 'draft');
    const pending = await quoteIn(store(), 'pending-approval');
    const approved = await quoteIn(store(), 'approved');
    const declined = await quoteIn(store(), 'issued');
    await store().transition(move(declined, 'decline', ['issued'], 'declined'));
    const elsewhere = await quoteIn(store(), 'draft', 'ENT-0002');
    const signed = await quoteIn(store(), 'issued');

    const accepted = await store().transition(accept(signed));
    expect(accepted.state).toBe('accepted');
    for (const number of [draft, pending, approved]) {
      expect(await store().getQuote(number)).toMatchObject({
        state: 'superseded',
        supersededBy: signed,
      });
      const last = (await store().listAudit({ quoteNumber: number, limit: 10, offset: 0 })).at(-1);
      expect(last).toMatchObject({
        action: 'quote.supersede',
        actorId: 'am-1',
        detail: { to: 'superseded', supersededBy: signed },
      });
    }
    expect((await store().getQuote(declined))!.state).toBe('declined');
    expect((await store().getQuote(elsewhere))!.state).toBe('draft');
    await expectVerified(store());
  });

  test('an acceptance racing a revision of the same quote: one of them, never both', async () => {
    for (let round = 0; round < 4; round += 1) {
      const issued = await quoteIn(store(), 'issued', `ENT-RACE-${round}`);
      const base = await revision(issued, 5)();
      base.revision.request.enterprise.id = `ENT-RACE-${round}`;
      const [accepted, revised] = await Promise.allSettled([
        store().transition(accept(issued)),
        store().reviseQuote(base),
      ]);
      expect([accepted.status, revised.status].sort()).toEqual(['fulfilled', 'rejected']);
      const state = (await store().getQuote(issued))!.state;
      expect(state).toBe(accepted.status === 'fulfilled' ? 'accepted' : 'superseded');
    }
    await expectVerified(store());
  });

  test('an acceptance racing a revision of another of its quotes leaves no quote of the enterprise open', async () => {
    for (let round = 0; round < 6; round += 1) {
      const enterprise = `ENT-PAIR-${round}`;
      const signed = await quoteIn(store(), 'issued', enterprise);
      const other = await quoteIn(store(), 'draft', enterprise);
      const changed = await revision(other, 5)();
      changed.revision.request.enterprise.id = enterprise;
      const [accepted] = await Promise.allSettled([
        store().transition(accept(signed)),
        store().reviseQuote(changed),
      ]);
      expect(accepted.status).toBe('fulfilled');
      const { items } = await store().listQuotes({
        enterpriseId: enterprise,
        limit: 10,
        offset: 0,
      });
      for (const quote of items) {
        if (quote.number === signed) expect(quote.state).toBe('accepted');
        else expect(quote).toMatchObject({ state: 'superseded' });
      }
    }
    await expectVerified(store());
  });
});

const describePostgres = TEST_DATABASE_URL ? describe : describe.skip;

/**
 * The back door's session holds the audit chain's head, so that both moves below stop where the
 * race above only sometimes stops them: the acceptance with its quote locked, waiting to append its
 * entry, and the revision after it. Without the per-enterprise lock the revision holds the quote it
 * revises while it waits for the head, and the acceptance, once it has the head, waits for that
 * quote to supersede it: PostgreSQL breaks the deadlock by failing one of them, or the revision
 * lands after the acceptance read the enterprise's open quotes. With it, the revision waits for the
 * acceptance before it locks anything and then finds its quote superseded.
 */
describePostgres('store: the per-enterprise lock [postgres]', () => {
  const { store, database } = useStore('postgres');
  beforeEach(() => saveCurrentRuleSet(store()));

  /** Sessions waiting, directly or behind another waiter, on a lock the back door holds. */
  async function waitingBehindBackDoor(count: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      // The back door is inside its transaction, which would otherwise see one snapshot of the
      // activity statistics throughout.
      await database().execute('select pg_stat_clear_snapshot()');
      const [row] = await database().query<{ waiting: number }>(`
        with blocked as (
          select pid, pg_blocking_pids(pid) as blockers from pg_stat_activity
          where cardinality(pg_blocking_pids(pid)) > 0
        )
        select count(*)::int as waiting from blocked b
        where pg_backend_pid() = any(b.blockers)
           or exists (select 1 from blocked a
                      where a.pid = any(b.blockers) and pg_backend_pid() = any(a.blockers))`);
      if (row!.waiting >= count) return;
      if (Date.now() > deadline) throw new Error(`${row!.waiting} of ${count} sessions waiting`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  test('an acceptance and a revision of another of its quotes, held at the chain head, queue: the revision finds its quote superseded', async () => {
    const enterprise = 'ENT-LOCK';
    const signed = await quoteIn(store(), 'issued', enterprise);
    const other = await quoteIn(store(), 'draft', enterprise);
    const changed = await revision(other, 5)();
    changed.revision.request.enterprise.id = enterprise;

    await database().execute('begin');
    let accepting: Promise<PromiseSettledResult<unknown>>;
    let revising: Promise<PromiseSettledResult<unknown>>;
    try {
      await database().execute('select seq from audit_chain_head where id = 1 for update');
      accepting = settled(store().transition(accept(signed)));
      await waitingBehindBackDoor(1);
      revising = settled(store().reviseQuote(changed));
      await waitingBehindBackDoor(2);
    } finally {
      await database().execute('commit');
    }
    const [accepted, revised] = await Promise.all([accepting, revising]);

    expect(accepted.status).toBe('fulfilled');
    expect(revised.status).toBe('rejected');
    const refusal = (revised as PromiseRejectedResult).reason as AppError;
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal.kind).toBe('conflict');
    expect(refusal.details).toMatchObject({ state: 'superseded', supersededBy: signed });
    const { items } = await store().listQuotes({ enterpriseId: enterprise, limit: 10, offset: 0 });
    expect(items.map((quote) => [quote.number, quote.state]).sort()).toEqual(
      [
        [signed, 'accepted'],
        [other, 'superseded'],
      ].sort(),
    );
    await expectVerified(store());
  });
});

describeEachDialect('store: migration 0007 over stored quotes', (dialect) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(() => database.dispose());

  test('rows are kept as they were, still verify, and take the new states and links', async () => {
    const connection =
      dialect === 'postgres'
        ? connectPostgres(database.options.databaseUrl!)
        : connectSqlite(database.options.sqlitePath!);
    const numbers = [formatQuoteNumber(2026, 1), formatQuoteNumber(2026, 2)];
    try {
      await migrateToLatest(
        connection,
        MIGRATIONS.filter((migration) => migration.name < '0007'),
      );
      const rules = currentRuleSet();
      const quote: NewQuote = await newQuote();
      // As a store before 0007 wrote them: no link columns, each created entry with its hash.
      const { supersedes: _supersedes, superseded_by: _supersededBy, ...row } = newQuoteRow(quote);
      await connection.writeTransaction(async (tx) => {
        await tx
          .insertInto('rule_sets')
          .values({
            hash: rules.hash,
            snapshot: JSON.stringify(rules.snapshot),
            created_at: at(0),
            created_by: 'system',
          })
          .execute();
        await tx.insertInto('quote_counters').values({ year: 2026, last_number: 2 }).execute();
        for (const [index, number] of numbers.entries()) {
          const numbered = { ...row, number, sequence: index + 1 };
          await tx.insertInto('quotes').values(numbered).execute();
          await appendAudit(tx, dialect, [
            {
              at: at(1),
              actorId: 'am-1',
              action: 'quote.created',
              quoteNumber: number,
              ruleSetHash: rules.hash,
              detail: {
                state: row.state,
                enterpriseId: row.enterprise_id,
                approvalLevel: row.approval_level,
                contractValue: row.contract_value,
                [QUOTE_HASH_FIELD]: quoteHash({
                  ...numbered,
                  supersedes: null,
                  superseded_by: null,
                }),
              },
            },
          ]);
        }
      });
    } finally {
      await connection.close();
    }
    const columns =
      'number, year, sequence, state, enterprise_id, enterprise_name, account_manager_id, approval_level, rule_set_hash, request, quote, contract_value, margin_pct, created_at, valid_until, updated_at, decided_by, decided_at, idempotency_key';
    const before = await database.query(`select ${columns} from quotes order by number`);
    const indexes = () =>
      database.query<{ name: string }>(
        dialect === 'postgres'
          ? `select indexname as name from pg_indexes where tablename = 'quotes' and schemaname = current_schema() order by 1`
          : `select name from sqlite_master where type = 'index' and tbl_name = 'quotes' and sql is not null order by 1`,
      );
    const indexesBefore = await indexes();

    const store = await openStore(database.options);
    try {
      expect(await database.query(`select ${columns} from quotes order by number`)).toEqual(before);
      expect(await indexes()).toEqual(indexesBefore);
      await expectVerified(store);

      const { quote } = await store.reviseQuote(await revision(numbers[0]!, 5)());
      await store.transition(move(numbers[1]!, 'withdraw', ['draft'], 'withdrawn'));
      expect(await store.getQuote(numbers[0]!)).toMatchObject({
        state: 'superseded',
        supersededBy: quote.number,
      });
      expect((await store.getQuote(numbers[1]!))!.state).toBe('withdrawn');
      await expectVerified(store);
      // The check still refuses a state nobody declared (SQLite: on a connection that never saw
      // the table before it was rebuilt).
      const update = `update quotes set state = 'lost' where number = '${numbers[1]}'`;
      if (dialect === 'postgres') {
        await expect(database.execute(update)).rejects.toThrow(/quotes_state_known/);
      } else {
        const fresh = new BetterSqlite3(database.options.sqlitePath!);
        try {
          expect(() => fresh.exec(update)).toThrow(/CHECK constraint failed/);
        } finally {
          fresh.close();
        }
      }
    } finally {
      await store.close();
    }
  });
});
