/**
 * Revising, withdrawing and accepting over HTTP on SQLite and PostgreSQL: a revision is priced now
 * under the live rule set and linked both ways, concurrent revisions have one winner and a 409 that
 * names the winner, accepting supersedes the enterprise's other open quotes, and the audit log
 * still verifies.
 */
import { pino } from 'pino';
import { startServer } from '../../src/serve/server';
import { pdfText } from '../proposals/support';
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

announceSkippedPostgres('revisions');

describe.each(DIALECTS)('revisions, withdrawals and supersession (%s)', (dialect) => {
  let service: TestService;
  beforeEach(async () => {
    service = await startTestService({ dialect });
  });
  afterEach(() => service.close());

  const act = (who: UserKey, number: string, action: string) =>
    service.call('POST', `/api/quotes/${number}/${action}`, { as: who });
  const revise = (who: UserKey, number: string, body: unknown) =>
    service.call('POST', `/api/quotes/${number}/revise`, { as: who, body });
  const read = async (number: string) =>
    quoteViewSchema.parse((await service.call('GET', `/api/quotes/${number}`, { as: 'pm' })).body);
  const expectVerified = async () => {
    const verification = await service.call('GET', '/api/audit/verify', { as: 'auditor' });
    expect(verification.body).toMatchObject({ ok: true, problems: [] });
  };

  /** ENT-0001's request with one more negotiated point on long distance. */
  const negotiated = () => ({
    ...REQUESTS.ENT0001(),
    adjustments: [{ item: 'LD_MIN', percent: '5', reason: 'matches a competitor offer' }],
  });

  it('a revision is priced now under the live rule set, is a new draft, and is linked both ways', async () => {
    // The first quote was priced by a service still running last month's rule set.
    const lastMonth = await startServer({
      store: service.store,
      ruleSet: editedRuleSet('tariff.json', '"validityDays": 30', '"validityDays": 10'),
      clock: service.clock.read,
      logger: pino({ level: 'silent' }),
    });
    let original: { number: string; ruleSetHash: string };
    try {
      const created = await service.call('POST', '/api/quotes', {
        as: 'am1',
        body: REQUESTS.ENT0001(),
        at: lastMonth.url,
      });
      original = quoteViewSchema.parse(created.body);
    } finally {
      await lastMonth.close();
    }
    expect(original.ruleSetHash).not.toBe(service.ruleSet.hash);
    await act('am1', original.number, 'submit');
    await act('am1', original.number, 'issue');

    service.clock.advanceDays(2);
    const response = await revise('am1', original.number, negotiated());
    expect(response.status).toBe(201);
    const revision = quoteViewSchema.parse(response.body);
    expect(response.headers.get('location')).toBe(`/api/quotes/${revision.number}`);
    expect(revision.number).not.toBe(original.number);
    expect(revision).toMatchObject({
      state: 'draft',
      supersedes: original.number,
      ruleSetHash: service.ruleSet.hash,
      accountManagerId: service.users.am1.id,
      createdAt: service.clock.now.toISOString(),
    });
    expect(revision.request.adjustments).toEqual(negotiated().adjustments);
    expect(await read(original.number)).toMatchObject({
      state: 'superseded',
      supersededBy: revision.number,
    });

    // A superseded quote is no longer on offer; its revision is, as a draft.
    const oldProposal = await service.call(
      'GET',
      `/api/quotes/${original.number}/proposal.pdf?lang=en`,
      { as: 'am1' },
    );
    expect(oldProposal.status).toBe(409);
    expect(oldProposal.body.error.state).toBe('superseded');

    const audit = auditPageSchema.parse(
      (await service.call('GET', `/api/audit?quoteNumber=${original.number}`, { as: 'auditor' }))
        .body,
    ).items;
    expect(audit.at(-1)).toMatchObject({
      action: 'quote.revise',
      actorId: service.users.am1.id,
      detail: { from: 'issued', to: 'superseded', supersededBy: revision.number },
    });
    await expectVerified();
  });

  it('of two revisions sent at once exactly one wins; the other is a 409 naming the winner', async () => {
    const { number } = await createQuote(service, 'am1', REQUESTS.ENT0001());
    const responses = await Promise.all([
      revise('am1', number, negotiated()),
      revise('am1', number, REQUESTS.ENT0001()),
      revise('admin', number, negotiated()),
    ]);
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, 409, 409]);
    const winner = responses.find((response) => response.status === 201)!.body.number as string;
    for (const lost of responses.filter((response) => response.status === 409)) {
      expect(lost.body.error).toMatchObject({
        kind: 'conflict',
        state: 'superseded',
        supersededBy: winner,
      });
      expect(lost.body.error.message).toContain(winner);
    }
    const { total } = (await service.call('GET', '/api/quotes', { as: 'pm' })).body;
    expect(total).toBe(2);
    await expectVerified();
  });

  it('a revision for another enterprise, or one the tariff refuses, changes nothing', async () => {
    const { number } = await createQuote(service, 'am1', REQUESTS.ENT0001());
    const elsewhere = REQUESTS.ENT0001();
    elsewhere.enterprise.id = 'ENT-9999';
    const moved = await revise('am1', number, elsewhere);
    expect(moved.status).toBe(400);
    expect(moved.body.error.issues).toEqual([
      expect.objectContaining({ path: 'enterprise.id' }) as unknown,
    ]);
    const refused = await revise('am1', number, { ...REQUESTS.ENT0001(), lines: 5, handsets: [] });
    expect(refused.status).toBe(422);
    const invalid = await revise('am1', number, { ...REQUESTS.ENT0001(), lines: 'many' });
    expect(invalid.status).toBe(400);
    expect((await read(number)).state).toBe('draft');
    expect((await service.call('GET', '/api/quotes', { as: 'pm' })).body.total).toBe(1);
    await expectVerified();
  });

  it("the proposal prints its account manager's contact from the user record", async () => {
    await service.store.changeUserContact({
      id: service.users.am1.id,
      phone: '+86 10 6666 8888',
      email: 'am1@example.cn',
      actorId: null,
      now: service.clock.now.toISOString(),
    });
    const { number } = await createQuote(service, 'am1', REQUESTS.ENT0001());
    for (const lang of ['zh-CN', 'en']) {
      const response = await fetch(
        `${service.url}/api/quotes/${number}/proposal.pdf?lang=${lang}`,
        {
          headers: { authorization: `Bearer ${service.users.am1.token}` },
        },
      );
      expect(response.status).toBe(200);
      const text = pdfText(Buffer.from(await response.arrayBuffer()));
      expect(text).toContain('+86 10 6666 8888');
      expect(text).toContain('am1@example.cn');
    }
    await expectVerified();
  });

  it('withdraw ends a draft or a pending quote, and nothing else', async () => {
    const draft = await createQuote(service, 'am1', REQUESTS.ENT0002());
    const pending = await createQuote(service, 'am1', REQUESTS.pricingManager());
    await act('am1', pending.number, 'submit');
    const approved = await createQuote(service, 'am1', REQUESTS.ENT0001());
    await act('am1', approved.number, 'submit');

    for (const { number } of [draft, pending]) {
      const response = await service.call('POST', `/api/quotes/${number}/withdraw`, {
        as: 'am1',
        body: { comment: 'the customer chose another operator' },
      });
      expect(response.status).toBe(200);
      expect(response.body.state).toBe('withdrawn');
    }
    const refused = await act('am1', approved.number, 'withdraw');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ kind: 'conflict', state: 'approved' });
    expect((await act('am1', draft.number, 'submit')).status).toBe(409);
    expect((await revise('am1', draft.number, REQUESTS.ENT0002())).status).toBe(409);

    const audit = (
      await service.call('GET', `/api/audit?quoteNumber=${pending.number}`, { as: 'auditor' })
    ).body.items;
    expect(audit.at(-1)).toMatchObject({
      action: 'quote.withdraw',
      detail: {
        from: 'pending-approval',
        to: 'withdrawn',
        comment: 'the customer chose another operator',
      },
    });
    await expectVerified();
  });

  it('accepting a quote supersedes every other open quote of that enterprise', async () => {
    const draft = await createQuote(service, 'am1', REQUESTS.ENT0001());
    const approved = await createQuote(service, 'am1', REQUESTS.ENT0001());
    await act('am1', approved.number, 'submit');
    const anotherManagers = await createQuote(service, 'am2', REQUESTS.ENT0001());
    const otherEnterprise = await createQuote(service, 'am1', REQUESTS.ENT0002());
    const signed = await createQuote(service, 'am1', REQUESTS.ENT0001());
    await act('am1', signed.number, 'submit');
    await act('am1', signed.number, 'issue');

    expect((await act('am1', signed.number, 'accept')).body.state).toBe('accepted');
    for (const { number } of [draft, approved, anotherManagers]) {
      expect(await read(number)).toMatchObject({
        state: 'superseded',
        supersededBy: signed.number,
      });
    }
    expect((await read(otherEnterprise.number)).state).toBe('draft');
    await expectVerified();
  });

  it('an acceptance racing a revision of another quote of the enterprise leaves none open', async () => {
    for (let round = 0; round < 3; round += 1) {
      const request = REQUESTS.ENT0001();
      request.enterprise.id = `ENT-RACE-${round}`;
      const signed = await createQuote(service, 'am1', request);
      await act('am1', signed.number, 'submit');
      await act('am1', signed.number, 'issue');
      const other = await createQuote(service, 'am1', request);
      const [accepted, revised] = await Promise.all([
        act('am1', signed.number, 'accept'),
        revise('am1', other.number, request),
      ]);
      expect(accepted.status).toBe(200);
      expect([201, 409]).toContain(revised.status);
      const { items } = (
        await service.call('GET', `/api/quotes?enterpriseId=ENT-RACE-${round}`, { as: 'pm' })
      ).body;
      expect(
        items.map((item: { number: string; state: string }) =>
          item.number === signed.number ? 'signed' : item.state,
        ),
      ).toEqual(expect.arrayContaining(['signed']));
      for (const item of items as { number: string; state: string; supersededBy?: string }[]) {
        if (item.number !== signed.number) {
          expect(item).toMatchObject({ state: 'superseded' });
        }
      }
    }
    await expectVerified();
  });
});
