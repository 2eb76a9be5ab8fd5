/**
 * A tariff the pricing team changes with data alone: a customer fact, an opt-in product, a count
 * product, a rule on a handset model and a dated promotion, each added to a copy of the fixture
 * rule set by editing its files, never code.
 */
import { AppError } from '../../src/errors';
import { priceQuote } from '../../src/pricing/price';
import type { PricedQuote, QuoteOutcome } from '../../src/pricing/quote';
import { compileRuleSet, type RuleSet, type RuleSetSnapshot } from '../../src/rules/compile';
import { sampleSnapshot, structuralWordsLeftOut } from '../support/rule-set-copy';
import { workedExample } from '../support/tariff-book';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function edited(edit: (files: Json) => void): RuleSet {
  const snapshot = sampleSnapshot();
  edit(snapshot.files as Json);
  const compiled = compileRuleSet(snapshot);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems, null, 2));
  return compiled.ruleSet;
}

function problemsOf(edit: (files: Json) => void) {
  const snapshot: RuleSetSnapshot = sampleSnapshot();
  edit(snapshot.files as Json);
  const compiled = compileRuleSet(snapshot);
  if (compiled.ok) throw new Error('expected the edited rule set to be refused');
  return structuralWordsLeftOut(compiled.problems);
}

function request(changes: (request: Json) => void = () => {}): Json {
  const copy = structuredClone(workedExample('ENT-0001').request) as Json;
  changes(copy);
  return copy;
}

function priced(outcome: QuoteOutcome): PricedQuote {
  if (!outcome.eligible) throw new Error(`refused: ${outcome.reasons.join('; ')}`);
  return outcome;
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected an error');
}

const rule = (name: string, extra: Json) => ({
  name,
  priority: 5,
  conditions: { all: [] },
  ...extra,
});

describe('a customer fact declared in tariff.json', () => {
  const withFrequency = () =>
    edited((files) => {
      files['tariff.json'].customerFacts.push({
        name: 'purchaseFrequency',
        type: 'integer',
        default: 0,
        names: { 'zh-CN': '年采购次数', en: 'Purchases a year' },
        description: 'how many orders the enterprise placed in the last 12 months (RFM)',
      });
      files['frequency.rules.json'] = {
        phase: 'offer',
        rules: [
          rule('frequent-buyer-data', {
            priority: 10,
            conditions: {
              all: [
                {
                  fact: 'enterprise',
                  path: '$.purchaseFrequency',
                  operator: 'decimalGreaterThanInclusive',
                  value: '12',
                },
              ],
            },
            event: { type: 'percent-off', params: { item: 'DATA_GB', percent: '10' } },
          }),
        ],
      };
    });

  it('is a request field under enterprise, and rules read it', async () => {
    const ruleSet = withFrequency();
    const frequent = priced(
      await priceQuote(
        ruleSet,
        request((r) => (r.enterprise.purchaseFrequency = 12)),
      ),
    );
    expect(frequent.explanations.items.DATA_GB).toEqual([
      expect.objectContaining({
        rule: 'frequent-buyer-data',
        conditions: [expect.objectContaining({ fact: 'enterprise.purchaseFrequency', saw: 12 })],
      }),
    ]);
    const rare = priced(
      await priceQuote(
        ruleSet,
        request((r) => (r.enterprise.purchaseFrequency = 11)),
      ),
    );
    expect(rare.explanations.items.DATA_GB).toEqual([]);
  });

  it('takes its default when a request leaves it out, and refuses a value of the wrong type', async () => {
    const ruleSet = withFrequency();
    const parsed = ruleSet.requestSchema.parse(request());
    expect(parsed.enterprise.purchaseFrequency).toBe(0);
    const error = await refusal(
      priceQuote(
        ruleSet,
        request((r) => (r.enterprise.purchaseFrequency = 'often')),
      ),
    );
    expect(error.details.issues).toMatchObject([
      { path: 'enterprise.purchaseFrequency', message: 'must be a whole number' },
    ]);
  });

  it('is unknown to a tariff that does not declare it', async () => {
    const error = await refusal(
      priceQuote(
        edited(() => {}),
        request((r) => (r.enterprise.purchaseFrequency = 3)),
      ),
    );
    expect(error.details.issues?.[0]?.path).toBe('enterprise');
    expect(error.details.issues?.[0]?.message).toMatch(/purchaseFrequency/);
  });

  it('an enum fact refuses a value it does not declare, naming the ones it does', async () => {
    const error = await refusal(
      priceQuote(
        edited(() => {}),
        request((r) => (r.enterprise.industry = 'mining')),
      ),
    );
    expect(error.details.issues).toMatchObject([
      {
        path: 'enterprise.industry',
        message: expect.stringMatching(
          /^must be one of finance \(Finance\), government \(Government\), .*other \(Other\), or the value's name in Chinese or English$/,
        ),
      },
    ]);
  });
});

