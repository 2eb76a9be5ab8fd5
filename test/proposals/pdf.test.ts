/**
 * The printed proposals, read back with poppler: what a customer and a finance reviewer would see.
 * Real Chromium, one renderer for the file.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PROPOSAL_LANGUAGES,
  ProposalRenderer,
  proposalPrintJob,
  type ProposalInput,
} from '../../src/proposals';
import {
  EXAMPLE_IDS,
  containsFigure,
  exampleInput,
  inputNamed,
  pdfFonts,
  pdfPageCount,
  pdfRuns,
  pdfText,
  yuan,
  type ExampleId,
} from './support';
import { workedExample } from '../support/tariff-book';
import { fixtureRuleSet } from '../support/rule-set-copy';
import { negotiatedDiscounts, priceWaterfall } from '../../src/pricing/waterfall';

jest.setTimeout(60_000);

let renderer: ProposalRenderer;
beforeAll(() => {
  renderer = new ProposalRenderer({ pages: 2, maxQueue: 64 });
});
afterAll(async () => {
  await renderer.close();
});

const inputs = new Map<ExampleId, ProposalInput>();
async function input(id: ExampleId): Promise<ProposalInput> {
  let found = inputs.get(id);
  if (!found) {
    found = await exampleInput(id);
    inputs.set(id, found);
  }
  return found;
}

describe.each(EXAMPLE_IDS)('the worked example %s', (id) => {
  const expected = workedExample(id).expected;

  it.each(PROPOSAL_LANGUAGES)(
    'prints in %s: enterprise, quote number, every line item and the contract value',
    async (lang) => {
      const proposal = await input(id);
      const pdf = await renderer.render(proposal, { lang, document: 'proposal' });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const text = pdfText(pdf);
      expect(text).toContain(proposal.request.enterprise.name);
      expect(text).toContain(proposal.number);
      for (const item of expected.items) {
        const priced = proposal.quote.items.find((entry) => entry.code === item.code);
        expect(priced).toBeDefined();
        expect(text).toContain(priced?.names[lang]);
        // The customer reads names; an internal code shows only where it is the name (a model).
        if (!priced?.names[lang].includes(item.code ?? '')) expect(text).not.toContain(item.code);
        expect(containsFigure(text, yuan(item.list ?? ''))).toBe(true);
        expect(containsFigure(text, yuan(item.net ?? ''))).toBe(true);
        expect(containsFigure(text, yuan(item.tax ?? ''))).toBe(true);
      }
      for (const total of [
        'contractValue',
        'monthlyNet',
        'oneTimeNet',
        'customerSavings',
        'monthlyList',
      ] as const) {
        expect(containsFigure(text, yuan(expected.totals[total] ?? ''))).toBe(true);
      }
      expect(containsFigure(text, yuan(expected.benefits.overdraftLimit ?? ''))).toBe(true);
      const pages = pdfPageCount(pdf);
      for (let page = 1; page <= pages; page += 1) {
        const pageText = pdfText(pdf, { first: page, last: page });
        expect(pageText).toContain(
          lang === 'en' ? `Page ${page} of ${pages}` : `第 ${page} 页，共 ${pages} 页`,
        );
      }
    },
  );

  it.each(PROPOSAL_LANGUAGES)(
    'in %s, keeps costs, margin and approval out of the customer copy and in the deal sheet',
    async (lang) => {
      const proposal = await input(id);
      const [customer, dealSheet] = await Promise.all([
        renderer.render(proposal, { lang, document: 'proposal' }).then((pdf) => pdfText(pdf)),
        renderer.render(proposal, { lang, document: 'deal-sheet' }).then((pdf) => pdfText(pdf)),
      ]);
      const internal = expected.internal;
      const {
        approvalRules: _rules,
        approval: _level,
        marginPct: _pct,
        ...amounts
      } = proposal.quote.internal;
      // The fixture's figures are the core's (tested to the fen elsewhere); the quote adds a few more.
      expect(amounts).toMatchObject(
        Object.fromEntries(Object.entries(internal).filter(([name]) => name in amounts)),
      );
      // A small internal figure may equal a customer-facing one by chance (ENT-0002's overdraft risk
      // cost ¥0.30 is also the long-distance unit price); only figures that do not are telling.
      const customerFacing = new Set(
        [
          ...proposal.quote.items.flatMap((item) => [
            item.unitPrice,
            item.list,
            item.discount,
            item.net,
            item.tax,
          ]),
          ...Object.values(proposal.quote.totals),
          ...Object.values(proposal.quote.benefits),
        ].map(yuan),
      );
      const telling = Object.entries(amounts).filter(
        ([, amount]) => !customerFacing.has(yuan(amount)),
      );
      expect(telling.length).toBeGreaterThanOrEqual(6);
      for (const [figure, amount] of telling) {
        expect({ figure, inCustomerCopy: containsFigure(customer, yuan(amount)) }).toEqual({
          figure,
          inCustomerCopy: false,
        });
        expect({ figure, inDealSheet: containsFigure(dealSheet, yuan(amount)) }).toEqual({
          figure,
          inDealSheet: true,
        });
      }
      expect(containsFigure(customer, `${internal.marginPct}%`)).toBe(false);
      expect(containsFigure(dealSheet, `${internal.marginPct}%`)).toBe(true);
      const words =
        lang === 'en'
          ? {
              margin: 'Margin',
              cost: 'cost',
              approval: 'Approval',
              level: { auto: 'Auto-approved', 'finance-director': 'Finance director' },
            }
          : {
              margin: '毛利',
              cost: '成本',
              approval: '审批',
              level: { auto: '自动通过', 'finance-director': '财务总监' },
            };
      for (const word of [words.margin, words.cost, words.approval]) {
        expect(customer).not.toContain(word);
        expect(dealSheet).toContain(word);
      }
      const level = words.level[internal.approval as 'auto' | 'finance-director'];
      expect(customer).not.toContain(level);
      expect(dealSheet).toContain(level);
      expect(dealSheet).toContain(proposal.quote.ruleSetHash);
    },
  );
});

describe("the operator's legal entity and the account manager's contact", () => {
  it.each([
    ['zh-CN', '华东通信集团有限公司'],
    ['en', 'East China Telecom Group Co., Ltd.'],
  ] as const)('in %s the proposal names %s and how to reach its manager', async (lang, entity) => {
    const proposal = {
      ...(await input('ENT-0002')),
      accountManager: { name: '王晓明', phone: '+86 21 5555 0101', email: 'wxm@example.cn' },
    };
    const text = pdfText(await renderer.render(proposal, { lang, document: 'proposal' }));
    expect(text).toContain(entity);
    expect(text).toContain('+86 21 5555 0101');
    expect(text).toContain('wxm@example.cn');
  });
});

describe('revisions', () => {
  const words = {
    'zh-CN': {
      replaces: '替代报价单 Q-2026-000007',
      supersededBy: '已被报价单 Q-2026-000009 取代',
    },
    en: {
      replaces: 'it replaces quote Q-2026-000007',
      supersededBy: 'Superseded by quote Q-2026-000009',
    },
  } as const;

  it.each(PROPOSAL_LANGUAGES)(
    'in %s a revision names the quote it replaces; the deal sheet also names the successor',
    async (lang) => {
      const revised = {
        ...(await input('ENT-0001')),
        supersedes: 'Q-2026-000007',
        supersededBy: 'Q-2026-000009',
      };
      const customer = pdfText(await renderer.render(revised, { lang, document: 'proposal' }));
      expect(customer).toContain(words[lang].replaces);
      // A superseded quote never reaches a customer; its successor is internal news.
      expect(customer).not.toContain('Q-2026-000009');
      const dealSheet = pdfText(await renderer.render(revised, { lang, document: 'deal-sheet' }));
      expect(dealSheet).toContain(words[lang].replaces);
      expect(dealSheet).toContain(words[lang].supersededBy);
      const original = pdfText(
        await renderer.render(await input('ENT-0001'), { lang, document: 'proposal' }),
      );
      expect(original).not.toContain('Q-2026-000007');
    },
  );
});

describe('the deal sheet of a negotiated quote', () => {
  it.each([
    [
      'en',
      ['Tariff discount', 'Negotiated', 'Price waterfall over 24 months', 'Negotiated discounts'],
    ],
    ['zh-CN', ['资费优惠', '协商优惠', '价格瀑布', '不含税收入']],
  ] as const)(
    'in %s: tariff and negotiated discounts apart, and the waterfall from list to margin',
    async (lang, words) => {
      const negotiated = await exampleInput('ENT-0001', (request) => {
        request.adjustments = [{ item: 'LD_MIN', percent: '5', reason: 'competitor offer' }];
      });
      const negotiatedDiscountsOfIt = await negotiatedDiscounts(
        fixtureRuleSet(),
        negotiated.request,
        negotiated.quote,
      );
      const input = { ...negotiated, negotiatedDiscounts: negotiatedDiscountsOfIt };
      const dealSheet = pdfText(await renderer.render(input, { lang, document: 'deal-sheet' }));
      for (const word of words) expect(dealSheet).toContain(word);
      const steps = priceWaterfall(input.quote, negotiatedDiscountsOfIt);
      // LD_MIN: 756.00 of the tariff's and 108.00 negotiated a month; 2,592.00 over 24 months.
      expect(dealSheet).toContain(`−${yuan('756.00')} −${yuan('108.00')}`);
      for (const figure of [steps.list, steps.net, steps.revenueExclTax, steps.margin])
        expect(dealSheet).toContain(yuan(figure));
      for (const figure of [
        steps.tariffDiscounts,
        steps.negotiatedDiscounts,
        steps.vat,
        steps.costs,
      ])
        expect(dealSheet).toContain(`−${yuan(figure)}`);
      expect(steps.negotiatedDiscounts).toBe('2592.00');
      // The customer sees one combined discount, never the split.
      const customer = pdfText(await renderer.render(input, { lang, document: 'proposal' }));
      expect(customer).toContain(`−${yuan('864.00')}`);
      expect(customer).not.toContain(words[0]);
      expect(customer).not.toContain(yuan(steps.margin));
    },
  );
});

describe('layout', () => {
  it('repeats a table header on the page the table continues onto', async () => {
    const pdf = await renderer.render(await input('ENT-0003'), {
      lang: 'en',
      document: 'deal-sheet',
    });
    const pages = pdfPageCount(pdf);
    expect(pages).toBeGreaterThan(1);
    const last = pdfText(pdf, { first: pages, last: pages });
    // The explanations table starts on an earlier page and its last rows (the approval) land here.
    expect(last).not.toContain('Why each figure is what it is');
    // Facts and values in the tariff's words, not as paths and codes (tariff.json declarations).
    expect(last).toContain('Margin (%) < 15.00 · saw 0.15 (met)');
    expect(pdfText(pdf)).toContain('Purchasing = Centralised · saw Centralised (met)');
    for (const column of ['Component', 'Parameters', 'Conditions seen'])
      expect(last).toContain(column);
  });
});

describe('page breaks', () => {
  it('keeps the waterfall table with the item tables when the chart does not fit below them', async () => {
    const pdf = await renderer.render(await input('ENT-0001'), {
      lang: 'zh-CN',
      document: 'deal-sheet',
    });
    const pages = Array.from({ length: pdfPageCount(pdf) }, (_, index) =>
      pdfText(pdf, { first: index + 1, last: index + 1 }),
    );
    const lastItems = pages.findIndex((page) => page.includes('一次性合计'));
    expect(lastItems).toBeGreaterThanOrEqual(0);
    // The table and its heading share the page of the last item table instead of following the
    // chart to the next one.
    expect(pages[lastItems]).toContain('价格瀑布（24 个月）');
    expect(pages[lastItems]).toContain('净额（合同总额，含税）');
  });
});

describe('English terms', () => {
  it.each(EXAMPLE_IDS)(
    '%s: no term is broken across lines in the proposal or the deal sheet',
    async (id) => {
      for (const document of ['proposal', 'deal-sheet'] as const) {
        const pdf = await renderer.render(await input(id), { lang: 'en', document });
        const lines = pdfRuns(pdf).map((run) => run.text);
        // A line ending in a hyphen is a word cut in two; only the rules' names (identifiers in the
        // explanations) may break there.
        const cut = lines.filter(
          (line) => /[A-Za-z][-\u2011]$/.test(line) && !/^[a-z0-9-]+$/.test(line),
        );
        expect([document, cut]).toEqual([document, []]);
        const whole = document === 'proposal' ? /per line a month$/ : /^Percentage discount$/;
        expect([document, lines.some((line) => whole.test(line))]).toEqual([document, true]);
      }
    },
  );
});

describe('fonts', () => {
  /** pdffonts' rows, without the header. */
  const fontRows = (pdf: Buffer) =>
    pdfFonts(pdf)
      .split('\n')
      .slice(2)
      .filter((line) => line.trim() !== '');
  /** A font's name without its subset tag (ABCDEF+). */
  const fontName = (row: string) => row.split(/\s+/)[0]!.replace(/^[A-Z]{6}\+/, '');

  it('embeds Chinese as two CID TrueType fonts, a regular and a real bold, never as Type 3, from the first render of a browser', async () => {
    const fresh = new ProposalRenderer({ pages: 1 });
    const pdf = await fresh
      .render(await input('ENT-0001'), { lang: 'zh-CN', document: 'proposal' })
      .finally(() => fresh.close());
    const rows = fontRows(pdf);
    const chinese = rows.filter((row) => row.includes('NotoSansSC'));
    expect(chinese.map(fontName).sort()).toEqual(['NotoSansSC-Bold', 'NotoSansSC-Regular']);
    for (const row of chinese) expect(row).toMatch(/CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
    expect(rows.map(fontName).sort()).toEqual([
      'LiberationSans',
      'LiberationSans-Bold',
      'NotoSansSC-Bold',
      'NotoSansSC-Regular',
    ]);
    expect(pdfFonts(pdf)).not.toMatch(/Type 3/);
  });

  it('prints bold Chinese in the bold face and regular Chinese in the regular one', async () => {
    const pdf = await renderer.render(await input('ENT-0001'), {
      lang: 'zh-CN',
      document: 'proposal',
    });
    const runs = pdfRuns(pdf);
    const run = (text: string) => runs.find((candidate) => candidate.text.includes(text));
    // The total row and the customer's name are bold; the letter's opening and a unit are not.
    expect(run('月度合计')).toMatchObject({ bold: true });
    expect(run('华信物流集团有限公司')).toMatchObject({ bold: true });
    expect(run('感谢贵单位')).toMatchObject({ bold: false });
    expect(run('每条')).toMatchObject({ bold: false });
    expect(pdfText(pdf)).toContain('月度合计');
  });

  it.each(['proposal', 'deal-sheet'] as const)(
    'writes the text of every Chinese character of the %s as itself, never as the radical sharing its glyph',
    async (document) => {
      const pdf = await renderer.render(await input('ENT-0001'), { lang: 'zh-CN', document });
      // pdftohtml reads the PDF's own text map as it is (pdftotext would normalise ⽉ to 月).
      const text = pdfRuns(pdf)
        .map((candidate) => candidate.text)
        .join('');
      expect(text).toContain('月');
      expect(text).toContain('日');
      expect(text).not.toMatch(/[\u2e80-\u2fdf\uf900-\ufaff]/u);
      expect(pdfFonts(pdf)).not.toMatch(/Type 3/);
    },
  );
});

