/**
 * The proposal and deal-sheet PDFs over real HTTP: a real SQLite store, the real app and one real
 * Chromium renderer shared by this file. The text poppler extracts is what a reader sees.
 */
import { ProposalRenderer } from '../../src/proposals/renderer';
import { workedExample } from '../support/tariff-book';
import { containsFigure, pdfText, yuan } from '../proposals/support';
import { REQUESTS, createQuote, startTestService, type TestService, type UserKey } from './support';

const ENT0001 = workedExample('ENT-0001');
const internal = ENT0001.expected.internal;
const ENTERPRISE_NAME = REQUESTS.ENT0001().enterprise.name!;
const CONTRACT_VALUE = yuan(ENT0001.expected.totals.contractValue!);
/** ENT-0001's internal figures as a proposal prints amounts; none equals a customer-facing one. */
const INTERNAL_AMOUNTS = ['margin', 'totalCost', 'monthlyNetworkCost', 'pointsMonthlyCost'].map(
  (name) => ({ name, printed: yuan(internal[name]!) }),
);
const MARGIN_PCT = `${internal.marginPct}%`;
const DRAFT_MARK = { 'zh-CN': '草稿', en: 'DRAFT' } as const;

let renderer: ProposalRenderer;
let service: TestService;
beforeAll(async () => {
  renderer = new ProposalRenderer();
  service = await startTestService({ renderer });
});
afterAll(async () => {
  await service.close();
  await renderer.close();
});

interface PdfResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  /** The JSON error body when the answer is not a PDF. */
  error?: { kind: string; message: string; [detail: string]: unknown };
}

/** GET as a user of the harness, keeping the body as bytes (service.call reads it as text). */
async function get(path: string, as: UserKey, target = service): Promise<PdfResponse> {
  const response = await fetch(target.url + path, {
    headers: { authorization: `Bearer ${target.users[as].token}` },
  });
  const body = Buffer.from(await response.arrayBuffer());
  const isJson = response.headers.get('content-type')?.includes('application/json') ?? false;
  return {
    status: response.status,
    headers: response.headers,
    body,
    ...(isJson ? { error: (JSON.parse(body.toString('utf8')) as { error: never }).error } : {}),
  };
}