describe('an opt-in product', () => {
  /** A cloud PBX seat at 30 CNY per line per month, VAT 6 %, for requests that ask for it. */
  const withPbx = () =>
    edited((files) => {
      files['tariff.json'].options.push({
        name: 'cloudPbx',
        type: 'boolean',
        names: { 'zh-CN': '云总机', en: 'Cloud PBX' },
      });
      files['prices.json'].items.push({
        code: 'PBX_SEAT',
        names: { 'zh-CN': '云总机座席', en: 'Cloud PBX seat' },
        unitNames: { 'zh-CN': '线·月', en: 'line · month' },
        category: 'value-added',
        kind: 'recurring',
        unitPrice: '30.00',
        vatClass: 'value-added-telecom',
        quantity: { basis: 'lines', onlyIf: 'cloudPbx' },
      });
      files['costs.json'].unitCosts.PBX_SEAT = '8.00';
    });

  it('is charged per line when the request takes it, and not otherwise', async () => {
    const ruleSet = withPbx();
    const taken = priced(
      await priceQuote(
        ruleSet,
        request((r) => (r.cloudPbx = true)),
      ),
    );
    expect(taken.items.find((item) => item.code === 'PBX_SEAT')).toMatchObject({
      quantity: '120',
      list: '3600.00',
      net: '3600.00',
      vatRate: '0.06',
      tax: '203.77',
    });
    const without = priced(await priceQuote(ruleSet, request()));
    expect(without.items.map((item) => item.code)).not.toContain('PBX_SEAT');
    const base = priced(
      await priceQuote(
        edited(() => {}),
        request(),
      ),
    );
    expect(without.totals).toEqual(base.totals);
  });

  it('a count product takes its quantity from the request', async () => {
    const ruleSet = edited((files) => {
      files['tariff.json'].options.push({
        name: 'pbxSeats',
        type: 'count',
        max: 5000,
        names: { 'zh-CN': '云总机座席数', en: 'Cloud PBX seats' },
      });
      files['prices.json'].items.push({
        code: 'PBX_SEAT',
        names: { 'zh-CN': '云总机座席', en: 'Cloud PBX seat' },
        unitNames: { 'zh-CN': '座席·月', en: 'seat · month' },
        category: 'value-added',
        kind: 'recurring',
        unitPrice: '30.00',
        vatClass: 'value-added-telecom',
        quantity: { basis: 'option', option: 'pbxSeats' },
      });
      files['costs.json'].unitCosts.PBX_SEAT = '8.00';
    });
    const seats = priced(
      await priceQuote(
        ruleSet,
        request((r) => (r.pbxSeats = 7)),
      ),
    );
    expect(seats.items.find((item) => item.code === 'PBX_SEAT')).toMatchObject({
      quantity: '7',
      list: '210.00',
    });
    const none = priced(await priceQuote(ruleSet, request()));
    expect(none.items.map((item) => item.code)).not.toContain('PBX_SEAT');
    // Asking for none is not a line of 0.00 on the quote.
    const zero = priced(
      await priceQuote(
        ruleSet,
        request((r) => (r.pbxSeats = 0)),
      ),
    );
    expect(zero.items.map((item) => item.code)).not.toContain('PBX_SEAT');
    const error = await refusal(
      priceQuote(
        ruleSet,
        request((r) => (r.pbxSeats = 5001)),
      ),
    );
    expect(error.details.issues).toMatchObject([
      { path: 'pbxSeats', message: 'must be at most 5000' },
    ]);
  });

  it('names an option the tariff does not declare', () => {
    expect(
      problemsOf((files) => {
        files['prices.json'].items[0].quantity = { basis: 'lines', onlyIf: 'cloudPbx' };
      }),
    ).toEqual([
      expect.objectContaining({
        file: 'prices.json',
        path: 'items.0.quantity.onlyIf',
        message: expect.stringMatching(/"cloudPbx" is not a yes\/no option .*ringbackTone/),
      }),
    ]);
  });

  it('may not take the name of a request field or a computed fact', () => {
    expect(
      problemsOf((files) => {
        files['tariff.json'].options.push({
          name: 'lines',
          type: 'count',
          names: { 'zh-CN': '线', en: 'Lines' },
        });
      }),
    ).toEqual([
      expect.objectContaining({ file: 'tariff.json', path: 'options.1.name', code: 'duplicate' }),
    ]);
  });
});

