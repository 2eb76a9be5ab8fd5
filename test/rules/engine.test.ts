/**
 * The engine: exact decimal comparisons (every operator on, below and above its value), the
 * float operators gone, firings in priority then file order, and explanations that say what each
 * condition saw and whether it passed.
 */
import { Rule } from 'json-rules-engine';
import { AppError } from '../../src/errors';
import { priceQuote } from '../../src/pricing/price';
import type { PricedQuote } from '../../src/pricing/quote';
import { compileRuleSet, type RuleSet } from '../../src/rules/compile';
import {
  boundDecimalOperator,
  buildEngine,
  DECIMAL_OPERATOR_IMPLEMENTATIONS,
  pricesAlikeOnEveryDay,
  runPhase,
} from '../../src/rules/engine';
import { sampleSnapshot } from '../support/rule-set-copy';
import { workedExample } from '../support/tariff-book';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function edited(edit: (files: Json) => void): RuleSet {
  const snapshot = sampleSnapshot();
  edit(snapshot.files as Json);
  const compiled = compileRuleSet(snapshot);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  return compiled.ruleSet;
}

async function priced(ruleSet: RuleSet, request: unknown): Promise<PricedQuote> {
  const quote = await priceQuote(ruleSet, request);
  if (!quote.eligible) throw new Error(`refused: ${quote.reasons.join('; ')}`);
  return quote;
}

describe('decimal operators', () => {
  // Each operator against "30.00", with a fact below, on (written three ways) and above it.
  const facts = ['29.99', '30', '30.00', 30, '30.01'] as const;
  it.each([
    ['decimalEqual', [false, true, true, true, false]],
    ['decimalNotEqual', [true, false, false, false, true]],
    ['decimalLessThan', [true, false, false, false, false]],
    ['decimalLessThanInclusive', [true, true, true, true, false]],
    ['decimalGreaterThan', [false, false, false, false, true]],
    ['decimalGreaterThanInclusive', [false, true, true, true, true]],
  ])('%s "30.00" of 29.99, 30, 30.00, 30 (a number) and 30.01', (operator, expected) => {
    const compare = DECIMAL_OPERATOR_IMPLEMENTATIONS[operator]!;
    expect(facts.map((fact) => compare(fact, '30.00'))).toEqual(expected);
  });

  it('are exactly the six decimal operators', () => {
    expect(Object.keys(DECIMAL_OPERATOR_IMPLEMENTATIONS).sort()).toEqual([
      'decimalEqual',
      'decimalGreaterThan',
      'decimalGreaterThanInclusive',
      'decimalLessThan',
      'decimalLessThanInclusive',
      'decimalNotEqual',
    ]);
  });

  it('compare beyond what a float tells apart', () => {
    const greater = DECIMAL_OPERATOR_IMPLEMENTATIONS.decimalGreaterThan!;
    expect(greater('0.30000000000000000001', '0.3')).toBe(true);
    expect(greater('9007199254740993', '9007199254740992')).toBe(true);
  });

  it('hold for no fact that is not a number or a decimal string (null, a flag, an object)', () => {
    for (const compare of Object.values(DECIMAL_OPERATOR_IMPLEMENTATIONS)) {
      for (const fact of [null, undefined, true, {}, ['30']])
        expect(compare(fact, '30')).toBe(false);
    }
  });

  it('bound to a condition’s value, compare as the engine’s do, and are none for any other operator', () => {
    for (const [operator, compare] of Object.entries(DECIMAL_OPERATOR_IMPLEMENTATIONS)) {
      const bound = boundDecimalOperator(operator, '30.00')!;
      for (const fact of ['29.99', '30', 30, '30.01', null, undefined, true, {}, ['30']])
        expect([operator, fact, bound(fact)]).toEqual([operator, fact, compare(fact, '30.00')]);
    }
    expect(boundDecimalOperator('equal', '30')).toBeUndefined();
    expect(boundDecimalOperator('greaterThan', '30')).toBeUndefined();
  });

  it('replace the float operators, which no engine knows any more', async () => {
    const engine = buildEngine([]);
    engine.addRule(
      new Rule({
        name: 'float',
        conditions: { all: [{ fact: 'lines', operator: 'greaterThanInclusive', value: 10 }] },
        event: { type: 'float' },
      }),
    );
    await expect(engine.run({ lines: 20 })).rejects.toThrow(
      /Unknown operator: greaterThanInclusive/,
    );
    for (const operator of ['lessThan', 'lessThanInclusive', 'greaterThan']) {
      const other = buildEngine([]);
      other.addRule(
        new Rule({
          name: operator,
          conditions: { all: [{ fact: 'lines', operator, value: 10 }] },
          event: { type: operator },
        }),
      );
      await expect(other.run({ lines: 20 })).rejects.toThrow(`Unknown operator: ${operator}`);
    }
  });

  it('are every engine’s: a rule with decimalEqual fires through buildEngine', async () => {
    const engine = buildEngine([]);
    engine.addRule(
      new Rule({
        name: 'exactly-ten',
        conditions: { all: [{ fact: 'lines', operator: 'decimalEqual', value: '10.0' }] },
        event: { type: 'exactly-ten' },
      }),
    );
    expect((await engine.run({ lines: 10 })).results.map((result) => result.name)).toEqual([
      'exactly-ten',
    ]);
    expect((await engine.run({ lines: 11 })).results).toEqual([]);
  });
});

