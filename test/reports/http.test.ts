/**
 * The finance reports end to end, on SQLite and (with TEST_DATABASE_URL) PostgreSQL: who sees
 * what, the JSON report and its totals against the quotes themselves, CSV as Excel opens it, XLSX
 * read back with exceljs, the charts as SVG, the users list and the monthly PDF.
 */
import ExcelJS from 'exceljs';
import { parseDecimal, sum } from '../../src/money/money';
import { marginReportSchema } from '../../src/reports/margin';
import { userListSchema } from '../../src/reports/service';
import { YUAN_FORMAT } from '../../src/reports/xlsx';
import { pdfText } from '../proposals/support';
import { parseCsv } from '../support/csv';
import {
  DIALECTS,
  REQUESTS,
  announceSkippedPostgres,
  createQuote,
  startTestService,
  type TestService,
  type UserKey,
} from '../http/support';

announceSkippedPostgres('finance reports');

type Report = ReturnType<typeof marginReportSchema.parse>;
type GroupRow = Extract<Report['rows'][number], { key: string }>;

/** A grouped report's rows, typed as such. */
function groupRows(report: Report): GroupRow[] {
  return report.rows.filter((row): row is GroupRow => 'key' in row);
}

/** A name a spreadsheet would run as a formula, with a comma and quotes besides. */
const FORMULA_NAME = '=HYPERLINK("http://x.example","点我"),有限公司';
const MARKUP_NAME = '<script>alert("x")</script> 科技';

/** Who may call each report route: nobody, am1, am2, pm, fd, auditor, admin. */
const ROLE_MATRIX: Record<string, [number, number, number, number, number, number, number]> = {
  '/api/reports/margin?groupBy=tier': [401, 200, 200, 200, 200, 200, 200],
  '/api/reports/margin?groupBy=enterprise&pareto=true': [401, 403, 403, 200, 200, 200, 200],
  '/api/reports/margin?groupBy=component': [401, 403, 403, 200, 200, 200, 200],
  '/api/reports/margin.svg?chart=pareto': [401, 403, 403, 200, 200, 200, 200],
  '/api/users': [401, 403, 403, 403, 200, 200, 200],
};
const CALLERS: readonly (UserKey | 'nobody')[] = [
  'nobody',
  'am1',
  'am2',
  'pm',
  'fd',
  'auditor',
  'admin',
];