function expectPdf(response: PdfResponse, filename: string): string {
  expect({ status: response.status, error: response.error }).toEqual({
    status: 200,
    error: undefined,
  });
  expect(response.headers.get('content-type')).toBe('application/pdf');
  expect(response.headers.get('content-disposition')).toBe(`inline; filename="${filename}"`);
  expect(response.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  return pdfText(response.body);
}

/** Moves a quote of am1 on by lifecycle actions, failing loudly if one is refused. */
async function act(number: string, ...steps: [string, UserKey][]): Promise<void> {
  for (const [action, as] of steps) {
    const response = await service.call('POST', `/api/quotes/${number}/${action}`, { as });
    if (response.status !== 200) throw new Error(`${action}: ${response.status} ${response.text}`);
  }
}

describe('GET /api/quotes/:number/proposal.pdf', () => {
  it.each([
    ['(no lang)', 'zh-CN'],
    ['?lang=zh-CN', 'zh-CN'],
    ['?lang=en', 'en'],
  ] as const)(
    '%s prints the %s customer copy with the worked example’s figures and no internal ones',
    async (query, lang) => {
      const { number } = await createQuote(service, 'am1', REQUESTS.ENT0001());
      const text = expectPdf(
        await get(`/api/quotes/${number}/proposal.pdf${query.startsWith('?') ? query : ''}`, 'am1'),
        `${number}-${lang}.pdf`,
      );
      expect(text).toContain(ENTERPRISE_NAME);
      expect(text).toContain(number);
      expect(containsFigure(text, CONTRACT_VALUE)).toBe(true);
      expect(text).toContain('¥355,062.00');
      // The account manager is named from the users table.
      expect(text).toContain('am1');
      for (const { name, printed } of INTERNAL_AMOUNTS) {
        expect({ name, inCustomerCopy: containsFigure(text, printed) }).toEqual({
          name,
          inCustomerCopy: false,
        });
      }
      expect(containsFigure(text, MARGIN_PCT)).toBe(false);
      expect(text).not.toContain(internal.margin!);
      // A draft is not an offer yet: every page says so.
      expect(text).toContain(DRAFT_MARK[lang]);
    },
  );

  it('is the same customer copy whoever prints it: finance sees no internal figures in it either', async () => {
    const { number } = await createQuote(service, 'am1', REQUESTS.ENT0001());
    const text = expectPdf(
      await get(`/api/quotes/${number}/proposal.pdf?lang=en`, 'fd'),
      `${number}-en.pdf`,
    );
    expect(text).toContain('¥355,062.00');
    for (const { printed } of INTERNAL_AMOUNTS) expect(containsFigure(text, printed)).toBe(false);
  });

  it('an issued quote prints as the offer itself, without the draft mark', async () => {
    const { number } = await createQuote(service, 'am1', REQUESTS.ENT0001());
    // ENT-0001 is auto-approved (§8, 54.65 %): submit approves it; still a draft until issued.
    await act(number, ['submit', 'am1']);
    const approved = expectPdf(
      await get(`/api/quotes/${number}/proposal.pdf?lang=en`, 'am1'),
      `${number}-en.pdf`,
    );
    expect(approved).toContain(DRAFT_MARK.en);
    await act(number, ['issue', 'am1']);
    for (const lang of ['en', 'zh-CN'] as const) {
      const issued = expectPdf(
        await get(`/api/quotes/${number}/proposal.pdf?lang=${lang}`, 'am1'),
        `${number}-${lang}.pdf`,
      );
      expect(issued).toContain(number);
      expect(issued).not.toContain(DRAFT_MARK[lang]);
    }
  });

  it('another account manager gets 404, exactly as for a quote that does not exist', async () => {
    const { number } = await createQuote(service, 'am1', REQUESTS.ENT0001());
    for (const document of ['proposal', 'deal-sheet']) {
      const theirs = await get(`/api/quotes/${number}/${document}.pdf`, 'am2');
      const missing = await get(`/api/quotes/Q-2026-999999/${document}.pdf`, 'am2');
      expect([theirs.status, missing.status]).toEqual([404, 404]);
      expect(theirs.error!.message).toBe(missing.error!.message.replace('Q-2026-999999', number));
    }
  });

  it.each(['fr', 'ZH-cn', 'zh', ''])(
    'lang=%j is refused with 400 naming query.lang',
    async (lang) => {
      const { number } = await createQuote(service, 'am1', REQUESTS.ENT0002());
      for (const document of ['proposal', 'deal-sheet']) {
        const response = await get(`/api/quotes/${number}/${document}.pdf?lang=${lang}`, 'fd');
        expect(response.status).toBe(400);
        expect(response.error!.kind).toBe('invalid-input');
        expect(response.error!.issues).toEqual([
          { path: 'query.lang', message: 'must be one of zh-CN, en' },
        ]);
      }
    },
  );

  it('a bad quote number and an unknown query parameter are named too', async () => {
    const badNumber = await get('/api/quotes/Q-26-1/proposal.pdf', 'am1');
    expect(badNumber.status).toBe(400);
    expect(badNumber.error!.issues).toEqual([expect.objectContaining({ path: 'params.number' })]);
    const { number } = await createQuote(service, 'am1', REQUESTS.ENT0002());
    const unknown = await get(`/api/quotes/${number}/proposal.pdf?language=en`, 'am1');
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.error!.issues)).toContain('language');
  });

  it('a rejected (loss-making) quote prints no customer proposal: 409 naming the state', async () => {
    const { number, approval } = await createQuote(service, 'am1', REQUESTS.lossMaking());
    expect(approval.level).toBe('rejected');
    // Loss-making already as a draft: §8 says it is never issued, so not even a draft is printed.
    const asDraft = await get(`/api/quotes/${number}/proposal.pdf`, 'am1');
    expect(asDraft.status).toBe(409);
    expect(asDraft.error).toMatchObject({
      kind: 'conflict',
      state: 'draft',
      approvalLevel: 'rejected',
    });
    await act(number, ['submit', 'am1']);
    for (const who of ['am1', 'fd', 'admin'] as const) {
      const response = await get(`/api/quotes/${number}/proposal.pdf?lang=en`, who);
      expect(response.status).toBe(409);
      expect(response.error).toMatchObject({ kind: 'conflict', state: 'rejected' });
      expect(response.error!.message).toContain('rejected');
    }
    // The internal record of why it was refused still prints.
    const dealSheet = expectPdf(
      await get(`/api/quotes/${number}/deal-sheet.pdf?lang=en`, 'fd'),
      `${number}-deal-sheet-en.pdf`,
    );
    expect(dealSheet).toContain(number);
    expect(dealSheet).not.toContain(DRAFT_MARK.en);
  });
});