describe('facts', () => {
  // The core supplies every fact a rule set may read (compile checks each condition against
  // them); one it forgot is a defect to report, not a condition that silently fails.
  it('a rule reading a fact the evaluation was not given stops it, naming the fact', async () => {
    const ruleSet = edited(() => undefined);
    await expect(runPhase(ruleSet, 'approval', { margin: '10.00' })).rejects.toThrow(
      'Undefined fact: marginPct',
    );
  });
});

describe('rules with every comparator, on and either side of their value', () => {
  // One SMS discount per operator, each on the line count: which of them fire says how each
  // operator treats 19, 20 and 21 lines through the whole pipeline (files, engine, pricing).
  const RULES: Readonly<Record<string, string>> = {
    'sms-equal': 'decimalEqual',
    'sms-not-equal': 'decimalNotEqual',
    'sms-less': 'decimalLessThan',
    'sms-less-inclusive': 'decimalLessThanInclusive',
    'sms-greater': 'decimalGreaterThan',
    'sms-greater-inclusive': 'decimalGreaterThanInclusive',
  };
  const ruleSet = edited((files) => {
    files['comparators.rules.json'] = {
      phase: 'offer',
      rules: Object.entries(RULES).map(([name, operator]) => ({
        name,
        priority: 5,
        conditions: { all: [{ fact: 'lines', operator, value: '20' }] },
        event: { type: 'percent-off', params: { item: 'SMS', percent: '1' } },
      })),
    };
  });
  const request = (lines: number) => ({
    ...workedExample('ENT-0001').request,
    lines,
    handsets: [],
  });

  it.each([
    [19, ['sms-not-equal', 'sms-less', 'sms-less-inclusive']],
    [20, ['sms-equal', 'sms-less-inclusive', 'sms-greater-inclusive']],
    [21, ['sms-not-equal', 'sms-greater', 'sms-greater-inclusive']],
  ])('%i lines', async (lines, fired) => {
    const quote = await priced(ruleSet, request(lines));
    expect(quote.explanations.items.SMS?.map((applied) => applied.rule)).toEqual(fired);
    for (const applied of quote.explanations.items.SMS ?? []) {
      expect(applied.conditions).toEqual([
        { fact: 'lines', operator: RULES[applied.rule], value: '20', saw: lines, passed: true },
      ]);
    }
  });
});

