/**
 * The report core without a database: exact totals, margin % of a group, the 80/20 view, the
 * component split (it adds back to every quote's own figures to the fen) and CSV cells.
 */
import fc from 'fast-check';
import { eligibleRequest } from '../support/arbitraries';
import { MoneyTotal, parseDecimal, sum } from '../../src/money/money';
import { priceQuote } from '../../src/pricing/price';
import type { PricedQuote } from '../../src/pricing/quote';
import { compileRuleSet, type RuleSet } from '../../src/rules/compile';
import { ComponentTotals, splitQuote, UNATTRIBUTED } from '../../src/reports/components';
import { csvCell, csvRecord } from '../../src/reports/csv';
import { parseCsv } from '../support/csv';
import { figuresOf, sortRows, sumOfRows, type MarginGroupRow } from '../../src/reports/margin';
import { pareto } from '../../src/reports/pareto';
import type { QuoteComponentsSource } from '../../src/store/types';
import { sampleSnapshot } from '../support/rule-set-copy';
import { workedExample } from '../support/tariff-book';

function compiled(extraFiles: Record<string, unknown> = {}): RuleSet {
  const snapshot = sampleSnapshot();
  Object.assign(snapshot.files, extraFiles);
  const result = compileRuleSet(snapshot);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.ruleSet;
}

const plain = compiled();
/** The sample tariff with a monthly credit on every bill, so that quotes carry `credits`. */
const withCredit = compiled({
  'credit.rules.json': {
    phase: 'offer',
    rules: [
      {
        name: 'welcome-credit',
        priority: 5,
        conditions: { all: [] },
        event: { type: 'monthly-credit', params: { amount: '123.45' } },
      },
    ],
  },
});

function sourceOf(quote: PricedQuote, number = 'Q-2026-000001'): QuoteComponentsSource {
  const { approvalRules: _rules, approval: _level, ...internal } = quote.internal;
  return {
    number,
    ruleSetHash: quote.ruleSetHash,
    termMonths: quote.termMonths,
    items: quote.items,
    credits: quote.credits ?? [],
    internal,
    contractValue: quote.totals.contractValue,
  };
}

function unitCostsOf(ruleSet: RuleSet) {
  return new Map(ruleSet.items.map((item) => [item.code, item.unitCostValue]));
}

describe('MoneyTotal', () => {
  it('adds decimal strings exactly, fen and finer, where floats drift', () => {
    const total = new MoneyTotal();
    for (let i = 0; i < 1000; i += 1) total.add('0.10');
    expect(total.toString()).toBe('100.00');
    expect(new MoneyTotal().add('-0.01').add('0.005').add('12').toString()).toBe('11.995');
    expect(new MoneyTotal().add('26052859.45').add('0.01').toString()).toBe('26052859.46');
    expect(() => new MoneyTotal().add('1e3')).toThrow(TypeError);
  });

  it('agrees with Decimal over any amounts', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc
            .tuple(
              fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
              fc.integer({ min: 0, max: 4 }),
            )
            .map(([units, places]) => {
              const text = (units < 0n ? -units : units).toString().padStart(places + 1, '0');
              const whole =
                places === 0 ? text : `${text.slice(0, -places)}.${text.slice(-places)}`;
              return `${units < 0n ? '-' : ''}${whole}`;
            }),
        ),
        (amounts) => {
          const total = new MoneyTotal();
          for (const amount of amounts) total.add(amount);
          expect(total.toDecimal().eq(sum(amounts.map((amount) => parseDecimal(amount))))).toBe(
            true,
          );
        },
      ),
    );
  });
});