describe('GET /api/quotes/:number/deal-sheet.pdf', () => {
  it.each(['fd', 'pm', 'auditor', 'admin'] as const)(
    'as %s shows the margin, margin %% and costs',
    async (who) => {
      const { number } = await createQuote(service, 'am1', REQUESTS.ENT0001());
      const text = expectPdf(
        await get(`/api/quotes/${number}/deal-sheet.pdf`, who),
        `${number}-deal-sheet-zh-CN.pdf`,
      );
      expect(text).toContain(number);
      expect(text).toContain(ENTERPRISE_NAME);
      expect(text).toContain('¥179,161.94');
      expect(containsFigure(text, MARGIN_PCT)).toBe(true);
      for (const { name, printed } of INTERNAL_AMOUNTS) {
        expect({ name, inDealSheet: containsFigure(text, printed) }).toEqual({
          name,
          inDealSheet: true,
        });
      }
      expect(text).toContain(service.ruleSet.hash);
    },
  );

  it('records the decision: the state, who approved, when, and the comment', async () => {
    const { number } = await createQuote(service, 'am1', REQUESTS.pricingManager());
    const before = expectPdf(
      await get(`/api/quotes/${number}/deal-sheet.pdf`, 'pm'),
      `${number}-deal-sheet-zh-CN.pdf`,
    );
    expect(before).toContain('审批记录');
    expect(before).toContain('报价状态 草稿');
    expect(before).toContain('尚未审批');
    await act(number, ['submit', 'am1']);
    const approved = await service.call('POST', `/api/quotes/${number}/approve`, {
      as: 'pm',
      body: { comment: '客户为教育系统重点单位，同意按此价格执行' },
    });
    expect(approved.status).toBe(200);
    const text = expectPdf(
      await get(`/api/quotes/${number}/deal-sheet.pdf`, 'fd'),
      `${number}-deal-sheet-zh-CN.pdf`,
    );
    expect(text).toContain('报价状态 已审批');
    expect(text).toContain(
      `审批人 ${service.users.pm.id === approved.body.decidedBy ? 'pm' : '?'}`,
    );
    expect(text).toContain('客户为教育系统重点单位，同意按此价格执行');
    // 09:00 UTC on 27 November 2026 is 17:00 in Beijing.
    expect(text).toContain('审批时间 2026-11-27 17:00');
  });

  it('an account manager is refused their own quote’s deal sheet (403)', async () => {
    const { number } = await createQuote(service, 'am1', REQUESTS.ENT0001());
    const response = await get(`/api/quotes/${number}/deal-sheet.pdf?lang=en`, 'am1');
    expect(response.status).toBe(403);
    expect(response.error).toMatchObject({
      kind: 'forbidden',
      allowedRoles: ['pricing-manager', 'finance-director', 'finance-auditor', 'admin'],
    });
    expect(response.error!.message).toContain('deal sheets');
    expect(response.body.toString('utf8')).not.toContain('179161.94');
  });
});

describe('renderer under load', () => {
  it('a full queue answers 503 with Retry-After, and the other requests still print', async () => {
    // One page and no queue: while one proposal prints (the first also launches Chromium), the rest are refused.
    const busy = new ProposalRenderer({ pages: 1, maxQueue: 0 });
    const small = await startTestService({ renderer: busy });
    try {
      const { number } = await createQuote(small, 'am1', REQUESTS.ENT0002());
      const responses = await Promise.all(
        Array.from({ length: 4 }, () => get(`/api/quotes/${number}/proposal.pdf`, 'am1', small)),
      );
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses).toContain(200);
      expect(statuses).toContain(503);
      expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
      for (const response of responses.filter((each) => each.status === 503)) {
        expect(response.headers.get('retry-after')).toBe('1');
        expect(response.error).toMatchObject({ kind: 'unavailable' });
        expect(response.error!.message).toContain('busy');
      }
      expect(busy.stats().refused).toBe(statuses.filter((status) => status === 503).length);
    } finally {
      await small.close();
      await busy.close();
    }
  });

  it('one browser served every PDF of this file', () => {
    expect(renderer.stats()).toMatchObject({ launches: 1, failures: 0, timeouts: 0 });
    expect(renderer.stats().renders).toBeGreaterThan(10);
  });
});

describe('expiry', () => {
  // Last: moving the shared clock would expire every quote the tests above made.
  it('an issued quote past its validity is expired first, and then prints no customer copy', async () => {
    const { number } = await createQuote(service, 'am1', REQUESTS.ENT0001());
    await act(number, ['submit', 'am1'], ['issue', 'am1']);
    service.clock.advanceDays(30, 1000);
    const response = await get(`/api/quotes/${number}/proposal.pdf`, 'am1');
    expect(response.status).toBe(409);
    expect(response.error).toMatchObject({ kind: 'conflict', state: 'expired' });
    const dealSheet = await get(`/api/quotes/${number}/deal-sheet.pdf`, 'pm');
    expect(dealSheet.status).toBe(200);
  });
});
