/**
 * A quotes row edited in the database behind the service's back, over HTTP on both stores: the
 * service refuses to move or print it (409 naming the tamper), verification names it, and the
 * quote can still be read and replayed to look into it. A trigger dropped is named too.
 */
import {
  DIALECTS,
  REQUESTS,
  announceSkippedPostgres,
  createQuote,
  startTestService,
  type TestService,
} from './support';

announceSkippedPostgres('tampered quotes');

/** Runs SQL on a connection of its own, as someone with database access would. */
async function behindTheService(service: TestService, statement: string): Promise<void> {
  if (service.dialect === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const database = new Database(service.sqlitePath!);
    try {
      database.exec(statement);
    } finally {
      database.close();
    }
    return;
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: service.databaseUrl! });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

describe.each(DIALECTS)('a quote edited behind the service (%s)', (dialect) => {
  let service: TestService;
  beforeEach(async () => {
    service = await startTestService({ dialect });
  });
  afterEach(() => service.close());

  it('set from pending to approved: not issued, not printed, and named by verify', async () => {
    const { number } = await createQuote(service, 'am1', REQUESTS.pricingManager());
    const submitted = await service.call('POST', `/api/quotes/${number}/submit`, { as: 'am1' });
    expect(submitted.body.state).toBe('pending-approval');
    const clean = await service.call('GET', '/api/audit/verify', { as: 'auditor' });
    expect(clean.body).toMatchObject({ ok: true, problems: [], quotes: { checked: 1 } });

    await behindTheService(
      service,
      `update quotes set state = 'approved' where number = '${number}'`,
    );

    const issue = await service.call('POST', `/api/quotes/${number}/issue`, { as: 'am1' });
    expect(issue.status).toBe(409);
    expect(issue.body.error).toMatchObject({ kind: 'conflict', quoteNumber: number });
    expect(issue.body.error.message).toContain(
      `${number} does not match its audit trail: it is approved in the database, but its audit trail leaves it pending-approval`,
    );
    // In Chinese when asked: the tamper and what is refused, both in the caller's words.
    const zh = { 'accept-language': 'zh-CN' };
    const issueZh = await service.call('POST', `/api/quotes/${number}/issue`, {
      as: 'am1',
      headers: zh,
    });
    expect(issueZh.status).toBe(409);
    expect(issueZh.body.error.message).toMatch(
      new RegExp(
        `^${number} 与其审计记录不符：数据库中它的状态是 approved，但审计记录使它处于 pending-approval（第 \\d+ 条）。这一行是绕过本服务在数据库中改动的，恢复之前不能执行“出具给客户”操作；quote audit verify 会列出所有这样的报价单$`,
      ),
    );
    for (const document of ['proposal.pdf', 'deal-sheet.pdf']) {
      const printed = await service.call('GET', `/api/quotes/${number}/${document}`, {
        as: 'fd',
      });
      expect(printed.status).toBe(409);
      expect(printed.body.error.message).toContain('does not match its audit trail');
      const printedZh = await service.call('GET', `/api/quotes/${number}/${document}`, {
        as: 'fd',
        headers: zh,
      });
      expect(printedZh.status).toBe(409);
      expect(printedZh.body.error.message).toMatch(/与其审计记录不符.*恢复之前不能打印；/);
    }
    // Nothing moved: the trail still reads created → submit.
    const audit = await service.call('GET', `/api/audit?quoteNumber=${number}`, { as: 'auditor' });
    expect(audit.body.items.map((entry: { action: string }) => entry.action)).toEqual([
      'quote.created',
      'quote.submit',
    ]);

    const verification = await service.call('GET', '/api/audit/verify', { as: 'auditor' });
    expect(verification.status).toBe(200);
    expect(verification.body.ok).toBe(false);
    expect(verification.body.problems).toEqual([
      expect.objectContaining({
        quoteNumber: number,
        seq: audit.body.items[1].seq,
        message: expect.stringContaining('it is approved in the database') as unknown,
      }),
    ]);

    // Still readable and replayable, to look into it.
    expect((await service.call('GET', `/api/quotes/${number}`, { as: 'am1' })).status).toBe(200);
    const replay = await service.call('GET', `/api/quotes/${number}/replay`, { as: 'auditor' });
    expect(replay.status).toBe(200);
  });

  it('an approver cannot decide a quote whose approval level was lowered behind the service', async () => {
    const { number } = await createQuote(service, 'am1', REQUESTS.ENT0003());
    await service.call('POST', `/api/quotes/${number}/submit`, { as: 'am1' });
    await behindTheService(
      service,
      `update quotes set approval_level = 'pricing-manager' where number = '${number}'`,
    );
    const approve = await service.call('POST', `/api/quotes/${number}/approve`, { as: 'pm' });
    expect(approve.status).toBe(409);
    expect(approve.body.error.message).toContain(
      'its approval level is pricing-manager, but it was created at finance-director',
    );
  });

  it('a dropped trigger is named by verify', async () => {
    await behindTheService(
      service,
      dialect === 'postgres'
        ? 'drop trigger audit_log_append_only on audit_log'
        : 'drop trigger audit_log_no_delete',
    );
    const verification = await service.call('GET', '/api/audit/verify', { as: 'auditor' });
    expect(verification.body.ok).toBe(false);
    const trigger = dialect === 'postgres' ? 'audit_log_append_only' : 'audit_log_no_delete';
    expect(verification.body.problems).toEqual([
      {
        seq: 0,
        trigger,
        message: expect.stringContaining(`trigger ${trigger} is missing`) as unknown,
      },
    ]);
  });
});