describe('figures of a group', () => {
  it('takes margin % from the sums, half-up to 0.01, as §7 does for one quote', () => {
    const sums = {
      quotes: 2,
      contractValue: '100.00',
      revenueExclTax: '300.00',
      totalCost: '299.985',
      margin: '0.015',
    };
    expect(figuresOf(sums).marginPct).toBe('0.01');
    expect(figuresOf({ ...sums, margin: '-0.015' }).marginPct).toBe('-0.01');
  });

  it('with no revenue: a loss is -100.00, nothing is 0.00', () => {
    const none = { quotes: 1, contractValue: '0.00', revenueExclTax: '0.00', totalCost: '5.00' };
    expect(figuresOf({ ...none, margin: '-5.00' }).marginPct).toBe('-100.00');
    expect(figuresOf({ ...none, totalCost: '0.00', margin: '0.00' }).marginPct).toBe('0.00');
  });

  it('lists groups by margin, largest first, and months in calendar order', () => {
    const row = (key: string, margin: string): MarginGroupRow => ({
      key,
      label: key,
      quotes: 1,
      contractValue: '0.00',
      revenueExclTax: '0.00',
      margin,
    });
    const rows = [row('b', '5.00'), row('a', '5.00'), row('c', '-1.00'), row('d', '10.00')];
    expect(sortRows([...rows], 'enterprise').map((r) => r.key)).toEqual(['d', 'a', 'b', 'c']);
    const months = [row('2026-02', '1.00'), row('2025-12', '9.00'), row('2026-01', '5.00')];
    expect(sortRows(months, 'month').map((r) => r.key)).toEqual(['2025-12', '2026-01', '2026-02']);
  });
});

describe('the 80/20 view', () => {
  const enterprise = (key: string, margin: string): MarginGroupRow => ({
    key,
    label: key,
    quotes: 1,
    contractValue: '0.00',
    revenueExclTax: '0.00',
    totalCost: '0.00',
    margin,
    marginPct: '0.00',
  });

  it('sorts by margin, counts the enterprises that make 80 %, and lists the loss-makers', () => {
    const view = pareto([
      enterprise('small', '100.00'),
      enterprise('loss', '-50.00'),
      enterprise('big', '700.00'),
      enterprise('mid', '200.00'),
      enterprise('worse', '-150.00'),
    ]);
    expect(view.basis).toBe('1000.00');
    expect(view.rows.map((row) => [row.key, row.share, row.cumulativeShare])).toEqual([
      ['big', '70.00', '70.00'],
      ['mid', '20.00', '90.00'],
      ['small', '10.00', '100.00'],
      ['loss', '-5.00', '95.00'],
      ['worse', '-15.00', '80.00'],
    ]);
    expect(view.vitalFew).toBe(2);
    expect(view.vitalFewShare).toBe('40.00');
    expect(view.lossMakers.map((row) => row.key)).toEqual(['worse', 'loss']);
  });

  it('reaches 80 % exactly at the threshold, and with no profitable enterprise names none', () => {
    expect(pareto([enterprise('a', '80.00'), enterprise('b', '20.00')]).vitalFew).toBe(1);
    const losing = pareto([enterprise('a', '-1.00'), enterprise('b', '0.00')]);
    expect(losing.vitalFew).toBe(0);
    expect(losing.basis).toBe('0.00');
    expect(losing.rows.map((row) => row.cumulativeShare)).toEqual(['0.00', '0.00']);
    expect(pareto([]).vitalFewShare).toBe('0.00');
  });
});

