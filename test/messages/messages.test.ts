/**
 * Error messages in zh-CN and en (issue 16): every kind and every issue has words in both locale
 * files, Accept-Language picks the language, and a request may name an enum value as the rule set
 * declares it (`物流`).
 */
import { STATUS_BY_KIND } from '../../src/http/errors';
import { errorSchema } from '../../src/http/schemas';
import { localeKeys } from '../../src/proposals/locale';
import { TEMPLATES_DIR } from '../../src/proposals/html';
import { isAppError, type AppError } from '../../src/errors';
import {
  MESSAGE_LOCALES,
  errorMessage,
  issueMessage,
  localeFromAcceptLanguage,
  messageFor,
  type ErrorBodyKind,
} from '../../src/messages/messages';
import { REQUESTS, startTestService, type TestService } from '../http/support';

const ERROR_KINDS: readonly ErrorBodyKind[] = [
  ...(Object.keys(STATUS_BY_KIND) as (keyof typeof STATUS_BY_KIND)[]),
  'internal',
  'rate-limited',
];

describe('the words of errors', () => {
  it('has every kind in every language, each worded differently', () => {
    for (const kind of ERROR_KINDS) {
      const texts = MESSAGE_LOCALES.map((locale) =>
        messageFor(`kinds.${kind}`, { issues: 'x', seconds: '60' }, locale),
      );
      expect({ kind, distinct: new Set(texts).size }).toEqual({
        kind,
        distinct: MESSAGE_LOCALES.length,
      });
    }
  });

  it('has the same error keys in every locale file', () => {
    const errorKeys = (locale: (typeof MESSAGE_LOCALES)[number]) =>
      localeKeys(TEMPLATES_DIR, locale).filter((key) => key.startsWith('errors.'));
    expect(errorKeys('zh-CN')).toEqual(errorKeys('en'));
    expect(errorKeys('en').length).toBeGreaterThan(ERROR_KINDS.length);
  });

  it('words a list of declared values in the reader’s language', () => {
    const allowed = [
      { code: 'logistics', names: { 'zh-CN': '物流', en: 'Logistics' } },
      { code: 'other', names: { 'zh-CN': '其他', en: 'Other' } },
    ];
    expect(messageFor('issues.invalid_value', { allowed }, 'zh-CN')).toBe(
      '必须是以下之一：logistics（物流）、other（其他）',
    );
    expect(messageFor('issues.invalid_value', { allowed }, 'en')).toBe(
      'must be one of logistics (Logistics), other (Other)',
    );
  });

  it('reads Accept-Language by weight, and answers English when it names nothing it has', () => {
    expect(localeFromAcceptLanguage(undefined)).toBe('en');
    expect(localeFromAcceptLanguage('zh-CN')).toBe('zh-CN');
    expect(localeFromAcceptLanguage('zh')).toBe('zh-CN');
    expect(localeFromAcceptLanguage('en-US,en;q=0.9')).toBe('en');
    expect(localeFromAcceptLanguage('fr, zh;q=0.5, en;q=0.4')).toBe('zh-CN');
    expect(localeFromAcceptLanguage('en;q=0.2, zh-CN;q=0.8')).toBe('zh-CN');
    expect(localeFromAcceptLanguage('zh-CN;q=0, en')).toBe('en');
    expect(localeFromAcceptLanguage('fr, de')).toBe('en');
    expect(localeFromAcceptLanguage('*')).toBe('en');
  });
});

