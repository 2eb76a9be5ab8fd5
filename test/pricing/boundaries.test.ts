/**
 * Every threshold of the sample tariff (test/fixtures/rules), priced on it and one line, one fen
 * or one hundredth of a point either side: a `>=` that became `>` anywhere moves one of these
 * figures. The expected figures are worked out by hand from the rule files and §7.
 */
import { priceQuote } from '../../src/pricing/price';
import type { PricedQuote, QuoteItem, QuoteOutcome } from '../../src/pricing/quote';
import { compileRuleSet, type RuleSet } from '../../src/rules/compile';
import { runPhase } from '../../src/rules/engine';
import { fixtureRuleSet, sampleSnapshot } from '../support/rule-set-copy';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ruleSet = fixtureRuleSet();

interface Draft {
  lines?: number;
  termMonths?: number;
  creditRating?: string;
  purchasing?: string;
  annualSpend?: string;
  usage?: Partial<
    Record<'localMinutes' | 'groupMinutes' | 'longDistanceMinutes' | 'sms' | 'dataGB', string>
  >;
  ringbackTone?: boolean;
  handsets?: { model: string; quantity: number }[];
}

/** A request with nothing the tariff rewards unless the draft says so: BB (no overdraft), no usage. */
function request(draft: Draft = {}) {
  return {
    enterprise: {
      id: 'ENT-EDGE',
      name: '边界测试有限公司',
      industry: 'other',
      creditRating: draft.creditRating ?? 'BB',
      purchasing: draft.purchasing ?? 'distributed',
      annualSpend: draft.annualSpend ?? '0',
    },
    termMonths: draft.termMonths ?? 24,
    lines: draft.lines ?? 10,
    usagePerLine: {
      localMinutes: '0',
      groupMinutes: '0',
      longDistanceMinutes: '0',
      sms: '0',
      dataGB: '0',
      ...draft.usage,
    },
    ringbackTone: draft.ringbackTone ?? false,
    handsets: draft.handsets ?? [],
  };
}

async function priced(draft: Draft, rules: RuleSet = ruleSet): Promise<PricedQuote> {
  const quote: QuoteOutcome = await priceQuote(rules, request(draft));
  if (!quote.eligible) throw new Error(`unexpectedly refused: ${quote.reasons.join('; ')}`);
  return quote;
}

function item(quote: PricedQuote, code: string): QuoteItem {
  const found = quote.items.find((candidate) => candidate.code === code);
  if (!found) throw new Error(`no ${code} on the quote`);
  return found;
}

/** The sample set with an edit; fails the test if the edit does not compile. */
function edited(edit: (files: Json) => void): RuleSet {
  const snapshot = sampleSnapshot();
  edit(snapshot.files as Json);
  const compiled = compileRuleSet(snapshot);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  return compiled.ruleSet;
}

const always = (name: string, event: Json) => ({
  name,
  priority: 5,
  conditions: { all: [] },
  event,
});

describe('§2 at least 10 lines (decimalLessThan "10")', () => {
  it.each([
    [9, false],
    [10, true],
    [11, true],
  ])('%i lines: eligible %s', async (lines, eligible) => {
    const quote = await priceQuote(ruleSet, request({ lines }));
    expect(quote.eligible).toBe(eligible);
    if (!quote.eligible) expect(quote.reasons).toEqual(['a group plan needs at least 10 lines']);
  });

  it('exactly 10 lines is a standard account paying the full line fee, with no group-call pool', async () => {
    const quote = await priced({ lines: 10, termMonths: 12, usage: { groupMinutes: '100' } });
    expect(quote.tier).toBe('standard');
    expect(item(quote, 'LINE_FEE')).toMatchObject({
      quantity: '10',
      list: '380.00',
      discount: '0.00',
      net: '380.00',
      tax: '31.38',
      exclTax: '348.62',
    });
    expect(item(quote, 'GROUP_MIN')).toMatchObject({ list: '100.00', discount: '0.00' });
    expect(quote.explanations.items.LINE_FEE).toEqual([]);
    expect(quote.totals).toEqual({
      monthlyList: '480.00',
      monthlyDiscount: '0.00',
      monthlyNet: '480.00',
      oneTimeList: '0.00',
      oneTimeNet: '0.00',
      contractValue: '5760.00',
      customerSavings: '0.00',
    });
  });
});

