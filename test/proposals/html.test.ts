import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  PROPOSAL_LANGUAGES,
  TEMPLATES_DIR,
  proposalInputFromStoredQuote,
  proposalPrintJob,
  renderProposalHtml,
} from '../../src/proposals';
import { localeKeys } from '../../src/proposals/locale';
import { COMPONENT_CODES } from '../../src/rules/components';
import { OPERATORS } from '../../src/rules/files';
import { fixtureRuleSet } from '../support/rule-set-copy';
import type { StoredQuote } from '../../src/store/types';
import { EXAMPLE_IDS, exampleInput, inputNamed, yuan } from './support';
import { APPROVAL_LEVELS } from '../../src/domain';

/** What a reader sees of a page: no stylesheet, no tags. */
function visibleText(html: string): string {
  return html.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]*>/g, ' ');
}

const HOSTILE_NAME = '<b>粗体</b> & Co. 😀 𠮷野家 "quoted" \'single\'';

describe('escaping', () => {
  it('prints an enterprise name full of markup as text in the page, header and footer', async () => {
    const job = proposalPrintJob(await inputNamed(HOSTILE_NAME), {
      lang: 'zh-CN',
      document: 'proposal',
    });
    for (const html of [job.html, job.footerTemplate]) {
      expect(html).toContain(
        '&lt;b&gt;粗体&lt;/b&gt; &amp; Co. 😀 𠮷野家 &quot;quoted&quot; &#x27;single&#x27;',
      );
      expect(html).not.toContain('<b>粗体');
    }
  });

  it('escapes every field a person typed: id, account manager, quote number', async () => {
    const input = await inputNamed('Plain Name Ltd');
    const hostile = {
      ...input,
      number: '<i>Q</i>',
      accountManager: { name: '<script>alert(1)</script>' },
      request: { ...input.request, enterprise: { ...input.request.enterprise, id: '<u>ID</u>' } },
    };
    for (const document of ['proposal', 'deal-sheet'] as const) {
      const job = proposalPrintJob(hostile, { lang: 'en', document });
      const all = job.html + job.headerTemplate + job.footerTemplate;
      expect(all).not.toMatch(/<(i|u|script)>/);
      expect(all).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(all).toContain('&lt;u&gt;ID&lt;/u&gt;');
      expect(all).toContain('&lt;i&gt;Q&lt;/i&gt;');
    }
  });
});

describe('the customer copy and the deal sheet', () => {
  it.each(EXAMPLE_IDS)(
    '%s: the customer copy carries no cost, margin or approval; the deal sheet does',
    async (id) => {
      const input = await exampleInput(id);
      const internal = input.quote.internal;
      for (const lang of PROPOSAL_LANGUAGES) {
        const customer = visibleText(renderProposalHtml(input, { lang, document: 'proposal' }));
        const dealSheet = visibleText(renderProposalHtml(input, { lang, document: 'deal-sheet' }));
        for (const figure of [
          internal.margin,
          internal.totalCost,
          internal.monthlyCost,
          internal.revenueExclTax,
        ]) {
          expect(customer).not.toContain(yuan(figure));
          expect(dealSheet).toContain(yuan(figure));
        }
        expect(customer).not.toContain(`${internal.marginPct}%`);
        expect(dealSheet).toContain(`${internal.marginPct}%`);
        expect(customer).not.toContain(input.quote.ruleSetHash);
        expect(dealSheet).toContain(input.quote.ruleSetHash);
        for (const rule of internal.approvalRules) {
          expect(customer).not.toContain(rule.rule);
          expect(dealSheet).toContain(rule.rule);
        }
      }
    },
  );

  it('names the tier as the rule set does, and falls back to the locale without it', async () => {
    const input = await exampleInput('ENT-0003');
    const renamed = {
      ...input,
      tierNames: { strategic: { 'zh-CN': '钻石客户', en: 'Diamond account' } },
    };
    expect(renderProposalHtml(renamed, { lang: 'en', document: 'proposal' })).toContain(
      'Diamond account',
    );
    expect(renderProposalHtml(renamed, { lang: 'zh-CN', document: 'proposal' })).toContain(
      '钻石客户',
    );
    const { tierNames: _tierNames, ...withoutNames } = input;
    expect(renderProposalHtml(withoutNames, { lang: 'zh-CN', document: 'proposal' })).toContain(
      '战略客户',
    );
  });

  it('builds its input from a stored quote: the issue date is the day in China', async () => {
    const input = await exampleInput('ENT-0001');
    const stored: Pick<StoredQuote, 'number' | 'request' | 'quote' | 'createdAt' | 'validUntil'> = {
      number: 'Q-2026-000042',
      request: input.request,
      quote: input.quote,
      createdAt: '2026-11-27T17:30:00.000Z',
      validUntil: '2026-12-28',
    };
    const built = proposalInputFromStoredQuote(stored, {
      accountManager: { name: '李娜' },
      ruleSet: fixtureRuleSet(),
    });
    expect(built).toMatchObject({
      number: 'Q-2026-000042',
      issuedAt: '2026-11-28',
      validUntil: '2026-12-28',
    });
    expect(built.tierNames?.key?.['zh-CN']).toBe('重要客户');
    const html = renderProposalHtml(built, { lang: 'zh-CN', document: 'proposal' });
    expect(html).toContain('2026年11月28日');
    expect(html).toContain('李娜');
  });
});

describe('words come from the locale files', () => {
  it('gives both languages the same keys', () => {
    expect(localeKeys(TEMPLATES_DIR, 'en')).toEqual(localeKeys(TEMPLATES_DIR, 'zh-CN'));
  });

  it('names every code a quote can carry', () => {
    const keys = new Set(localeKeys(TEMPLATES_DIR, 'en'));
    const codes = [
      ...COMPONENT_CODES.map((code) => `components.${code}`),
      ...OPERATORS.map((operator) => `operators.${operator}`),
      ...APPROVAL_LEVELS.flatMap((level) => [
        `approval.levels.${level}`,
        `approval.approversByLevel.${level}`,
      ]),
      // The tariff names its enum values itself; the locale's words are the fallback.
      ...enumCodes('industry').map((industry) => `industries.${industry}`),
      ...enumCodes('purchasing').map((mode) => `purchasing.${mode}`),
    ];
    expect(codes.filter((key) => !keys.has(key))).toEqual([]);
  });

  it('leaves no literal words in the templates', () => {
    const files = [
      ...readdirSync(TEMPLATES_DIR).filter((name) => name.endsWith('.hbs')),
      ...readdirSync(join(TEMPLATES_DIR, 'partials')).map((name) => join('partials', name)),
    ];
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const text = readFileSync(join(TEMPLATES_DIR, file), 'utf8')
        .replace(/\{\{!--[\s\S]*?--\}\}/g, '')
        .replace(/\{\{[\s\S]*?\}\}/g, '')
        .replace(/<style[\s\S]*?<\/style>/g, '')
        .replace(/<[^>]*>/g, '');
      expect({ file, words: text.match(/[\p{L}]{2,}/gu) ?? [] }).toEqual({ file, words: [] });
    }
  });
});

function enumCodes(fact: string): string[] {
  const declared = fixtureRuleSet().tariff.customerFacts.find((entry) => entry.name === fact);
  return declared?.type === 'enum' ? declared.values.map((value) => value.code) : [];
}