describe('names print as text', () => {
  it.each(PROPOSAL_LANGUAGES)(
    'in %s: <b>, &, emoji and rare CJK survive as written',
    async (lang) => {
      const name = '<b>粗</b> & 😀 𠮷';
      const pdf = await renderer.render(await inputNamed(name), { lang, document: 'proposal' });
      const text = pdfText(pdf);
      expect(text).toContain(name);
      expect(pdfFonts(pdf)).not.toMatch(/Type 3/);
    },
  );
});

describe('the sandbox', () => {
  let server: Server;
  let port: number;
  const seen: string[] = [];
  let connections = 0;
  let scratch: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push(request.url ?? '');
      response.end('ok');
    });
    server.on('connection', () => {
      connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    scratch = mkdtempSync(join(tmpdir(), 'gq-sandbox-'));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(scratch, { recursive: true, force: true });
  });

  const lures = (base: string) => [
    `<img src="${base}/img">`,
    `<link rel="stylesheet" href="${base}/css">`,
    `<iframe src="${base}/frame"></iframe>`,
    `<div style="background:url(${base}/bg)">x</div>`,
    `<script src="${base}/js"></script>`,
    `<link rel="preconnect" href="${base}">`,
    `<link rel="prefetch" href="${base}/prefetch">`,
    `<object data="${base}/object"></object>`,
  ];

  it('an enterprise name, id or manager carrying HTML makes no request', async () => {
    const base = `http://127.0.0.1:${port}`;
    const [first = '', second = '', ...rest] = [
      ...lures(base),
      `<meta http-equiv="refresh" content="0;url=${base}/refresh">`,
    ];
    const input = await inputNamed(`Evil ${first}${second} Ltd`);
    const hostile: ProposalInput = {
      ...input,
      accountManager: { name: rest.slice(0, 3).join('') },
      request: {
        ...input.request,
        enterprise: { ...input.request.enterprise, id: rest.slice(3).join('') },
      },
    };
    for (const document of ['proposal', 'deal-sheet'] as const) {
      const text = pdfText(await renderer.render(hostile, { lang: 'en', document }));
      expect(text).toContain(`<img src="${base}/img">`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect({ seen, connections }).toEqual({ seen: [], connections: 0 });
  });

  it('blocks every request of raw HTML too: nothing but data: leaves the page', async () => {
    const base = `http://127.0.0.1:${port}`;
    const secretFile = join(scratch, 'secret.html');
    writeFileSync(secretFile, '<p>FILE-SECRET-7731</p>');
    const html = [
      '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>',
      ...lures(base),
      `<iframe src="file://${secretFile}"></iframe>`,
      `<object data="file://${secretFile}" type="text/html"></object>`,
      '<iframe src="data:text/html;charset=utf-8,%3Cp%3EDATA-ALLOWED-4410%3C%2Fp%3E"></iframe>',
      '<p>raw page</p></body></html>',
    ].join('');
    // A page of its own: setContent rewrites the same document, so a proposal's CSP would linger and
    // block the data: iframe that shows that what is allowed does load.
    const bare = new ProposalRenderer({ pages: 1 });
    const pdf = await bare
      .print({ html, headerTemplate: '<span></span>', footerTemplate: '<span></span>' })
      .finally(() => bare.close());
    const text = pdfText(pdf);
    expect(text).toContain('raw page');
    expect(text).toContain('DATA-ALLOWED-4410');
    expect(text).not.toContain('FILE-SECRET-7731');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect({ seen, connections }).toEqual({ seen: [], connections: 0 });
  });
});

