/**
 * Quotes against their audit trails, on SQLite and (with TEST_DATABASE_URL) PostgreSQL: a quotes
 * row edited, inserted or deleted behind the store's back, and a trigger dropped, disabled or
 * altered, are named by verification; the store refuses to move a quote whose row disagrees with
 * its trail; quotes stored before migration 0004 are noted, not failed.
 */
import { AppError } from '../../src/errors';
import { appendAudit } from '../../src/store/audit-append';
import { connectPostgres, connectSqlite, type Dialect } from '../../src/store/connection';
import { MIGRATIONS, migrateToLatest } from '../../src/store/migrations';
import { openStore } from '../../src/store/open';
import { formatQuoteNumber } from '../../src/store/quote-number';
import { quoteHash, type QuoteRowFacts } from '../../src/store/quote-trail';
import { newQuoteRow } from '../../src/store/rows';
import type { AuditProblem, Store, Transition } from '../../src/store/types';
import {
  createTestDatabase,
  currentRuleSet,
  describeEachDialect,
  newQuote,
  saveCurrentRuleSet,
  useStore,
  type TestDatabase,
} from './support';
import { auditVerificationIn, errorMessage, messageFor } from '../../src/messages/messages';

async function appError(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const at = (hour: number) => `2026-11-27T${String(hour).padStart(2, '0')}:00:00.000Z`;

function move(
  number: string,
  action: string,
  from: Transition['from'],
  to: Transition['to'],
  hour = 11,
): Transition {
  return { number, from, to, actorId: 'u-1', action, now: at(hour) };
}

/** A draft, and a quote submitted to pending-approval (ENT-0001 needs none; the store does not care). */
async function twoQuotes(store: Store): Promise<{ draft: string; pending: string }> {
  await saveCurrentRuleSet(store);
  const draft = (await store.createQuote(await newQuote())).quote.number;
  const pending = (await store.createQuote(await newQuote())).quote.number;
  await store.transition(move(pending, 'submit', ['draft'], 'pending-approval'));
  return { draft, pending };
}

function quoteProblems(problems: readonly AuditProblem[]): AuditProblem[] {
  return problems.filter((problem) => problem.quoteNumber !== undefined);
}

describeEachDialect('store: quotes against their audit trails', (dialect) => {
  const { store, database } = useStore(dialect);

  test('a state edited behind the store is named by verify, and the quote is not moved on', async () => {
    const { draft, pending } = await twoQuotes(store());
    expect(await store().verifyAudit()).toMatchObject({
      ok: true,
      problems: [],
      quotes: { checked: 2, withoutHash: 0 },
    });

    await database().execute(`update quotes set state = 'approved' where number = '${pending}'`);
    const verification = await store().verifyAudit();
    expect(verification.ok).toBe(false);
    expect(auditVerificationIn(verification, 'en').problems).toEqual([
      {
        seq: 4,
        quoteNumber: pending,
        message: `${pending} does not match its audit trail: it is approved in the database, but its audit trail leaves it pending-approval (entry 4)`,
      },
    ]);

    const refused = await appError(
      store().transition(move(pending, 'issue', ['approved'], 'issued', 12)),
    );
    expect(refused.kind).toBe('conflict');
    expect(refused.message).toContain(
      `${pending} does not match its audit trail: it is approved in the database`,
    );
    expect(refused.message).toContain('not moved (issue)');
    expect(refused.details).toEqual({ quoteNumber: pending, text: expect.anything() });
    // Its words say the same in English as the message raised, and read Chinese in zh-CN.
    expect(messageFor(refused.text!.key, refused.text!.params, 'en')).toBe(refused.message);
    expect(errorMessage(refused, 'zh-CN')).toMatch(
      new RegExp(`^${pending} 与其审计记录不符：.*恢复之前不能执行“出具给客户”操作`),
    );
    // Nothing was recorded or changed, and the sound quote still moves.
    expect(await store().listAudit({ quoteNumber: pending, limit: 10, offset: 0 })).toHaveLength(2);
    expect(await store().getCheckedQuote(pending)).toMatchObject({
      quote: { state: 'approved' },
      trail: { matches: false, seq: 4 },
    });
    expect(await store().getCheckedQuote(draft)).toMatchObject({
      trail: { matches: true, seq: 2, hashed: true },
    });
    await store().transition(move(draft, 'submit', ['draft'], 'approved'));
    expect(quoteProblems((await store().verifyAudit()).problems)).toHaveLength(1);
  });

  test.each([
    [
      'the margin %',
      `margin_pct = '99.99'`,
      'its figures, request, quote, validity or decision differ',
    ],
    ['the validity', `valid_until = '2027-06-30T00:00:00.000Z'`, 'its figures, request, quote'],
    ['the decision', `decided_by = 'mallory'`, 'its figures, request, quote, validity or decision'],
    [
      'the approval level',
      `approval_level = 'finance-director'`,
      'its approval level is finance-director, but it was created at auto',
    ],
    [
      'the contract value',
      `contract_value = '1.00'`,
      'its contract value is 1.00, but it was created at 355062.00',
    ],
  ])('%s edited behind the store is named', async (_what, assignment, named) => {
    const { pending } = await twoQuotes(store());
    await database().execute(`update quotes set ${assignment} where number = '${pending}'`);
    const [problem, ...others] = (await store().verifyAudit()).problems;
    expect(others).toEqual([]);
    expect(problem).toMatchObject({ seq: 4, quoteNumber: pending });
    expect(problem!.message).toContain(named);
    expect((await store().getCheckedQuote(pending))!.trail.matches).toBe(false);
  });

  test('a priced quote or request rewritten behind the store is named, even with the same meaning', async () => {
    const { draft, pending } = await twoQuotes(store());
    const [row] = await database().query<{ quote: string; request: string }>(
      dialect === 'postgres'
        ? `select quote::text as quote, request::text as request from quotes where number = '${draft}'`
        : `select quote, request from quotes where number = '${draft}'`,
    );
    const quote = JSON.parse(row!.quote) as { internal: { marginPct: string } };
    quote.internal.marginPct = '60.00';
    await database().execute(
      `update quotes set quote = '${JSON.stringify(quote)}' where number = '${draft}'`,
    );
    // The same request, re-serialised with a space: a change to the stored text all the same.
    await database().execute(
      `update quotes set request = '${JSON.stringify(JSON.parse(row!.request), null, 1)}' where number = '${pending}'`,
    );
    expect(quoteProblems((await store().verifyAudit()).problems).map((p) => p.quoteNumber)).toEqual(
      [draft, pending],
    );
  });

  test('a quote without a trail and a trail without a quote are named', async () => {
    const { draft, pending } = await twoQuotes(store());
    const columns =
      'state, enterprise_id, enterprise_name, account_manager_id, approval_level, rule_set_hash, request, quote, contract_value, margin_pct, created_at, valid_until, updated_at, decided_by, decided_at, idempotency_key';
    await database().execute(
      `insert into quotes (number, year, sequence, ${columns})
       select 'Q-2026-000099', year, 99, ${columns} from quotes where number = '${draft}'`,
    );
    await database().execute(`delete from quotes where number = '${pending}'`);
    const verification = await store().verifyAudit();
    expect(verification.ok).toBe(false);
    expect(auditVerificationIn(verification, 'en').problems).toEqual([
      {
        seq: 0,
        quoteNumber: 'Q-2026-000099',
        message:
          "Q-2026-000099 has no audit trail: the row was inserted behind the service's back (the service stores every quote with its quote.created entry)",
      },
      {
        seq: 3,
        quoteNumber: pending,
        message: `entries 3, 4 record quote ${pending}, which is not in the quotes table: the row was deleted behind the service's back`,
      },
    ]);
    expect(verification.quotes).toEqual({ checked: 2, withoutHash: 0 });
    const refused = await appError(
      store().transition(move('Q-2026-000099', 'submit', ['draft'], 'approved')),
    );
    expect(refused.message).toContain('Q-2026-000099 has no audit trail');
  });

  test('the expiry sweep leaves a tampered quote as it is and expires the others', async () => {
    await saveCurrentRuleSet(store());
    const numbers: string[] = [];
    for (const day of ['01', '02', '03', '04']) {
      const input = await newQuote({
        createdAt: `2026-11-${day}T09:00:00Z`,
        validUntil: `2026-12-${day}T09:00:00Z`,
      });
      numbers.push((await store().createQuote(input)).quote.number);
    }
    // The two that fall due first are tampered with: the sweep reads on past them.
    for (const number of numbers.slice(0, 2)) {
      await database().execute(`update quotes set state = 'approved' where number = '${number}'`);
    }
    const sweep = {
      from: ['draft', 'pending-approval', 'approved', 'issued'],
      to: 'expired',
      now: '2026-12-10T00:00:00Z',
      actorId: 'system',
      action: 'expire',
      comment: () => 'validity ended',
      limit: 1,
    } as const;
    expect(await store().transitionOverdue(sweep)).toBe(1);
    expect(await store().transitionOverdue(sweep)).toBe(1);
    expect(await store().transitionOverdue(sweep)).toBe(0);
    const states = await Promise.all(numbers.map(async (n) => (await store().getQuote(n))!.state));
    expect(states).toEqual(['approved', 'approved', 'expired', 'expired']);
    expect(quoteProblems((await store().verifyAudit()).problems).map((p) => p.quoteNumber)).toEqual(
      numbers.slice(0, 2),
    );
  });
});

describeEachDialect('store: the audit-log triggers', (dialect) => {
  const { store, database } = useStore(dialect);

  const triggerProblems = async () =>
    (await store().verifyAudit()).problems.map(({ trigger, message }) => ({ trigger, message }));

  const tampering: Record<Dialect, [string, string, RegExp][]> = {
    sqlite: [
      ['dropped', 'drop trigger audit_log_no_update', /audit_log_no_update is missing/],
      [
        'made conditional',
        `drop trigger audit_log_no_delete;
         create trigger audit_log_no_delete before delete on audit_log when 0
         begin select raise(abort, 'audit_log is append-only'); end`,
        /audit_log_no_delete was altered/,
      ],
    ],
    postgres: [
      [
        'disabled',
        'alter table audit_log disable trigger audit_log_no_truncate',
        /audit_log_no_truncate is disabled/,
      ],
      [
        'dropped',
        'drop trigger audit_log_append_only on audit_log',
        /audit_log_append_only is missing/,
      ],
      [
        'defused through its function',
        `create or replace function audit_log_append_only() returns trigger language plpgsql as $$
         begin return old; end $$`,
        /audit_log_append_only was altered[^]*audit_log_no_truncate was altered/,
      ],
    ],
  };

  test.each(tampering[dialect])(
    'a trigger %s is named by verify, and restoring it is audited',
    async (_how, statement, named) => {
      expect(await triggerProblems()).toEqual([]);
      await database().execute(statement);
      const problems = await triggerProblems();
      expect(problems.map((problem) => problem.message).join('\n')).toMatch(named);
      expect(problems.every((problem) => problem.trigger !== undefined)).toBe(true);

      const restored = await store().restoreAuditTriggers(at(12));
      expect(restored).toEqual(problems.map((problem) => problem.trigger));
      const verification = await store().verifyAudit();
      expect(verification).toMatchObject({ ok: true, problems: [] });
      const [entry] = await store().listAudit({ limit: 10, offset: 0 });
      expect(entry).toMatchObject({
        action: 'audit.triggers-restored',
        actorId: null,
        detail: { triggers: restored },
      });
      await expect(database().execute('delete from audit_log')).rejects.toMatchObject({
        message: expect.stringMatching(/append-only/) as unknown,
      });
      expect(await store().restoreAuditTriggers(at(13))).toEqual([]);
    },
  );
});

describeEachDialect('store: quotes stored before migration 0004', (dialect) => {
  // Not useStore: opening a store would migrate the empty database to the latest at once.
  let empty: TestDatabase;
  const database = () => empty;
  beforeEach(async () => {
    empty = await createTestDatabase(dialect);
  });
  afterEach(() => empty.dispose());

  /**
   * Two quotes as a store before 0004 wrote them (entries without a quote hash), a draft and one
   * submitted, in a database migrated to 0003; then opened by this store, which applies 0004.
   */
  async function legacyDatabase(
    legacy: TestDatabase,
  ): Promise<{ store: Store; numbers: string[] }> {
    const connection =
      dialect === 'postgres'
        ? connectPostgres(legacy.options.databaseUrl!)
        : connectSqlite(legacy.options.sqlitePath!);
    const numbers = [formatQuoteNumber(2026, 1), formatQuoteNumber(2026, 2)];
    try {
      await migrateToLatest(connection, MIGRATIONS.slice(0, 3));
      const rules = currentRuleSet();
      // As 0003 had it: the links of migration 0007 are not columns yet.
      const {
        supersedes: _supersedes,
        superseded_by: _supersededBy,
        ...row
      } = newQuoteRow(await newQuote());
      await connection.writeTransaction(async (tx) => {
        await tx
          .insertInto('rule_sets')
          .values({
            hash: rules.hash,
            snapshot: JSON.stringify(rules.snapshot),
            created_at: at(9),
            created_by: 'system',
          })
          .execute();
        for (const [index, number] of numbers.entries()) {
          const state = index === 0 ? 'draft' : 'pending-approval';
          await tx
            .insertInto('quotes')
            .values({ ...row, number, sequence: index + 1, state })
            .execute();
          await appendAudit(tx, dialect, [
            {
              at: at(10),
              actorId: 'am-1',
              action: 'quote.created',
              quoteNumber: number,
              ruleSetHash: rules.hash,
              detail: {
                state: 'draft',
                enterpriseId: row.enterprise_id,
                approvalLevel: row.approval_level,
                contractValue: row.contract_value,
              },
            },
            ...(state === 'draft'
              ? []
              : [
                  {
                    at: at(11),
                    actorId: 'am-1',
                    action: 'quote.submit',
                    quoteNumber: number,
                    ruleSetHash: rules.hash,
                    detail: { from: 'draft', to: state },
                  },
                ]),
          ]);
        }
      });
    } finally {
      await connection.close();
    }
    return { store: await openStore(legacy.options), numbers };
  }

  test('are noted, not failed; their state is still checked; their next move records a hash', async () => {
    const { store, numbers } = await legacyDatabase(database());
    try {
      const verification = await store.verifyAudit();
      expect(verification).toMatchObject({
        ok: true,
        problems: [],
        quotes: { checked: 2, withoutHash: 2 },
      });
      expect(auditVerificationIn(verification, 'en').notes).toEqual([
        '2 of 2 quotes carry no quote hash: their last audit entry was written before migration 0004. Their state, approval level and contract value were checked against their trails, their other figures were not; their next move records a hash.',
      ]);
      // The catalogue's English says what the store raised; zh-CN reads it in Chinese.
      const [note] = verification.notes!;
      expect(messageFor(note!.text.key, note!.text.params, 'en')).toBe(note!.message);
      expect(auditVerificationIn(verification, 'zh-CN').notes).toEqual([
        expect.stringMatching(
          /^2 份报价中有 2 份没有报价哈希：它们最后一条审计记录写于迁移 0004 之前/,
        ),
      ]);
      expect(await store.getCheckedQuote(numbers[0]!)).toMatchObject({
        trail: { matches: true, hashed: false },
      });

      await store.transition(move(numbers[0]!, 'submit', ['draft'], 'approved', 12));
      expect((await store.verifyAudit()).quotes).toEqual({ checked: 2, withoutHash: 1 });

      await database().execute(
        `update quotes set state = 'approved' where number = '${numbers[1]}'`,
      );
      expect(auditVerificationIn(await store.verifyAudit(), 'en').problems).toEqual([
        {
          seq: 3,
          quoteNumber: numbers[1],
          message: `${numbers[1]} does not match its audit trail: it is approved in the database, but its audit trail leaves it pending-approval (entry 3)`,
        },
      ]);
      expect(
        (await appError(store.transition(move(numbers[1]!, 'issue', ['approved'], 'issued')))).kind,
      ).toBe('conflict');
    } finally {
      await store.close();
    }
  });
});

test('the quote hash covers every column that decides or prints, and not updated_at', () => {
  const row: QuoteRowFacts = {
    number: 'Q-2026-000001',
    state: 'pending-approval',
    enterprise_id: 'ENT-0001',
    enterprise_name: '华信物流集团有限公司',
    account_manager_id: 'am-1',
    approval_level: 'pricing-manager',
    rule_set_hash: 'a'.repeat(64),
    request: '{"lines":120}',
    quote: '{"totals":{}}',
    contract_value: '355062.00',
    margin_pct: '24.10',
    created_at: '2026-11-27T10:00:00.000Z',
    valid_until: '2026-12-27T10:00:00.000Z',
    decided_by: null,
    decided_at: null,
    idempotency_key: null,
    supersedes: null,
    superseded_by: null,
  };
  const hash = quoteHash(row);
  // Either dialect's reading of an instant hashes alike.
  expect(quoteHash({ ...row, created_at: new Date(row.created_at as string) })).toBe(hash);
  const changed: Partial<QuoteRowFacts>[] = [
    { number: 'Q-2026-000002' },
    { state: 'approved' },
    { enterprise_id: 'ENT-0002' },
    { enterprise_name: '华信物流' },
    { account_manager_id: 'am-2' },
    { approval_level: 'auto' },
    { rule_set_hash: 'b'.repeat(64) },
    { request: '{"lines":12}' },
    { quote: '{"totals":{"a":1}}' },
    { contract_value: '355062.01' },
    { margin_pct: '34.10' },
    { created_at: '2026-11-27T10:00:00.001Z' },
    { valid_until: '2027-12-27T10:00:00.000Z' },
    { decided_by: 'fd-1' },
    { decided_at: '2026-11-28T10:00:00.000Z' },
    { idempotency_key: 'k' },
    { supersedes: 'Q-2026-000000' },
    { superseded_by: 'Q-2026-000003' },
  ];
  for (const change of changed) expect(quoteHash({ ...row, ...change })).not.toBe(hash);
});