describe('firings', () => {
  it('come in priority order, then file order, whatever their order in the files', async () => {
    const ruleSet = edited((files) => {
      files['order.rules.json'] = {
        phase: 'offer',
        rules: [
          { name: 'sms-low', priority: 2, conditions: { all: [] }, event: smsOff('1') },
          { name: 'sms-high', priority: 9, conditions: { all: [] }, event: smsOff('2') },
          { name: 'sms-low-later', priority: 2, conditions: { all: [] }, event: smsOff('3') },
          { name: 'sms-mid', priority: 5, conditions: { all: [] }, event: smsOff('4') },
        ],
      };
    });
    const quote = await priced(ruleSet, workedExample('ENT-0001').request);
    expect(quote.explanations.items.SMS?.map((applied) => applied.rule)).toEqual([
      'sms-high',
      'sms-mid',
      'sms-low',
      'sms-low-later',
    ]);
  });

  it('carry a rule’s description when it has one, and its params as the file wrote them', async () => {
    const ruleSet = edited((files) => {
      files['described.rules.json'] = {
        phase: 'offer',
        rules: [
          {
            name: 'sms-described',
            description: 'SMS for the launch',
            priority: 5,
            conditions: { all: [] },
            event: smsOff('10'),
          },
        ],
      };
    });
    const quote = await priced(ruleSet, workedExample('ENT-0001').request);
    expect(quote.explanations.items.SMS).toEqual([
      {
        rule: 'sms-described',
        description: 'SMS for the launch',
        component: 'percent-off',
        params: { item: 'SMS', percent: '10' },
        conditions: [],
      },
    ]);
    expect(quote.explanations.items.LD_MIN?.[0]).not.toHaveProperty('description');
    const reference = await priceQuote(ruleSet, workedExample('ENT-0001').request, {
      referenceEngine: true,
    });
    expect(reference).toEqual(quote);
  });

  it('of two rules deciding one thing stop the quote, naming both', async () => {
    const snapshot = sampleSnapshot();
    (snapshot.files as Json)['tiers.rules.json'].rules[1].conditions.all.shift();
    const compiled = compileRuleSet(snapshot);
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
    const error = await priceQuote(compiled.ruleSet, workedExample('ENT-0003').request).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      kind: 'rule-conflict',
      message:
        'rules tier-strategic and tier-key both decide tier for this request; make their conditions exclusive',
      details: { rules: ['tier-strategic', 'tier-key'] },
    });
  });
});

const smsOff = (percent: string) => ({ type: 'percent-off', params: { item: 'SMS', percent } });

describe('explanations: what each condition saw, and whether it passed', () => {
  it('lists every condition of a rule that fired, the ones that failed inside "any" too', async () => {
    // ENT-0001: 120 lines, but an annual spend under 1000000.00.
    const quote = await priced(
      edited(() => undefined),
      workedExample('ENT-0001').request,
    );
    expect(quote.explanations.tier).toEqual([
      {
        rule: 'tier-key',
        component: 'assign-tier',
        params: { tier: 'key' },
        conditions: [
          { fact: 'tier', operator: 'equal', value: null, saw: null, passed: true },
          {
            fact: 'lines',
            operator: 'decimalGreaterThanInclusive',
            value: '100',
            saw: 120,
            passed: true,
          },
          {
            fact: 'enterprise.annualSpend',
            operator: 'decimalGreaterThanInclusive',
            value: '1000000.00',
            saw: '820000.00',
            passed: false,
          },
        ],
      },
    ]);
  });

  it('walks "not" and nested groups, and names a path fact by its field', async () => {
    const ruleSet = edited((files) => {
      files['nested.rules.json'] = {
        phase: 'offer',
        rules: [
          {
            name: 'sms-nested',
            priority: 5,
            conditions: {
              any: [
                {
                  all: [
                    {
                      not: {
                        fact: 'handsets',
                        path: '$.HX-5G-LITE',
                        operator: 'decimalGreaterThan',
                        value: '0',
                      },
                    },
                    {
                      fact: 'enterprise',
                      path: '$.creditRating',
                      operator: 'in',
                      value: ['AA', 'AAA'],
                    },
                  ],
                },
                { fact: 'ringbackTone', operator: 'equal', value: false },
              ],
            },
            event: smsOff('10'),
          },
        ],
      };
    });
    const quote = await priced(ruleSet, workedExample('ENT-0001').request);
    expect(quote.explanations.items.SMS?.[0]?.conditions).toEqual([
      {
        fact: 'handsets.HX-5G-LITE',
        operator: 'decimalGreaterThan',
        value: '0',
        saw: 0,
        passed: false,
      },
      {
        fact: 'enterprise.creditRating',
        operator: 'in',
        value: ['AA', 'AAA'],
        saw: 'AA',
        passed: true,
      },
      { fact: 'ringbackTone', operator: 'equal', value: false, saw: true, passed: false },
    ]);
  });

  it('names a path fact alike however the file writes the path: "$.x", "$x" or "x"', async () => {
    const ruleSet = edited((files) => {
      files['paths.rules.json'] = {
        phase: 'offer',
        rules: ['$.creditRating', '$creditRating', 'creditRating'].map((path, index) => ({
          name: `sms-path-${index}`,
          priority: 5,
          conditions: { all: [{ fact: 'enterprise', path, operator: 'equal', value: 'AA' }] },
          event: smsOff('1'),
        })),
      };
    });
    const quote = await priced(ruleSet, workedExample('ENT-0001').request);
    const seen = quote.explanations.items.SMS?.map((applied) => applied.conditions);
    expect(seen).toEqual(
      ['$.creditRating', '$creditRating', 'creditRating'].map(() => [
        {
          fact: 'enterprise.creditRating',
          operator: 'equal',
          value: 'AA',
          saw: 'AA',
          passed: true,
        },
      ]),
    );
  });

  it('are the engine’s copies: editing one changes neither the rule set nor the next quote', async () => {
    const ruleSet = edited(() => undefined);
    const first = await priced(ruleSet, workedExample('ENT-0001').request);
    const applied = first.explanations.items.LD_MIN![0]!;
    applied.params.percent = '99';
    applied.conditions[0]!.value = 'strategic';
    const second = await priced(ruleSet, workedExample('ENT-0001').request);
    expect(second.explanations.items.LD_MIN![0]).toMatchObject({
      params: { item: 'LD_MIN', percent: '35' },
      conditions: [{ value: 'key' }],
    });
  });
});

