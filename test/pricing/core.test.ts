/**
 * The pricing core's own seams: the facts it hands the rules, what it does when a rule set leaves
 * a request without a tier or an approval level, a refusal on a quote date, and a bill credit
 * split across VAT classes to the fen.
 */
import { AppError } from '../../src/errors';
import { parseDecimal } from '../../src/money/money';
import { priceQuote, requestFacts } from '../../src/pricing/price';
import type { PricedQuote } from '../../src/pricing/quote';
import { compileRuleSet, type RuleSet } from '../../src/rules/compile';
import { parseQuoteRequest } from '../../src/rules/request';
import { fixtureRuleSet, sampleSnapshot } from '../support/rule-set-copy';
import { workedExample } from '../support/tariff-book';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ruleSet = fixtureRuleSet();

function edited(edit: (files: Json) => void): RuleSet {
  const snapshot = sampleSnapshot();
  edit(snapshot.files as Json);
  const compiled = compileRuleSet(snapshot);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  return compiled.ruleSet;
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const thrown = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(thrown).toBeInstanceOf(AppError);
  return thrown as AppError;
}

async function priced(rules: RuleSet, request: unknown): Promise<PricedQuote> {
  const quote = await priceQuote(rules, request);
  if (!quote.eligible) throw new Error(`refused: ${quote.reasons.join('; ')}`);
  return quote;
}

describe('the facts the offer rules read', () => {
  it('are the request as it came, every handset model (0 when not asked for), the count, no date, no tier', () => {
    const request = parseQuoteRequest(ruleSet.requestSchema, {
      ...workedExample('ENT-0001').request,
      handsets: [
        { model: 'HX-5G-LITE', quantity: 3 },
        { model: 'HX-5G-PRO', quantity: 4 },
      ],
    });
    const facts = requestFacts(ruleSet, request);
    expect(facts).toEqual({
      enterprise: request.enterprise,
      termMonths: 24,
      lines: 120,
      usagePerLine: request.usagePerLine,
      ringbackTone: true,
      handsetCount: 7,
      handsets: { 'HX-5G-PRO': 4, 'HX-5G-LITE': 3 },
      quoteDate: null,
      tier: null,
    });
    const none = requestFacts(ruleSet, { ...request, handsets: [] }, { quoteDate: '2027-01-02' });
    expect(none).toMatchObject({
      handsetCount: 0,
      handsets: { 'HX-5G-PRO': 0, 'HX-5G-LITE': 0 },
      quoteDate: '2027-01-02',
    });
  });
});

describe('a rule set that leaves a request undecided', () => {
  it('without a tier for it stops the quote, saying so', async () => {
    const noStandard = edited((files) => {
      files['tiers.rules.json'].rules.pop();
    });
    const error = await failure(
      priceQuote(noStandard, { ...workedExample('ENT-0001').request, lines: 20 }),
    );
    expect(error).toMatchObject({
      kind: 'rule-set',
      message: 'no assign-tier rule matched this request: every request needs a tier (§3)',
    });
  });

  it('without an approval level for its margin stops the quote, naming the margin', async () => {
    const noLossRule = edited((files) => {
      files['approval.rules.json'].rules.pop();
      files['extra.rules.json'] = {
        phase: 'offer',
        rules: [
          {
            name: 'everything-free',
            priority: 5,
            conditions: { all: [] },
            event: { type: 'percent-off', params: { category: 'plan', percent: '100' } },
          },
        ],
      };
    });
    const error = await failure(
      priceQuote(noLossRule, {
        ...workedExample('ENT-0002').request,
        usagePerLine: {
          localMinutes: '0',
          groupMinutes: '0',
          longDistanceMinutes: '0',
          sms: '0',
          dataGB: '0',
        },
        ringbackTone: false,
        handsets: [],
      }),
    );
    expect(error).toMatchObject({
      kind: 'rule-set',
      message: 'no approval-level rule matched a margin of -100.00 % (§8)',
    });
  });
});

describe('a refusal', () => {
  it('records the quote date it was refused on, and the rules that refused it', async () => {
    const outcome = await priceQuote(
      ruleSet,
      { ...workedExample('ENT-0001').request, lines: 9, handsets: [] },
      { quoteDate: '2027-01-02' },
    );
    expect(outcome).toEqual({
      eligible: false,
      ruleSetHash: ruleSet.hash,
      quoteDate: '2027-01-02',
      reasons: ['a group plan needs at least 10 lines'],
      refusals: [
        {
          rule: 'refuse-under-minimum-lines',
          component: 'refuse',
          params: { reason: 'a group plan needs at least 10 lines' },
          conditions: [
            {
              fact: 'lines',
              operator: 'decimalLessThan',
              value: '10',
              saw: 9,
              passed: true,
            },
          ],
        },
      ],
    });
    const undated = await priceQuote(ruleSet, {
      ...workedExample('ENT-0001').request,
      lines: 9,
      handsets: [],
    });
    expect(Object.keys(undated)).toEqual(['eligible', 'ruleSetHash', 'reasons', 'refusals']);
  });
});

describe('a priced quote', () => {
  it('records the quote date it was priced on, and has none without one', async () => {
    const { request } = workedExample('ENT-0001');
    const dated = await priceQuote(ruleSet, request, { quoteDate: '2027-01-02' });
    const undated = await priceQuote(ruleSet, request);
    if (!dated.eligible || !undated.eligible) throw new Error('expected ENT-0001 to price');
    expect(dated.quoteDate).toBe('2027-01-02');
    expect('quoteDate' in undated).toBe(false);
    // The date is all that differs: the fixture set has no dated rule.
    expect({ ...dated, quoteDate: undefined }).toEqual({ ...undated, quoteDate: undefined });
  });
});