describe('errors over HTTP in the caller’s language', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(() => service.close());

  const preview = (body: unknown, language?: string) =>
    service.call('POST', '/api/quotes/preview', {
      as: 'am1',
      body,
      headers: language ? { 'accept-language': language } : {},
    });

  function badRequest() {
    const request = REQUESTS.ENT0001() as unknown as Record<string, unknown> & {
      enterprise: Record<string, string>;
    };
    request.enterprise.industry = 'shipping';
    request.lines = 'ten';
    request.discount = '5';
    return request;
  }

  it('answers the same bad request in zh-CN and in en, naming the same fields', async () => {
    const [zh, en, unasked] = await Promise.all([
      preview(badRequest(), 'zh-CN'),
      preview(badRequest(), 'en'),
      preview(badRequest()),
    ]);
    const parsed = [zh, en, unasked].map((response) => {
      expect(response.status).toBe(400);
      return errorSchema.parse(response.body).error;
    });
    const [zhError, enError, unaskedError] = parsed as [
      (typeof parsed)[number],
      (typeof parsed)[number],
      (typeof parsed)[number],
    ];
    expect(zh.headers.get('content-language')).toBe('zh-CN');
    expect(en.headers.get('content-language')).toBe('en');
    expect(zh.headers.get('vary')).toMatch(/Accept-Language/i);
    const paths = (error: typeof zhError) => error.issues!.map((issue) => issue.path).sort();
    expect(paths(zhError)).toEqual(['(request)', 'enterprise.industry', 'lines']);
    expect(paths(enError)).toEqual(paths(zhError));
    const byPath = (error: typeof zhError) =>
      Object.fromEntries(error.issues!.map((issue) => [issue.path, issue.message]));
    expect(byPath(zhError)['enterprise.industry']).toContain('logistics（物流）');
    expect(byPath(zhError)['(request)']).toBe('不认识的字段：discount');
    expect(byPath(zhError).lines).toBe('类型不对：应为数字');
    expect(zhError.message).toMatch(/^请求无效：/);
    expect(byPath(enError)['enterprise.industry']).toContain('logistics (Logistics)');
    expect(enError.message).toMatch(/^invalid quote request: /);
    // No Accept-Language: English, as before the API spoke Chinese.
    expect(unaskedError).toEqual({ ...enError, requestId: unaskedError.requestId });
    expect(unasked.headers.get('content-language')).toBe('en');
  });

  it('words every problem of a request in Chinese, and the same problems in English as raised', async () => {
    const request = REQUESTS.ENT0001() as unknown as Record<string, unknown> & {
      enterprise: Record<string, string>;
      usagePerLine: Record<string, string>;
    };
    request.enterprise.name = ' ';
    request.usagePerLine.dataGB = '1,5';
    request.termMonths = 13;
    request.lines = 2;
    request.handsets = [
      { model: 'HX-5G-PRO', quantity: 2 },
      { model: 'HX-5G-PRO', quantity: 1 },
      { model: 'PHONE-X', quantity: 1 },
    ];
    const raw = JSON.stringify(request).replace('"lines":2', '"lines":2.0');
    const send = (language: string) =>
      service.call('POST', '/api/quotes/preview', {
        as: 'am1',
        raw,
        headers: { 'accept-language': language, 'content-type': 'application/json' },
      });
    const [zh, en] = await Promise.all([send('zh-CN'), send('en')]);
    const issues = (response: typeof zh) =>
      (response.body.error.issues as { path: string; message: string }[]).map(
        (issue) => `${issue.path}: ${issue.message}`,
      );
    expect(issues(zh)).toHaveLength(7);
    expect(issues(en)).toHaveLength(7);
    for (const issue of issues(zh)) expect(issue).toMatch(/[\u4e00-\u9fff]/);
    expect(issues(en)).toEqual(
      expect.arrayContaining([
        'enterprise.name: must not be empty',
        'termMonths: must be one of 12, 24, 36 months',
        'handsets.1.model: HX-5G-PRO is listed twice; give one entry with the total quantity',
        'handsets.2.model: is not a handset in the price list (known: HX-5G-PRO, HX-5G-LITE)',
        'handsets: asks for 4 handsets for 2 lines; at most one handset per line',
        expect.stringMatching(/^usagePerLine.dataGB: must be a non-negative decimal string/),
        expect.stringMatching(/^lines: must be a whole number written as digits/),
      ]),
    );
    expect(issues(zh)).toEqual(
      expect.arrayContaining([
        'termMonths: 合约期必须是以下之一（月）：12、24、36',
        'handsets.1.model: HX-5G-PRO 重复列出；请合并为一条并填写总数量',
      ]),
    );
  });

  it('answers an unknown route, a missing token and a bad query in Chinese when asked', async () => {
    const zh = { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' };
    const route = await service.call('GET', '/api/nowhere', { as: 'fd', headers: zh });
    expect(route.status).toBe(404);
    expect(route.body.error.message).toBe('没有这个接口：GET /api/nowhere');
    const quote = await service.call('GET', '/api/quotes/Q-2026-999999', {
      as: 'am1',
      headers: zh,
    });
    expect(quote.status).toBe(404);
    expect(quote.body.error.message).toBe('没有报价单 Q-2026-999999，或它不属于您');
    const forbidden = await service.call('GET', '/api/audit', { as: 'am1', headers: zh });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.message).toBe(
      '角色 account-manager 无权执行此操作（可执行的角色：finance-director、finance-auditor、admin）',
    );
    const token = await service.call('GET', '/api/quotes', { headers: zh });
    expect(token.status).toBe(401);
    expect(token.body.error.message).toBe(messageFor('kinds.unauthenticated', {}, 'zh-CN'));
    const query = await service.call('GET', '/api/reports/margin?groupBy=nope', {
      as: 'fd',
      headers: zh,
    });
    expect(query.status).toBe(400);
    expect(query.body.error.issues).toEqual([
      {
        path: 'query.groupBy',
        message: expect.stringMatching(/^必须是以下之一：quote、enterprise、/),
      },
    ]);
  });

  it('words the pattern checks of queries, paths and headers in Chinese when asked', async () => {
    const zh = { 'accept-language': 'zh-CN' };
    const issuesOf = async (
      method: string,
      path: string,
      as: 'fd' | 'am1' | 'pm',
      body?: unknown,
      headers = {},
    ) => {
      const response = await service.call(method, path, {
        as,
        headers: { ...zh, ...headers },
        ...(body !== undefined ? { body } : {}),
      });
      expect(response.status).toBe(400);
      return response.body.error.issues as { path: string; message: string }[];
    };
    const words = (key: string) => messageFor(`issues.${key}`, {}, 'zh-CN');
    expect(await issuesOf('GET', '/api/reports/margin.pdf?month=2026-13', 'fd')).toEqual([
      { path: 'query.month', message: words('month') },
    ]);
    expect(await issuesOf('GET', '/api/reports/margin?tier=KEY!&ruleSetHash=abc', 'fd')).toEqual([
      { path: 'query.tier', message: words('tierCode') },
      { path: 'query.ruleSetHash', message: words('ruleSetHash') },
    ]);
    expect(await issuesOf('GET', '/api/rulesets/not-a-hash', 'pm')).toEqual([
      { path: 'params.hash', message: words('ruleSetHash') },
    ]);
    expect(await issuesOf('GET', '/api/quotes?limit=ten', 'am1')).toEqual([
      { path: 'query.limit', message: words('wholeNumber') },
    ]);
    expect(await issuesOf('GET', '/api/quotes/Q-26-1', 'am1')).toEqual([
      { path: 'params.number', message: words('quoteNumber') },
    ]);
    expect(await issuesOf('GET', '/api/audit?quoteNumber=26-000001', 'fd')).toEqual([
      { path: 'query.quoteNumber', message: words('quoteNumber') },
    ]);
    expect(
      await issuesOf('POST', '/api/quotes', 'am1', REQUESTS.ENT0001(), {
        'idempotency-key': 'two words',
      }),
    ).toEqual([{ path: 'header.Idempotency-Key', message: words('idempotencyKey') }]);
    // Checked before the set is looked up: any hash will do.
    const hash = 'a'.repeat(64);
    expect(
      await issuesOf('POST', `/api/rulesets/${hash}/publish`, 'pm', {
        note: '下周生效',
        effectiveFrom: '下周一',
      }),
    ).toEqual([{ path: 'effectiveFrom', message: words('isoInstant') }]);
    // Every one was Chinese, and is English as raised when nobody asks.
    for (const key of [
      'month',
      'tierCode',
      'ruleSetHash',
      'wholeNumber',
      'idempotencyKey',
      'isoInstant',
      'quoteNumber',
    ])
      expect([key, words(key)]).toEqual([key, expect.stringMatching(/[\u4e00-\u9fff]/)]);
    const english = await service.call('GET', '/api/reports/margin.pdf?month=2026-13', {
      as: 'fd',
    });
    expect(english.body.error.issues).toEqual([
      { path: 'query.month', message: 'must be a month such as 2026-11' },
    ]);
  });

  it('words a bad phone number or e-mail address of a user’s contact in Chinese, English as raised', async () => {
    const refusal = await service.store
      .changeUserContact({
        id: service.users.am1.id,
        phone: '电话 010',
        email: 'wang at example.cn',
        actorId: null,
        now: service.clock.now.toISOString(),
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(isAppError(refusal)).toBe(true);
    const { issues } = (refusal as AppError).details;
    expect(issues!.map((issue) => [issue.path, issueMessage(issue, 'zh-CN')])).toEqual([
      ['phone', messageFor('issues.phoneNumber', {}, 'zh-CN')],
      ['email', messageFor('issues.emailAddress', {}, 'zh-CN')],
    ]);
    for (const issue of issues!) expect(issueMessage(issue, 'zh-CN')).toMatch(/[\u4e00-\u9fff]/);
    expect(errorMessage(refusal as AppError, 'zh-CN')).toMatch(/^请求无效：phone: 须为电话号码/);
    // The command line (quote users contact) reads them as raised.
    expect(issues!.map((issue) => issueMessage(issue, 'en'))).toEqual([
      'must be a phone number: digits, spaces, ( ) and -, optionally starting with +',
      'must be an e-mail address such as wang@example.cn',
    ]);
  });

  it('refuses to schedule a publication for a time already past, in the caller’s language', async () => {
    const past = new Date(service.clock.now.getTime() - 60_000).toISOString();
    // Refused before the set is looked up: any hash will do.
    const response = await service.call('POST', `/api/rulesets/${'a'.repeat(64)}/publish`, {
      as: 'pm',
      body: { note: '补记', effectiveFrom: past },
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.issues).toEqual([
      {
        path: 'effectiveFrom',
        message: messageFor(
          'rulesets.effectiveFromPast',
          { now: service.clock.now.toISOString() },
          'zh-CN',
        ),
      },
    ]);
  });

  it('takes a declared name of an enum value for its code: 物流 and Logistics are logistics', async () => {
    const withIndustry = (industry: string) => {
      const request = REQUESTS.ENT0001();
      request.enterprise.industry = industry;
      return request;
    };
    const [byCode, byChinese, byEnglish] = await Promise.all(
      ['logistics', '物流', 'Logistics'].map((industry) => preview(withIndustry(industry))),
    );
    expect(byCode!.status).toBe(200);
    expect(byChinese!.status).toBe(200);
    expect(byEnglish!.status).toBe(200);
    expect(byChinese!.body).toEqual(byCode!.body);
    expect(byEnglish!.body).toEqual(byCode!.body);
    // A name of another fact's value is still refused.
    const wrong = await preview(withIndustry('统一采购'), 'zh-CN');
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.issues[0].path).toBe('enterprise.industry');
  });
});