describe('the component split', () => {
  it('adds back to every quote’s contract value, revenue and cost exactly, with or without a credit', async () => {
    await fc.assert(
      fc.asyncProperty(eligibleRequest, fc.boolean(), async (request, credited) => {
        const ruleSet = credited ? withCredit : plain;
        const quote = await priceQuote(ruleSet, request);
        if (!quote.eligible) return;
        const shares = splitQuote(sourceOf(quote), unitCostsOf(ruleSet));
        expect(shares.some((share) => share.key === UNATTRIBUTED)).toBe(false);
        const total = (figure: 'contractValue' | 'revenueExclTax' | 'totalCost') =>
          sum(shares.map((share) => share[figure])).toFixed(2);
        expect(total('contractValue')).toBe(quote.totals.contractValue);
        expect(total('revenueExclTax')).toBe(quote.internal.revenueExclTax);
        expect(total('totalCost')).toBe(quote.internal.totalCost);
        expect(shares.filter((share) => share.kind === 'credit').length).toBe(credited ? 1 : 0);
      }),
      { numRuns: 60 },
    );
  });

  it('puts what a quote holds beyond its components under unattributed, so totals still hold', async () => {
    const quote = await priceQuote(plain, {
      ...workedExample('ENT-0001').request,
    });
    if (!quote.eligible) throw new Error('ENT-0001 prices');
    const source = sourceOf(quote);
    source.internal = {
      ...source.internal,
      totalCost: `${parseDecimal(source.internal.totalCost).plus('0.07').toFixed(2)}`,
    };
    const shares = splitQuote(source, unitCostsOf(plain));
    const rest = shares.find((share) => share.key === UNATTRIBUTED);
    expect(rest?.totalCost.toFixed(2)).toBe('0.07');
    expect(sum(shares.map((share) => share.totalCost)).toFixed(2)).toBe(source.internal.totalCost);
  });

  it('counts a component once per quote and sums it over quotes', async () => {
    const first = await priceQuote(plain, {
      ...workedExample('ENT-0001').request,
    });
    if (!first.eligible) throw new Error('ENT-0001 prices');
    const totals = new ComponentTotals();
    totals.add(splitQuote(sourceOf(first), unitCostsOf(plain)));
    totals.add(splitQuote(sourceOf(first, 'Q-2026-000002'), unitCostsOf(plain)));
    const rows = totals.rows((component) => component.key);
    const lineFee = rows.find((row) => row.key === 'LINE_FEE')!;
    expect(lineFee.quotes).toBe(2);
    const item = first.items.find((entry) => entry.code === 'LINE_FEE')!;
    expect(lineFee.revenueExclTax).toBe(
      parseDecimal(item.exclTax).mul(first.termMonths).mul(2).toFixed(2),
    );
    const whole = sumOfRows(rows);
    expect(whole.revenueExclTax).toBe(
      parseDecimal(first.internal.revenueExclTax).mul(2).toFixed(2),
    );
    expect(whole.totalCost).toBe(parseDecimal(first.internal.totalCost).mul(2).toFixed(2));
    expect(whole.margin).toBe(parseDecimal(first.internal.margin).mul(2).toFixed(2));
  });
});

describe('CSV cells', () => {
  it('neutralises text a spreadsheet would run as a formula, and leaves figures alone', () => {
    for (const formula of ['=1+1', '+1', '-2', '@SUM(A1)', '\tx', '\rx']) {
      expect(csvCell(formula, 'text')).toBe(`'${formula}`);
    }
    expect(csvCell('华信物流', 'text')).toBe('华信物流');
    expect(csvCell('-10821.15', 'money')).toBe('-10821.15');
    expect(csvCell('-46.05', 'percent')).toBe('-46.05');
    expect(csvCell(undefined, 'text')).toBe('');
  });

  it('quotes a field only where it holds a comma, a quote or a line break, and reads back as written', () => {
    expect(csvRecord(['a', 'b c', ''])).toBe('a,b c,\r\n');
    expect(csvRecord(['1,5', 'say "hi"', 'two\nlines', 'cr\r'])).toBe(
      '"1,5","say ""hi""","two\nlines","cr\r"\r\n',
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'binary' }), { minLength: 1 })),
        (records) => {
          // A record of one empty field is an empty line, which RFC 4180 does not tell from none.
          const kept = records.filter((fields) => !(fields.length === 1 && fields[0] === ''));
          expect(parseCsv(kept.map(csvRecord).join(''))).toEqual(kept);
        },
      ),
    );
  });
});