describe('tiers (§3), the scale discount (C1) and the group-call pool (C2) by lines', () => {
  // 1500 group minutes a line at 0.10: the list is lines × 150.00; standard pools 500 a line,
  // key 1000, strategic all of it. The line fee is lines × 38.00 with 5 % from 20 lines, 10 %
  // from 100 and 15 % from 500. AA and centralised purchasing make 500 lines strategic.
  it.each([
    [19, 'standard', '0.00', '0.00'],
    [20, 'standard', '38.00', '1000.00'],
    [21, 'standard', '39.90', '1050.00'],
    [99, 'standard', '188.10', '4950.00'],
    [100, 'key', '380.00', '10000.00'],
    [101, 'key', '383.80', '10100.00'],
    [499, 'key', '1896.20', '49900.00'],
    [500, 'strategic', '2850.00', '75000.00'],
    [501, 'strategic', '2855.70', '75150.00'],
  ])('%i lines: %s, line-fee discount %s, group-call pool %s', async (lines, tier, fee, pool) => {
    const quote = await priced({
      lines,
      creditRating: 'AA',
      purchasing: 'centralized',
      usage: { groupMinutes: '1500' },
    });
    expect(quote.tier).toBe(tier);
    expect(item(quote, 'LINE_FEE').discount).toBe(fee);
    expect(item(quote, 'GROUP_MIN').discount).toBe(pool);
  });

  it.each([
    ['AA', 'centralized', 'strategic'],
    ['AAA', 'centralized', 'strategic'],
    ['A', 'centralized', 'key'],
    ['AA', 'distributed', 'key'],
  ])('500 lines, %s, %s purchasing: %s', async (creditRating, purchasing, tier) => {
    const quote = await priced({ lines: 500, creditRating, purchasing });
    expect(quote.tier).toBe(tier);
    // The scale discount reads lines only, whatever the tier.
    expect(item(quote, 'LINE_FEE').discount).toBe('2850.00');
  });

  it.each([
    ['999999.99', 'standard'],
    ['1000000', 'key'],
    ['1000000.00', 'key'],
    ['1000000.01', 'key'],
  ])('annual spend %s with 50 lines: %s', async (annualSpend, tier) => {
    expect((await priced({ lines: 50, annualSpend })).tier).toBe(tier);
  });
});

describe('handsets (C7) by term and tier, refused on 12 months (§2)', () => {
  const pro = [{ model: 'HX-5G-PRO', quantity: 1 }];

  it.each([
    [24, 10, '1999.50'],
    [36, 10, '2799.30'],
    [36, 100, '3999.00'],
  ])('%i months, %i lines: %s off a 3999.00 handset', async (termMonths, lines, discount) => {
    const quote = await priced({ termMonths, lines, handsets: pro });
    expect(item(quote, 'HX-5G-PRO')).toMatchObject({ list: '3999.00', discount });
  });

  it('one handset on 12 months is refused; none is not', async () => {
    const one = await priceQuote(ruleSet, request({ termMonths: 12, handsets: pro }));
    expect(one).toMatchObject({
      eligible: false,
      reasons: ['a handset bundle needs a 24- or 36-month term'],
    });
    expect((await priceQuote(ruleSet, request({ termMonths: 12 }))).eligible).toBe(true);
  });
});

describe('long distance (C3) and the ringback waiver (C4) by tier and term', () => {
  // 100 minutes a line at 0.30: lines × 30.00.
  it.each([
    [10, 24, '60.00'],
    [10, 36, '75.00'],
    [100, 24, '1050.00'],
    [100, 36, '1200.00'],
  ])('%i lines on %i months: %s off long distance', async (lines, termMonths, discount) => {
    const quote = await priced({ lines, termMonths, usage: { longDistanceMinutes: '100' } });
    expect(item(quote, 'LD_MIN').discount).toBe(discount);
  });

  it('waives the ringback tone for a key account only, and lists none without it', async () => {
    const standard = await priced({ lines: 10, ringbackTone: true });
    expect(item(standard, 'CRBT')).toMatchObject({ list: '50.00', discount: '0.00' });
    const key = await priced({ lines: 100, ringbackTone: true });
    expect(item(key, 'CRBT')).toMatchObject({ list: '500.00', discount: '500.00', net: '0.00' });
    const none = await priced({ lines: 100 });
    expect(none.items.map((entry) => entry.code)).not.toContain('CRBT');
  });
});