describe('items and adjustments', () => {
  it('charges a one-off item once when the request takes its option, and not otherwise', async () => {
    const withSetup = edited((files) => {
      files['tariff.json'].options.push({
        name: 'onSiteSetup',
        type: 'boolean',
        names: { 'zh-CN': '上门开通', en: 'On-site setup' },
      });
      files['prices.json'].items.push({
        code: 'SETUP',
        names: { 'zh-CN': '上门开通费', en: 'On-site setup' },
        unitNames: { 'zh-CN': '次', en: 'visit' },
        category: 'service',
        kind: 'one-time',
        unitPrice: '800.00',
        vatClass: 'value-added-telecom',
        quantity: { basis: 'single', onlyIf: 'onSiteSetup' },
      });
      files['costs.json'].unitCosts.SETUP = '300.00';
    });
    const request = workedExample('ENT-0002').request;
    const taken = await priced(withSetup, { ...request, onSiteSetup: true });
    expect(taken.items.find((item) => item.code === 'SETUP')).toMatchObject({
      quantity: '1',
      list: '800.00',
    });
    for (const onSiteSetup of [false, undefined]) {
      const without = await priced(withSetup, { ...request, onSiteSetup });
      expect(without.items.map((item) => item.code)).not.toContain('SETUP');
    }
  });

  it('lets the approval rules read the deepest negotiated percent, whichever comes first', async () => {
    const deepest = edited((files) => {
      files['approval.rules.json'].rules.unshift({
        name: 'approval-deep-negotiation',
        priority: 20,
        conditions: {
          all: [{ fact: 'negotiatedPercent', operator: 'decimalGreaterThan', value: '4' }],
        },
        event: { type: 'approval-level', params: { level: 'finance-director' } },
      });
      for (const rule of files['approval.rules.json'].rules.slice(1))
        rule.conditions.all.push({
          fact: 'negotiatedPercent',
          operator: 'decimalLessThanInclusive',
          value: '4',
        });
    });
    const request = (percents: string[]) => ({
      ...workedExample('ENT-0001').request,
      adjustments: percents.map((percent) => ({
        item: 'SMS',
        percent,
        reason: 'competitor offer',
      })),
    });
    const quote = await priced(deepest, request(['5', '1']));
    expect(quote.internal.approvalRules[0]).toMatchObject({
      rule: 'approval-deep-negotiation',
      conditions: [{ fact: 'negotiatedPercent', saw: '5', passed: true }],
    });
    const shallow = await priced(deepest, request(['1', '3']));
    expect(shallow.internal.approvalRules[0]?.conditions).toContainEqual(
      expect.objectContaining({ fact: 'negotiatedPercent', saw: '3' }),
    );
  });
});

describe('a monthly credit, split across VAT classes to the fen', () => {
  const withCredit = (amount: string) =>
    edited((files) => {
      files['credit.rules.json'] = {
        phase: 'offer',
        rules: [
          {
            name: 'welcome-credit',
            priority: 5,
            conditions: { all: [] },
            event: { type: 'monthly-credit', params: { amount } },
          },
        ],
      };
    });

  it('gives each class its share by net, the largest the rest, each with its tax', async () => {
    // ENT-0001: 7668.00 at 9 % (line fee, calls), 5460.00 at 6 % (SMS, data; CRBT waived).
    // 500 × 5460 / 13128 = 207.952… → 207.95; the 9 % class takes 292.05.
    // Tax: 292.05 × 0.09 / 1.09 = 24.113… → 24.11; 207.95 × 0.06 / 1.06 = 11.770… → 11.77.
    const before = await priced(ruleSet, workedExample('ENT-0001').request);
    const quote = await priced(withCredit('500.00'), workedExample('ENT-0001').request);
    expect(quote.credits).toEqual([
      {
        rule: 'welcome-credit',
        component: 'monthly-credit',
        amount: '500.00',
        byVatRate: [
          { vatRate: '0.09', amount: '292.05', tax: '24.11', exclTax: '267.94' },
          { vatRate: '0.06', amount: '207.95', tax: '11.77', exclTax: '196.18' },
        ],
      },
    ]);
    expect(quote.totals.monthlyNet).toBe('12628.00');
    // 4692.00 of item discounts (line fee, group pool, long distance, CRBT) and the credit.
    expect(quote.totals.monthlyDiscount).toBe('5192.00');
    // Revenue falls by the parts' excl.-tax amounts over the 24 months: 464.12 × 24 = 11138.88.
    const revenue = (of: PricedQuote) => parseDecimal(of.internal.revenueExclTax);
    expect(revenue(before).minus(revenue(quote)).toFixed(2)).toBe('11138.88');
  });

  it('leaves out a class with nothing on the bill', async () => {
    const request = {
      ...workedExample('ENT-0001').request,
      usagePerLine: {
        localMinutes: '180',
        groupMinutes: '240',
        longDistanceMinutes: '60',
        sms: '0',
        dataGB: '0',
      },
      ringbackTone: false,
    };
    const quote = await priced(withCredit('500.00'), request);
    expect(quote.credits?.[0]?.byVatRate).toEqual([
      { vatRate: '0.09', amount: '500.00', tax: '41.28', exclTax: '458.72' },
    ]);
  });

  it('takes no more than the bill: a credit above it leaves 0.00', async () => {
    const quote = await priced(withCredit('13128.00'), workedExample('ENT-0001').request);
    expect(quote.totals.monthlyNet).toBe('0.00');
    const over = await priced(withCredit('13128.01'), workedExample('ENT-0001').request);
    expect(over.totals.monthlyNet).toBe('0.00');
    expect(over.credits?.[0]?.amount).toBe('13128.00');
  });
});
