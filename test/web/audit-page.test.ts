/**
 * The audit log page: newest first, with the number of entries in all, pages that go back to the
 * first entry and forward to the latest, and a quote's own trail by filter; the hash chain is
 * verified as the page opens (htmx loads /audit/verify), so its result shows without a click.
 */
import { auditVerificationSchema } from '../../src/http/schemas';
import { REQUESTS, createQuote, startTestService, type TestService } from '../http/support';
import { signIn, unescapeHtml } from './support';

let service: TestService;
let lastQuote: string;

beforeAll(async () => {
  service = await startTestService();
  // More entries than a page shows: one per stored quote, and a submission of the last one.
  for (let index = 0; index < 60; index += 1)
    lastQuote = (await createQuote(service, 'am1', REQUESTS.ENT0001())).number;
  await service.call('POST', `/api/quotes/${lastQuote}/submit`, { as: 'am1' });
});
afterAll(() => service.close());

/** The seq column of the page's audit table, top to bottom. */
function seqs(html: string): number[] {
  return [...html.matchAll(/<td class="num">(\d+)<\/td>/g)].map((match) => Number(match[1]));
}

function href(html: string, label: string): string | undefined {
  const match = new RegExp(`<a href="([^"]+)"(?: rel="\\w+")?>${label}</a>`).exec(html);
  return match ? unescapeHtml(match[1]!) : undefined;
}

describe('the audit log page', () => {
  it('shows the latest entries first, how many there are, and pages back to the first', async () => {
    const total = await service.store.countAudit({});
    expect(total).toBeGreaterThan(50);
    const { client } = await signIn(service, 'auditor');
    const first = await client.get('/audit');
    expect(first.status).toBe(200);
    const top = seqs(first.text);
    expect(top).toHaveLength(50);
    expect(top[0]).toBe(total);
    expect(top).toEqual([...top].sort((a, b) => b - a));
    expect(unescapeHtml(first.text)).toContain(`共 ${total} 条记录，最新在前；当前第 1–50 条`);
    expect(first.text).toContain('hx-get="/audit/verify" hx-trigger="load"');
    expect(href(first.text, '较新')).toBeUndefined();

    const older = await client.get(href(first.text, '较早')!);
    expect(seqs(older.text)[0]).toBe(total - 50);
    expect(href(older.text, '最新')).toBe('/audit?offset=0');
    const earliest = await client.get(href(first.text, '最早')!);
    expect(seqs(earliest.text).at(-1)).toBe(1);
    expect(href(earliest.text, '较早')).toBeUndefined();
  });

  it('filters one quote’s trail, newest first, with its own count', async () => {
    const { client } = await signIn(service, 'fd');
    const page = await client.get(`/audit?quote=${lastQuote}`);
    const shown = unescapeHtml(page.text);
    expect(shown).toContain('共 2 条记录');
    expect(shown.indexOf('提交')).toBeLessThan(shown.indexOf('创建报价'));
  });

  it('verifies the chain when asked, and says so', async () => {
    const { client } = await signIn(service, 'fd');
    const verified = await client.get('/audit/verify', { 'HX-Request': 'true' });
    expect(verified.status).toBe(200);
    expect(verified.text).toContain('alert ok');
  });
});

describe('a tampered database', () => {
  // Last: they leave the database tampered with, each more than the one before.
  it('names each problem in the reader’s language, on the page and over the API', async () => {
    const { default: Database } = await import('better-sqlite3');
    const database = new Database(service.sqlitePath!);
    const { state } = (await service.call('GET', `/api/quotes/${lastQuote}`, { as: 'fd' })).body;
    database.prepare("update quotes set state = 'declined' where number = ?").run(lastQuote);
    database.exec('drop trigger audit_log_no_delete');
    database.close();

    const { client } = await signIn(service, 'fd');
    const page = unescapeHtml((await client.get('/audit/verify', { 'HX-Request': 'true' })).text);
    expect(page).toContain(
      `${lastQuote} 与其审计记录不符：数据库中它的状态是 declined，但审计记录使它处于 ${state}`,
    );
    expect(page).toContain('触发器 audit_log_no_delete 缺失：数据库不再拒绝删除审计记录');
    expect(page).not.toMatch(/does not match|is missing/);

    const asked = (language?: string) =>
      service.call('GET', '/api/audit/verify', {
        as: 'fd',
        headers: language ? { 'accept-language': language } : {},
      });
    const [zh, unasked] = await Promise.all([asked('zh-CN'), asked()]);
    const messages = (response: typeof zh) =>
      auditVerificationSchema.parse(response.body).problems.map((problem) => problem.message);
    expect(zh.headers.get('content-language')).toBe('zh-CN');
    expect(messages(zh)).toHaveLength(2);
    for (const message of messages(zh)) expect(message).toMatch(/[\u4e00-\u9fff]/);
    // The command line's English, as raised, when nobody asks.
    expect(messages(unasked)).toEqual([
      expect.stringMatching(
        new RegExp(`^${lastQuote} does not match its audit trail: it is declined`),
      ),
      expect.stringMatching(/^trigger audit_log_no_delete is missing/),
    ]);
  });

  it('words its notes in the reader’s language too: a quote last moved before quote hashes', async () => {
    // As a database migrated from before 0004 has it: the first quote's last entry carries no hash.
    const { default: Database } = await import('better-sqlite3');
    const database = new Database(service.sqlitePath!);
    database.exec('drop trigger audit_log_no_update');
    database.exec(`update audit_log set detail = json_remove(detail, '$.quoteHash')
      where seq = (select max(seq) from audit_log
                   where quote_number = (select min(number) from quotes))`);
    database.exec('update audit_chain_head set quote_hashes_from = 1000000');
    database.close();

    const { client } = await signIn(service, 'fd');
    const page = unescapeHtml((await client.get('/audit/verify', { 'HX-Request': 'true' })).text);
    expect(page).toContain(
      '<p class="hint">60 份报价中有 1 份没有报价哈希：它们最后一条审计记录写于迁移 0004 之前。',
    );
    const asked = (language?: string) =>
      service.call('GET', '/api/audit/verify', {
        as: 'fd',
        headers: language ? { 'accept-language': language } : {},
      });
    const [zh, unasked] = await Promise.all([asked('zh-CN'), asked()]);
    const notes = (response: typeof zh) => auditVerificationSchema.parse(response.body).notes;
    expect(notes(zh)).toEqual([expect.stringMatching(/^60 份报价中有 1 份没有报价哈希/)]);
    expect(notes(unasked)).toEqual([
      expect.stringMatching(
        /^1 of 60 quotes carry no quote hash: their last audit entry was written before migration 0004\./,
      ),
    ]);
  });
});