describe('rounding per item (§7)', () => {
  it('rounds a percent discount half-up at the fen: 35 % of 10.50 is 3.675, so 3.68', async () => {
    // A key account by spend with 10 lines × 3.5 long-distance minutes = 35 × 0.30 = 10.50.
    const quote = await priced({
      lines: 10,
      annualSpend: '1000000.00',
      usage: { longDistanceMinutes: '3.5' },
    });
    expect(quote.tier).toBe('key');
    expect(item(quote, 'LD_MIN')).toMatchObject({
      quantity: '35',
      list: '10.50',
      discount: '3.68',
      net: '6.82',
    });
  });

  it('rounds a list half-up at the fen: 10 lines × 0.005 messages = 0.05, × 0.10 = 0.005 → 0.01', async () => {
    const quote = await priced({ lines: 10, usage: { sms: '0.005' } });
    expect(item(quote, 'SMS')).toMatchObject({ quantity: '0.05', list: '0.01', net: '0.01' });
  });

  it('rounds a pool half-up at the fen: 21 lines × 0.25 free minutes × 0.10 = 0.525 → 0.53', async () => {
    const rules = edited((files) => {
      files['group-calls.rules.json'].rules[0].event.params.freePerLine = '0.25';
    });
    const quote = await priced({ lines: 21, usage: { groupMinutes: '1' } }, rules);
    expect(item(quote, 'GROUP_MIN')).toMatchObject({
      quantity: '21',
      list: '2.10',
      discount: '0.53',
      net: '1.57',
    });
  });
});

describe('a free pool and a percentage on one item', () => {
  const groupCallsOff = (percent: string) =>
    edited((files) => {
      files['extra.rules.json'] = {
        phase: 'offer',
        rules: [
          always('group-calls-off', {
            type: 'percent-off',
            params: { item: 'GROUP_MIN', percent },
          }),
        ],
      };
    });

  it('takes the percentage off what the pool leaves, rounded once', async () => {
    // 20 lines × 600.18 = 12003.6 minutes, list 1200.36; the pool takes 10000 minutes = 1000.00;
    // 12.5 % of the remaining 200.36 is 25.045 → 25.05.
    const quote = await priced(
      { lines: 20, usage: { groupMinutes: '600.18' } },
      groupCallsOff('12.5'),
    );
    expect(item(quote, 'GROUP_MIN')).toMatchObject({
      list: '1200.36',
      discount: '1025.05',
      net: '175.31',
    });
    expect(quote.explanations.items.GROUP_MIN?.map((applied) => applied.rule)).toEqual([
      'group-calls-standard',
      'group-calls-off',
    ]);
  });

  it('a pool larger than the usage makes it free, never negative', async () => {
    const quote = await priced({ lines: 20, usage: { groupMinutes: '100' } });
    expect(item(quote, 'GROUP_MIN')).toMatchObject({
      quantity: '2000',
      list: '200.00',
      discount: '200.00',
      net: '0.00',
      tax: '0.00',
    });
    const withPercent = await priced(
      { lines: 20, usage: { groupMinutes: '100' } },
      groupCallsOff('50'),
    );
    expect(item(withPercent, 'GROUP_MIN')).toMatchObject({ discount: '200.00', net: '0.00' });
  });

  it('an unlimited pool leaves a net of 0.00 whatever the usage', async () => {
    const quote = await priced({
      lines: 800,
      creditRating: 'AAA',
      purchasing: 'centralized',
      usage: { groupMinutes: '1234.567' },
    });
    expect(quote.tier).toBe('strategic');
    expect(item(quote, 'GROUP_MIN')).toMatchObject({
      quantity: '987653.6',
      list: '98765.36',
      discount: '98765.36',
      net: '0.00',
    });
  });
});