describe('a handset model is a fact', () => {
  it('rules read how many of a model a request asks for', async () => {
    const ruleSet = edited((files) => {
      files['pro.rules.json'] = {
        phase: 'offer',
        rules: [
          rule('pro-handset-data', {
            priority: 10,
            conditions: {
              all: [
                {
                  fact: 'handsets',
                  path: '$.HX-5G-PRO',
                  operator: 'decimalGreaterThanInclusive',
                  value: '20',
                },
              ],
            },
            event: { type: 'percent-off', params: { item: 'DATA_GB', percent: '5' } },
          }),
        ],
      };
    });
    const twenty = priced(await priceQuote(ruleSet, request()));
    expect(twenty.explanations.items.DATA_GB?.map((applied) => applied.rule)).toEqual([
      'pro-handset-data',
    ]);
    const none = priced(
      await priceQuote(
        ruleSet,
        request((r) => (r.handsets = [])),
      ),
    );
    expect(none.explanations.items.DATA_GB).toEqual([]);
  });
});

describe('dates', () => {
  const promotion = () =>
    edited((files) => {
      files['promotion.rules.json'] = {
        phase: 'offer',
        rules: [
          rule('spring-data-promotion', {
            priority: 10,
            validFrom: '2027-03-01',
            validTo: '2027-03-31',
            event: { type: 'percent-off', params: { item: 'DATA_GB', percent: '20' } },
          }),
        ],
      };
    });
  const dataDiscount = (quote: PricedQuote) =>
    quote.items.find((item) => item.code === 'DATA_GB')!.discount;

  it('a dated rule applies from its first day to its last, and the quote records its date', async () => {
    const ruleSet = promotion();
    const on = async (quoteDate: string) =>
      priced(await priceQuote(ruleSet, request(), { quoteDate }));
    expect(dataDiscount(await on('2027-02-28'))).toBe('0.00');
    expect(dataDiscount(await on('2027-03-01'))).toBe('1020.00');
    expect(dataDiscount(await on('2027-03-31'))).toBe('1020.00');
    expect(dataDiscount(await on('2027-04-01'))).toBe('0.00');
    expect((await on('2027-03-15')).quoteDate).toBe('2027-03-15');
  });

  it('a tariff with dated rules is not priced without a date', async () => {
    const error = await refusal(priceQuote(promotion(), request()));
    expect(error.kind).toBe('invalid-input');
    expect(error.details.issues).toEqual([
      expect.objectContaining({ path: 'quoteDate', message: expect.stringMatching(/required/) }),
    ]);
  });

  it('a rule may read the quote date', async () => {
    const ruleSet = edited((files) => {
      files['new-year.rules.json'] = {
        phase: 'offer',
        rules: [
          rule('new-year-sms', {
            priority: 10,
            conditions: {
              all: [{ fact: 'quoteDate', operator: 'in', value: ['2027-01-01', '2027-01-02'] }],
            },
            event: { type: 'percent-off', params: { item: 'SMS', percent: '50' } },
          }),
        ],
      };
    });
    const newYear = priced(await priceQuote(ruleSet, request(), { quoteDate: '2027-01-02' }));
    expect(newYear.explanations.items.SMS?.map((applied) => applied.rule)).toEqual([
      'new-year-sms',
    ]);
    const later = priced(await priceQuote(ruleSet, request(), { quoteDate: '2027-01-03' }));
    expect(later.explanations.items.SMS).toEqual([]);
  });

  it('a date that is not one is refused with the file', () => {
    expect(
      problemsOf((files) => {
        files['line-fee.rules.json'].rules[1].validFrom = '2027-02-30';
      }),
    ).toEqual([
      {
        file: 'line-fee.rules.json',
        path: 'rules.1.validFrom',
        code: 'schema',
        message: 'must be a date such as 2026-12-31',
      },
    ]);
  });

  it('a validity that ends before it starts, and a quote date compared with text, are refused', () => {
    expect(
      problemsOf((files) => {
        files['line-fee.rules.json'].rules[0].validFrom = '2027-04-01';
        files['line-fee.rules.json'].rules[0].validTo = '2027-03-01';
        files['line-fee.rules.json'].rules[1].conditions.all.push({
          fact: 'quoteDate',
          operator: 'equal',
          value: 'tomorrow',
        });
      }),
    ).toEqual([
      expect.objectContaining({ path: 'rules.0.validTo', code: 'invalid-value' }),
      expect.objectContaining({
        path: 'rules.1.conditions.all.2.value',
        code: 'invalid-value',
        message: expect.stringMatching(/quoteDate is a date such as/),
      }),
    ]);
  });
});