describe.each(DIALECTS)('finance reports [%s]', (dialect) => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ dialect });
    // October in China: 2026-10-31T15:00Z is 23:00 on the 31st in Beijing.
    service.clock.now = new Date('2026-10-31T15:00:00.000Z');
    await createQuote(service, 'am2', REQUESTS.pricingManager());
    // November in China, though still 31 October in UTC.
    service.clock.now = new Date('2026-10-31T16:30:00.000Z');
    await createQuote(service, 'am1', REQUESTS.ENT0001());
    service.clock.now = new Date('2026-11-27T09:00:00.000Z');
    await createQuote(service, 'am1', REQUESTS.ENT0002());
    await createQuote(service, 'am2', REQUESTS.ENT0003());
    await createQuote(service, 'am2', REQUESTS.lossMaking());
    const formula = REQUESTS.ENT0002();
    formula.enterprise = { ...formula.enterprise, id: 'ENT-FORMULA', name: FORMULA_NAME };
    await createQuote(service, 'am1', formula);
    const markup = REQUESTS.ENT0002();
    markup.enterprise = { ...markup.enterprise, id: 'ENT-MARKUP', name: MARKUP_NAME };
    await createQuote(service, 'am2', markup);
  });
  afterAll(() => service.close());

  const get = (path: string, as: UserKey = 'fd') => service.call('GET', path, { as });

  async function allQuotes(as: UserKey = 'fd') {
    const page = await get('/api/quotes?limit=200', as);
    expect(page.status).toBe(200);
    return page.body.items as {
      number: string;
      accountManagerId: string;
      quote: {
        tier: string;
        totals: { contractValue: string };
        internal?: { revenueExclTax: string; totalCost: string; margin: string };
      };
    }[];
  }

  it('answers each role as the policy says', async () => {
    for (const [path, statuses] of Object.entries(ROLE_MATRIX)) {
      const seen = [];
      for (const who of CALLERS) {
        const response = await service.call('GET', path, who === 'nobody' ? {} : { as: who });
        seen.push(response.status);
      }
      expect({ path, statuses: seen }).toEqual({ path, statuses });
    }
  });

  it('totals every figure exactly: the total is the sum of the rows and of the quotes', async () => {
    const quotes = await allQuotes();
    const expected = (figure: 'revenueExclTax' | 'totalCost' | 'margin') =>
      sum(quotes.map((quote) => parseDecimal(quote.quote.internal![figure]))).toFixed(2);
    for (const groupBy of [
      'quote',
      'enterprise',
      'accountManager',
      'tier',
      'industry',
      'approvalLevel',
      'state',
      'month',
      'component',
    ]) {
      const response = await get(`/api/reports/margin?groupBy=${groupBy}`);
      expect(response.status).toBe(200);
      const report = marginReportSchema.parse(response.body);
      expect(report.total).toEqual(
        expect.objectContaining({
          quotes: quotes.length,
          contractValue: sum(
            quotes.map((quote) => parseDecimal(quote.quote.totals.contractValue)),
          ).toFixed(2),
          revenueExclTax: expected('revenueExclTax'),
          totalCost: expected('totalCost'),
          margin: expected('margin'),
        }),
      );
      for (const figure of ['contractValue', 'revenueExclTax', 'totalCost', 'margin'] as const) {
        const ofRows = sum(report.rows.map((row) => parseDecimal(row[figure]!))).toFixed(2);
        expect({ groupBy, figure, total: ofRows }).toEqual({
          groupBy,
          figure,
          total: report.total[figure],
        });
      }
      if (groupBy !== 'component') {
        expect(report.rows.reduce((count, row) => count + row.quotes, 0)).toBe(quotes.length);
      }
    }
  });

  it('groups by month in China, names account managers, and counts an overdue quote as expired', async () => {
    const months = marginReportSchema.parse((await get('/api/reports/margin?groupBy=month')).body);
    expect(groupRows(months).map((row) => [row.key, row.quotes])).toEqual([
      ['2026-10', 1],
      ['2026-11', 6],
    ]);
    const managers = marginReportSchema.parse(
      (await get('/api/reports/margin?groupBy=accountManager&lang=en')).body,
    );
    expect(
      groupRows(managers)
        .map((row) => row.label)
        .sort(),
    ).toEqual(['am1', 'am2']);
    // The October quote was valid 30 days, until 2026-11-30T15:00Z: past due an hour later, though
    // nobody has read it (the first November one is due at 16:30).
    service.clock.now = new Date('2026-11-30T16:00:00.000Z');
    try {
      const states = marginReportSchema.parse(
        (await get('/api/reports/margin?groupBy=state')).body,
      );
      expect(groupRows(states).map((row) => [row.key, row.quotes])).toEqual(
        expect.arrayContaining([['expired', 1]]),
      );
      const onlyExpired = marginReportSchema.parse(
        (await get('/api/reports/margin?groupBy=quote&state=expired')).body,
      );
      expect(onlyExpired.total.quotes).toBe(1);
    } finally {
      service.clock.now = new Date('2026-11-27T09:00:00.000Z');
    }
  });

  it('gives an account manager their own pipeline only, without costs or margin', async () => {
    const mine = (await allQuotes('am1')).length;
    const response = await get('/api/reports/margin?groupBy=quote', 'am1');
    const report = marginReportSchema.parse(response.body);
    expect(report.figures).toEqual(['quotes', 'contractValue', 'revenueExclTax']);
    expect(report.total.quotes).toBe(mine);
    expect(response.text).not.toMatch(/totalCost|"margin"|marginPct/);
    for (const row of report.rows) {
      expect('accountManagerId' in row && row.accountManagerId).toBe(service.users.am1.id);
    }
    const others = await get(
      `/api/reports/margin?groupBy=tier&accountManagerId=${service.users.am2.id}`,
      'am1',
    );
    expect(marginReportSchema.parse(others.body).total.quotes).toBe(0);
    const csv = await get('/api/reports/margin?groupBy=tier&format=csv&lang=en', 'am1');
    expect(csv.text.split('\r\n')[0]).toBe('Tier,Name,Quotes,Contract value,Revenue excl. VAT');
  });

  it('shows the 80/20 view: cumulative shares, the vital few and the loss-makers', async () => {
    const report = marginReportSchema.parse(
      (await get('/api/reports/margin?groupBy=enterprise&pareto=true')).body,
    );
    const rows = groupRows(report);
    const margins = rows.map((row) => parseDecimal(row.margin!));
    expect(margins).toEqual([...margins].sort((a, b) => b.comparedTo(a)));
    expect(rows[0]!.cumulativeShare).toBe(rows[0]!.share);
    expect(report.pareto!.lossMakers).toEqual(['ENT-LOSS']);
    const basis = sum(margins.filter((margin) => margin.gt(0)));
    expect(report.pareto!.basis).toBe(basis.toFixed(2));
    const vitalFew = report.pareto!.vitalFew;
    expect(parseDecimal(rows[vitalFew - 1]!.cumulativeShare!).gte(80)).toBe(true);
    if (vitalFew > 1) expect(parseDecimal(rows[vitalFew - 2]!.cumulativeShare!).lt(80)).toBe(true);
    const bad = await get('/api/reports/margin?groupBy=tier&pareto=true');
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues).toEqual([
      { path: 'query.pareto', message: 'the 80/20 view needs groupBy=enterprise' },
    ]);
  });

  it('writes CSV as RFC 4180 in UTF-8 with a BOM, names neutralised, figures exact', async () => {
    const response = await get('/api/reports/margin?groupBy=quote&format=csv&lang=en');
    expect(response.status).toBe(200);
    // fetch's text() drops a byte-order mark: look at the bytes.
    const raw = await fetch(`${service.url}/api/reports/margin?groupBy=quote&format=csv`, {
      headers: { authorization: `Bearer ${service.users.fd.token}` },
    });
    const bytes = Buffer.from(await raw.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('华信物流集团有限公司');
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="margin-quote-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(response.text.endsWith('\r\n')).toBe(true);
    expect(response.text.replace(/\r\n/g, '')).not.toMatch(/\n/);
    const records = parseCsv(response.text);
    const [header, ...rest] = records;
    expect(header).toEqual([
      'Quote number',
      'Created (UTC)',
      'State',
      'Enterprise id',
      'Enterprise',
      'Account manager id',
      'Account manager',
      'Tier',
      'Industry',
      'Approval level',
      'Rule set',
      'Contract value',
      'Revenue excl. VAT',
      'Total cost',
      'Margin',
      'Margin %',
    ]);
    const total = rest.at(-1)!;
    const quotes = rest.slice(0, -1);
    expect(quotes).toHaveLength((await allQuotes()).length);
    const formula = quotes.find((row) => row[3] === 'ENT-FORMULA')!;
    expect(formula[4]).toBe(`'${FORMULA_NAME}`);
    expect(response.text).toContain(`"'=HYPERLINK(""http://x.example"",""点我""),有限公司"`);
    const loss = quotes.find((row) => row[3] === 'ENT-LOSS')!;
    expect(loss[14]).toBe('-10821.15');
    expect(total[0]).toBe('Total');
    expect(total[14]).toBe(sum(quotes.map((row) => parseDecimal(row[14]!))).toFixed(2));
  });

  it('writes XLSX that exceljs reads back: frozen header, ¥ numbers, exact text, a total row', async () => {
    const response = await fetch(
      `${service.url}/api/reports/margin?groupBy=accountManager&format=xlsx&lang=en`,
      { headers: { authorization: `Bearer ${service.users.fd.token}` } },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.worksheets[0]!;
    expect(sheet.views[0]).toEqual(expect.objectContaining({ state: 'frozen', ySplit: 1 }));
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual([
      'Account manager',
      'Name',
      'Quotes',
      'Contract value',
      'Revenue excl. VAT',
      'Total cost',
      'Margin',
      'Margin %',
      'Contract value (exact)',
      'Revenue excl. VAT (exact)',
      'Total cost (exact)',
      'Margin (exact)',
    ]);
    const json = marginReportSchema.parse(
      (await get('/api/reports/margin?groupBy=accountManager')).body,
    );
    expect(sheet.rowCount).toBe(1 + json.rows.length + 1);
    const first = sheet.getRow(2);
    const row = json.rows[0]!;
    expect(first.getCell(7).value).toBe(Number(row.margin));
    expect(first.getCell(7).numFmt).toBe(YUAN_FORMAT);
    expect(first.getCell(12).value).toBe(row.margin);
    const total = sheet.getRow(sheet.rowCount);
    expect(total.getCell(1).value).toBe('Total');
    expect(total.getCell(3).value).toBe(json.total.quotes);
    expect(total.getCell(12).value).toBe(json.total.margin);
    expect(total.font?.bold).toBe(true);
  });

  it('draws every chart as SVG with its series, names escaped', async () => {
    const expectations: Record<string, string[]> = {
      'margin-by-month': [
        'Margin by month',
        'Revenue excl. VAT',
        'Total cost',
        '2026-10',
        '2026-11',
      ],
      'margin-pct-by-account-manager': ['Margin % by account manager', 'am1', 'am2'],
      pareto: ['80/20', 'Cumulative share of margin %', '华信物流集团有限公司', 'Loss-making'],
      'approval-mix': [
        'Approval mix',
        'Auto-approved',
        'Finance director',
        'Rejected: loss-making',
      ],
    };
    for (const [chart, texts] of Object.entries(expectations)) {
      const response = await get(`/api/reports/margin.svg?chart=${chart}&lang=en`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
      expect(response.text).toMatch(/^<svg[\s>]/);
      for (const text of texts)
        expect({ chart, text, found: response.text.includes(text) }).toEqual({
          chart,
          text,
          found: true,
        });
      expect(response.text).not.toContain('<script');
    }
    const pareto = await get('/api/reports/margin.svg?chart=pareto&lang=en');
    expect(pareto.text).toContain('&lt;script&gt;');
    expect((await get('/api/reports/margin.svg?chart=nope')).status).toBe(400);
  });

  it('lists users with id, name, role and active, for finance and admin', async () => {
    const response = await get('/api/users', 'auditor');
    const users = userListSchema.parse(response.body).items;
    expect(users.map((user) => user.name)).toEqual(['admin', 'am1', 'am2', 'auditor', 'fd', 'pm']);
    expect(users.find((user) => user.name === 'am1')).toEqual(
      expect.objectContaining({ id: service.users.am1.id, role: 'account-manager', active: true }),
    );
  });

  it('refuses bad filters with every problem named', async () => {
    const response = await get(
      '/api/reports/margin?groupBy=nope&from=2026-12-01&to=2026-11-01&state=lost&format=pdf',
    );
    expect(response.status).toBe(400);
    expect(response.body.error.issues.map((issue: { path: string }) => issue.path).sort()).toEqual([
      'query.format',
      'query.groupBy',
      'query.state.0',
    ]);
    const backwards = await get('/api/reports/margin?from=2026-12-01&to=2026-11-01');
    expect(backwards.body.error.issues).toEqual([
      { path: 'query.to', message: 'must not be before from' },
    ]);
  });

  if (dialect === 'sqlite') {
    it('prints the monthly finance report through the renderer', async () => {
      const response = await fetch(`${service.url}/api/reports/margin.pdf?month=2026-11&lang=en`, {
        headers: { authorization: `Bearer ${service.users.fd.token}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      const pdf = Buffer.from(await response.arrayBuffer());
      const text = pdfText(pdf);
      const november = marginReportSchema.parse(
        (await get('/api/reports/margin?groupBy=tier&from=2026-11-01&to=2026-11-30')).body,
      );
      expect(november.total.quotes).toBe(6);
      expect(text).toContain('Monthly finance report');
      expect(text).toContain('1 November 2026 – 30 November 2026');
      const yuan = (amount: string) =>
        `¥${amount.replace(/^-/, '').replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
      expect(text).toContain(yuan(november.total.margin!));
      expect(text).toContain('Loss-making enterprises');
      expect(text).toContain('亏损测试有限公司');
      expect((await get('/api/reports/margin.pdf?month=2026-13')).status).toBe(400);
      expect((await get('/api/reports/margin.pdf?month=2026-11', 'am1')).status).toBe(403);
    }, 60_000);
  }
});