describe('benefits (C5, C6)', () => {
  // 10 lines: line fee 380.00; 5 messages a line add 0.50: monthly net 380.50.
  it('points are floored, never rounded: 380.50 × 1 = 380, 380.50 × 1.5 = 570.75 → 570', async () => {
    const standard = await priced({ lines: 10, usage: { sms: '0.5' } });
    expect(standard.totals.monthlyNet).toBe('380.50');
    expect(standard.benefits.monthlyPoints).toBe('380');
    // 380 points × 0.01 × 60 % = 2.28
    expect(standard.internal.pointsMonthlyCost).toBe('2.28');
    const key = await priced({ lines: 10, annualSpend: '1000000.00', usage: { sms: '0.5' } });
    expect(key.tier).toBe('key');
    expect(key.benefits.monthlyPoints).toBe('570');
    expect(key.internal.pointsMonthlyCost).toBe('3.42');
  });

  it.each([
    ['AAA', '1100.00', '0.04'],
    ['AA', '700.00', '0.07'],
    ['A', '300.00', '0.06'],
    ['BBB', '100.00', '0.04'],
    ['BB', '0.00', '0.00'],
    ['B', '0.00', '0.00'],
  ])(
    'the overdraft limit of %s is the monthly net × its multiple floored to 100.00: %s, cost %s',
    async (creditRating, limit, cost) => {
      // 380.50 × 3 = 1141.50 → 1100; × 2 = 761 → 700; × 1 → 300; × 0.5 = 190.25 → 100.
      // Cost = limit × PD × 45 % / 12: 1100 × 0.10 % × 45 % / 12 = 0.04125 → 0.04.
      const quote = await priced({ lines: 10, creditRating, usage: { sms: '0.5' } });
      expect(quote.benefits.overdraftLimit).toBe(limit);
      expect(quote.internal.overdraftMonthlyCost).toBe(cost);
    },
  );

  it('the overdraft limit stops at the cap', async () => {
    // 3000 lines × 60 GB × 5.00 = 900000.00 of data alone: × 3 is far above 500000.00.
    const quote = await priced({ lines: 3000, creditRating: 'AAA', usage: { dataGB: '60' } });
    expect(quote.benefits.overdraftLimit).toBe('500000.00');
    // 500000 × 0.10 % × 45 % / 12 = 18.75
    expect(quote.internal.overdraftMonthlyCost).toBe('18.75');
  });

  it('a rounding step of zero is refused when the rule set loads, not divided by', () => {
    for (const roundDownTo of ['0', '0.00']) {
      const snapshot = sampleSnapshot();
      (snapshot.files as Json)['overdraft.rules.json'].rules[0].event.params.roundDownTo =
        roundDownTo;
      const compiled = compileRuleSet(snapshot);
      expect(compiled).toEqual({
        ok: false,
        problems: [
          {
            file: 'overdraft.rules.json',
            path: 'rules.0.event.params.roundDownTo',
            code: 'invalid-params',
            message: 'overdraft-terms: must be above zero, e.g. "100.00"',
          },
        ],
      });
    }
  });
});

describe('margin and approval (§7, §8)', () => {
  /** 100 % off the line fee: with no usage, the quote earns nothing. */
  const nothingEarned = (costs: (files: Json) => void = () => undefined) =>
    edited((files) => {
      files['extra.rules.json'] = {
        phase: 'offer',
        rules: [
          always('line-fee-free', {
            type: 'percent-off',
            params: { item: 'LINE_FEE', percent: '100' },
          }),
        ],
      };
      costs(files);
    });

  it('zero revenue with a cost is a total loss: margin % -100.00, rejected', async () => {
    const quote = await priced({ lines: 10 }, nothingEarned());
    expect(quote.totals.monthlyNet).toBe('0.00');
    expect(quote.internal).toMatchObject({
      revenueExclTax: '0.00',
      monthlyCost: '60.00',
      totalCost: '1440.00',
      margin: '-1440.00',
      marginPct: '-100.00',
      approval: 'rejected',
    });
  });

  it('zero revenue and zero cost is a margin of 0.00 %, not a division by zero', async () => {
    const quote = await priced(
      { lines: 10 },
      nothingEarned((files) => {
        files['costs.json'].unitCosts.LINE_FEE = '0.00';
      }),
    );
    expect(quote.internal).toMatchObject({
      revenueExclTax: '0.00',
      totalCost: '0.00',
      margin: '0.00',
      marginPct: '0.00',
      approval: 'finance-director',
    });
  });

  it.each([
    ['30.01', 'auto', 'approval-auto'],
    ['30.00', 'auto', 'approval-auto'],
    ['30', 'auto', 'approval-auto'],
    ['29.99', 'pricing-manager', 'approval-pricing-manager'],
    ['15.01', 'pricing-manager', 'approval-pricing-manager'],
    ['15.00', 'pricing-manager', 'approval-pricing-manager'],
    ['14.99', 'finance-director', 'approval-finance-director'],
    ['0.01', 'finance-director', 'approval-finance-director'],
    ['0.00', 'finance-director', 'approval-finance-director'],
    ['-0.01', 'rejected', 'approval-rejected-loss'],
    ['-100.00', 'rejected', 'approval-rejected-loss'],
  ])('a margin of %s %% needs %s', async (marginPct, level, rule) => {
    const firings = await runPhase(ruleSet, 'approval', { marginPct });
    expect(firings.map((firing) => [firing.applied.rule, firing.applied.params])).toEqual([
      [rule, { level }],
    ]);
    for (const condition of firings[0]!.applied.conditions)
      expect(condition).toMatchObject({ fact: 'marginPct', saw: marginPct, passed: true });
  });
});