describe('dated rules', () => {
  const dated = (validFrom?: string, validTo?: string) =>
    edited((files) => {
      files['dated.rules.json'] = {
        phase: 'offer',
        rules: [
          {
            name: 'sms-dated',
            priority: 5,
            ...(validFrom ? { validFrom } : {}),
            ...(validTo ? { validTo } : {}),
            conditions: { all: [] },
            event: smsOff('10'),
          },
        ],
      };
    });
  // Both evaluations, the compiled one and json-rules-engine's, must leave a rule out of force alike.
  const fires = async (ruleSet: RuleSet, quoteDate: string) => {
    const [compiled, reference] = await Promise.all(
      [false, true].map(async (referenceEngine) => {
        const quote = await priceQuote(ruleSet, workedExample('ENT-0001').request, {
          quoteDate,
          referenceEngine,
        });
        if (!quote.eligible) throw new Error('refused');
        return quote.explanations.items.SMS?.some((applied) => applied.rule === 'sms-dated');
      }),
    );
    expect(reference).toBe(compiled);
    return compiled;
  };

  it('from a first day only, or to a last day only, is in force on it and not beyond', async () => {
    const from = dated('2027-03-01');
    expect(await fires(from, '2027-02-28')).toBe(false);
    expect(await fires(from, '2027-03-01')).toBe(true);
    expect(await fires(from, '2099-12-31')).toBe(true);
    const to = dated(undefined, '2027-03-31');
    expect(await fires(to, '2000-01-01')).toBe(true);
    expect(await fires(to, '2027-03-31')).toBe(true);
    expect(await fires(to, '2027-04-01')).toBe(false);
  });

  it('make a set price differently by date, as does a rule that reads the quote date anywhere', () => {
    expect(pricesAlikeOnEveryDay(edited(() => undefined))).toBe(true);
    expect(pricesAlikeOnEveryDay(dated('2027-03-01'))).toBe(false);
    expect(pricesAlikeOnEveryDay(dated(undefined, '2027-03-31'))).toBe(false);
    const readsDate = { fact: 'quoteDate', operator: 'notEqual', value: '2027-01-01' };
    for (const [file, conditions] of [
      [
        'line-fee.rules.json',
        { any: [{ fact: 'lines', operator: 'decimalEqual', value: '7' }, readsDate] },
      ],
      ['line-fee.rules.json', { not: readsDate }],
      ['approval.rules.json', { all: [{ all: [readsDate] }] }],
    ] as const) {
      const ruleSet = edited((files) => {
        files[file].rules[0].conditions = conditions;
      });
      expect([file, conditions, pricesAlikeOnEveryDay(ruleSet)]).toEqual([file, conditions, false]);
    }
  });

  it('to a last day only need a quote date too', async () => {
    await expect(
      priceQuote(dated(undefined, '2027-03-31'), workedExample('ENT-0001').request),
    ).rejects.toMatchObject({
      kind: 'invalid-input',
      details: { issues: [{ path: 'quoteDate' }] },
    });
  });

  it('need a quote date, which a set without dated rules does not', async () => {
    await expect(
      priceQuote(dated('2027-03-01'), workedExample('ENT-0001').request),
    ).rejects.toMatchObject({
      kind: 'invalid-input',
      message: 'price with a quote date: this tariff has rules that apply only between dates',
      details: {
        issues: [
          {
            path: 'quoteDate',
            message: 'is required: this tariff has rules that apply only between dates',
          },
        ],
      },
    });
    const undated = await priced(
      edited(() => undefined),
      workedExample('ENT-0001').request,
    );
    expect(undated).not.toHaveProperty('quoteDate');
  });
});
