/**
 * The quote lifecycle over HTTP: approvals by the role §8 names, 409s that name the state, a
 * loss-making quote that can never be issued, expiry after validity (§9), and the audit trail.
 */
import { pino } from 'pino';
import { startServer } from '../../src/serve/server';
import { auditPageSchema, quoteViewSchema } from '../../src/http/schemas';
import {
  DIALECTS,
  REQUESTS,
  announceSkippedPostgres,
  createQuote,
  editedRuleSet,
  startTestService,
  type TestService,
  type UserKey,
} from './support';

announceSkippedPostgres('quote lifecycle');

describe.each(DIALECTS)('quote lifecycle (%s)', (dialect) => {
  let service: TestService;
  beforeEach(async () => {
    service = await startTestService({ dialect });
  });
  afterEach(() => service.close());

  const act = (who: UserKey, number: string, action: string, comment?: string) =>
    service.call('POST', `/api/quotes/${number}/${action}`, {
      as: who,
      ...(comment !== undefined ? { body: { comment } } : {}),
    });

  const expectState = async (
    response: { status: number; body: unknown; text: string },
    state: string,
  ) => {
    expect({ status: response.status, text: response.status === 200 ? '' : response.text }).toEqual(
      { status: 200, text: '' },
    );
    expect(quoteViewSchema.parse(response.body).state).toBe(state);
  };

  const expectConflict = (
    response: { status: number; body: { error: { kind: string; state: string; message: string } } },
    state: string,
  ) => {
    expect(response.status).toBe(409);
    expect(response.body.error.kind).toBe('conflict');
    expect(response.body.error.state).toBe(state);
    expect(response.body.error.message).toContain(`is ${state}`);
  };

  it('pricing-manager level: submit → pending-approval → approve → issue → accept, audited step by step', async () => {
    const { number, approval } = await createQuote(service, 'am1', REQUESTS.pricingManager());
    expect(approval.level).toBe('pricing-manager');
    await expectState(
      await act('am1', number, 'submit', 'please approve: strategic logo'),
      'pending-approval',
    );
    expectConflict(await act('am1', number, 'issue'), 'pending-approval');

    service.clock.advanceDays(1);
    const approved = await act('pm', number, 'approve', 'ok at 19 %');
    await expectState(approved, 'approved');
    expect(approved.body.decidedBy).toBe(service.users.pm.id);
    expect(approved.body.decidedAt).toBe(service.clock.now.toISOString());
    expectConflict(await act('fd', number, 'approve'), 'approved');

    await expectState(await act('am1', number, 'issue'), 'issued');
    await expectState(await act('am1', number, 'accept', 'signed 2026-11-28'), 'accepted');
    for (const action of ['submit', 'approve', 'reject', 'issue', 'accept', 'decline']) {
      expectConflict(
        await act(action === 'approve' || action === 'reject' ? 'fd' : 'am1', number, action),
        'accepted',
      );
    }

    const audit = await service.call('GET', `/api/audit?quoteNumber=${number}`, { as: 'auditor' });
    const entries = auditPageSchema.parse(audit.body).items;
    expect(
      entries.map((entry) => [
        entry.action,
        entry.actorId,
        entry.detail.from,
        entry.detail.to,
        entry.detail.comment,
      ]),
    ).toEqual([
      ['quote.created', service.users.am1.id, undefined, undefined, undefined],
      [
        'quote.submit',
        service.users.am1.id,
        'draft',
        'pending-approval',
        'please approve: strategic logo',
      ],
      ['quote.approve', service.users.pm.id, 'pending-approval', 'approved', 'ok at 19 %'],
      ['quote.issue', service.users.am1.id, 'approved', 'issued', undefined],
      ['quote.accept', service.users.am1.id, 'issued', 'accepted', 'signed 2026-11-28'],
    ]);
    expect(entries[2]!.at).toBe(approved.body.decidedAt);
  });

  it('finance-director level: a pricing manager may not approve, a finance director may; the creator never', async () => {
    const { number, approval } = await createQuote(service, 'am1', REQUESTS.ENT0003());
    expect(approval).toEqual({
      level: 'finance-director',
      required: true,
      approverRoles: ['finance-director'],
    });
    await expectState(await act('am1', number, 'submit'), 'pending-approval');
    const refused = await act('pm', number, 'approve');
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('finance-director');
    const adminTry = await act('admin', number, 'approve');
    expect(adminTry.status).toBe(403);
    await expectState(await act('fd', number, 'approve', 'thin but strategic'), 'approved');
  });

  it('auto level: submit approves at once; decline closes it', async () => {
    const { number, approval } = await createQuote(service, 'am1', REQUESTS.ENT0001());
    expect(approval).toEqual({ level: 'auto', required: false, approverRoles: [] });
    const submitted = await act('am1', number, 'submit');
    await expectState(submitted, 'approved');
    expect(submitted.body.decidedBy).toBeUndefined();
    await expectState(await act('am1', number, 'issue'), 'issued');
    await expectState(await act('am1', number, 'decline', 'went with a competitor'), 'declined');
  });

  it('a loss-making quote is rejected on submit and can never be approved or issued', async () => {
    const { number, approval } = await createQuote(service, 'am1', REQUESTS.lossMaking());
    expect(approval).toEqual({ level: 'rejected', required: false, approverRoles: [] });
    // Not even from draft: issue needs an approved quote.
    expectConflict(await act('am1', number, 'issue'), 'draft');
    await expectState(await act('am1', number, 'submit'), 'rejected');
    expectConflict(await act('am1', number, 'issue'), 'rejected');
    expectConflict(await act('fd', number, 'approve'), 'rejected');
    expectConflict(await act('admin', number, 'issue'), 'rejected');
    expectConflict(await act('am1', number, 'submit'), 'rejected');
    const read = await service.call('GET', `/api/quotes/${number}`, { as: 'fd' });
    expect(read.body.state).toBe('rejected');
  });

  it('a pending quote rejected by an approver cannot be issued', async () => {
    const { number } = await createQuote(service, 'am1', REQUESTS.pricingManager());
    await act('am1', number, 'submit');
    const rejected = await act('fd', number, 'reject', 'discount too deep');
    await expectState(rejected, 'rejected');
    expect(rejected.body.decidedBy).toBe(service.users.fd.id);
    expectConflict(await act('am1', number, 'issue'), 'rejected');
  });

  it('expires an open quote lazily once its 30 days are over, by the system, and then refuses every action', async () => {
    const draft = await createQuote(service, 'am1', REQUESTS.ENT0002());
    const issued = await createQuote(service, 'am1', REQUESTS.ENT0001());
    await act('am1', issued.number, 'submit');
    await act('am1', issued.number, 'issue');
    // Another enterprise's: accepting it must not supersede the two above.
    const another = REQUESTS.ENT0001();
    const closed = await createQuote(service, 'am1', {
      ...another,
      enterprise: { ...another.enterprise, id: 'ENT-0001-B' },
    });
    await act('am1', closed.number, 'submit');
    await act('am1', closed.number, 'issue');
    await act('am1', closed.number, 'accept');

    // Exactly at validUntil it is still valid (§9: valid for 30 days).
    service.clock.now = new Date(draft.validUntil);
    expect(
      (await service.call('GET', `/api/quotes/${draft.number}`, { as: 'am1' })).body.state,
    ).toBe('draft');

    service.clock.advanceDays(0, 1);
    const drafts = await service.call('GET', '/api/quotes?state=draft', { as: 'admin' });
    expect(drafts.body.total).toBe(0);
    const expired = await service.call('GET', '/api/quotes?state=expired', { as: 'admin' });
    expect(expired.body.items.map((item: { number: string }) => item.number).sort()).toEqual(
      [draft.number, issued.number].sort(),
    );

    expect(
      (await service.call('GET', `/api/quotes/${closed.number}`, { as: 'am1' })).body.state,
    ).toBe('accepted');
    expectConflict(await act('am1', draft.number, 'submit'), 'expired');
    expectConflict(await act('am1', issued.number, 'accept'), 'expired');

    const audit = await service.call('GET', `/api/audit?quoteNumber=${issued.number}`, {
      as: 'fd',
    });
    const expiry = audit.body.items.at(-1);
    expect(expiry).toMatchObject({
      action: 'quote.expire',
      actorId: 'system',
      detail: { from: 'issued', to: 'expired' },
    });
    expect(
      audit.body.items.filter((entry: { action: string }) => entry.action === 'quote.expire'),
    ).toHaveLength(1);
  });

  it('a list expires a quote by its own validity, also one priced under a rule set with a shorter one', async () => {
    // A pricing team once gave quotes 10 days; the service now runs with the book's 30.
    const shortLived = editedRuleSet('tariff.json', '"validityDays": 30', '"validityDays": 10');
    const earlier = await startServer({
      store: service.store,
      ruleSet: shortLived,
      clock: service.clock.read,
      logger: pino({ level: 'silent' }),
    });
    let short: { number: string; createdAt: string; validUntil: string };
    try {
      const response = await service.call('POST', '/api/quotes', {
        as: 'am1',
        body: REQUESTS.ENT0002(),
        at: earlier.url,
      });
      expect(response.status).toBe(201);
      short = quoteViewSchema.parse(response.body);
    } finally {
      await earlier.close();
    }
    const long = await createQuote(service, 'am1', REQUESTS.ENT0002());
    expect(Date.parse(short.validUntil) - Date.parse(short.createdAt)).toBe(10 * 86_400_000);

    service.clock.advanceDays(11);
    const drafts = await service.call('GET', '/api/quotes?state=draft', { as: 'admin' });
    expect(drafts.body.items.map((item: { number: string }) => item.number)).toEqual([long.number]);
    expect(drafts.body.total).toBe(1);
    const expired = await service.call('GET', '/api/quotes?state=expired', { as: 'admin' });
    expect(expired.body.items.map((item: { number: string }) => item.number)).toEqual([
      short.number,
    ]);
  });

  it('expires on a direct read or action too, not only on a list', async () => {
    const pending = await createQuote(service, 'am1', REQUESTS.pricingManager());
    await act('am1', pending.number, 'submit');
    service.clock.advanceDays(31);
    expectConflict(await act('pm', pending.number, 'approve'), 'expired');
    expect(
      (await service.call('GET', `/api/quotes/${pending.number}`, { as: 'am1' })).body.state,
    ).toBe('expired');
  });

  it('keeps an audit chain that links every entry to the one before, and detects a row edited behind its back', async () => {
    const { number } = await createQuote(service, 'am1', REQUESTS.pricingManager());
    await act('am1', number, 'submit');
    await act('pm', number, 'approve', 'fine');
    const log = auditPageSchema.parse(
      (await service.call('GET', '/api/audit?limit=200', { as: 'admin' })).body,
    ).items;
    const actions = log.map((entry) => entry.action);
    expect(actions.filter((action) => action === 'user.created')).toHaveLength(6);
    expect(
      log.filter((entry) => entry.action === 'ruleset.first-use').map((entry) => entry.ruleSetHash),
    ).toEqual([service.ruleSet.hash]);
    expect(actions.slice(-3)).toEqual(['quote.created', 'quote.submit', 'quote.approve']);
    for (let index = 1; index < log.length; index++) {
      expect(log[index]!.seq).toBe(log[index - 1]!.seq + 1);
      expect(log[index]!.prevHash).toBe(log[index - 1]!.hash);
    }
    const paged = await service.call('GET', '/api/audit?limit=2&offset=1', { as: 'auditor' });
    expect(paged.body.items).toEqual(log.slice(1, 3));

    const clean = await service.call('GET', '/api/audit/verify', { as: 'auditor' });
    expect(clean.body).toMatchObject({ ok: true, checked: log.length, problems: [] });

    await tamperWithAudit(service, log.at(-1)!.seq);
    const tampered = await service.call('GET', '/api/audit/verify', { as: 'auditor' });
    expect(tampered.status).toBe(200);
    expect(tampered.body.ok).toBe(false);
    expect(tampered.body.problems.map((problem: { seq: number }) => problem.seq)).toContain(
      log.at(-1)!.seq,
    );
  });
});

/** Edits an audit row the way an intruder with database access would: around the append-only triggers. */
async function tamperWithAudit(service: TestService, seq: number): Promise<void> {
  const forged = JSON.stringify({
    from: 'pending-approval',
    to: 'approved',
    comment: 'approved by the CEO',
  });
  if (service.dialect === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const database = new Database(service.sqlitePath!);
    database.exec('drop trigger if exists audit_log_no_update');
    database.prepare('update audit_log set detail = ? where seq = ?').run(forged, seq);
    database.close();
    return;
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: service.databaseUrl! });
  await client.connect();
  await client.query('alter table audit_log disable trigger audit_log_append_only');
  await client.query('update audit_log set detail = $1 where seq = $2', [forged, seq]);
  await client.end();
}