describe('under load', () => {
  it('completes 50 concurrent renders, each with its own figures', async () => {
    const examples = await Promise.all(EXAMPLE_IDS.map((id) => input(id)));
    const jobs = Array.from({ length: 50 }, (_, index) => {
      const base = examples[index % examples.length] as ProposalInput;
      const number = `Q-2026-${String(100 + index).padStart(6, '0')}`;
      const lang = PROPOSAL_LANGUAGES[index % 2] ?? 'zh-CN';
      return {
        number,
        base,
        promise: renderer.render({ ...base, number }, { lang, document: 'proposal' }),
      };
    });
    const pdfs = await Promise.all(jobs.map((job) => job.promise));
    pdfs.forEach((pdf, index) => {
      const job = jobs[index];
      const text = pdfText(pdf, { first: 1, last: 1 });
      expect(text).toContain(job?.number);
      expect(containsFigure(text, yuan(job?.base.quote.totals.contractValue ?? ''))).toBe(true);
    });
    expect(renderer.stats()).toMatchObject({ busy: 0, waiting: 0 });
  });
});

describe('the print job', () => {
  it('puts page X of Y in the footer and the quote number in the header', async () => {
    const job = proposalPrintJob(await input('ENT-0002'), { lang: 'en', document: 'proposal' });
    expect(job.footerTemplate).toContain('<span class="pageNumber"></span>');
    expect(job.footerTemplate).toContain('<span class="totalPages"></span>');
    expect(job.headerTemplate).toContain('Q-2026-000002');
  });
});
