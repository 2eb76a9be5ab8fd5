import fc from 'fast-check';
import {
  Decimal,
  HUNDRED,
  ONE,
  ZERO,
  MoneyTotal,
  allocate,
  differenceMagnitude,
  displayNumber,
  floorToMultiple,
  formatMoney,
  formatQuantity,
  parseDecimal,
  percent,
  roundHalfUp,
  marginPercent,
  ruleConstant,
  sharePercent,
  sum,
  taxInside,
} from '../../src/money/money';
import { propertyRuns } from '../support/arbitraries'; // and seeds every fast-check run (FC_SEED)

const d = (text: string) => parseDecimal(text);

describe('money', () => {
  it('keeps 10.50 × 35 % exact (3.675) and rounds it half-up to 3.68, where a float gives 3.67', () => {
    const exact = d('10.50').mul(percent(d('35')));
    expect(exact.toFixed()).toBe('3.675');
    expect(formatMoney(roundHalfUp(exact))).toBe('3.68');
  });

  it('rounds other classic float traps correctly', () => {
    expect(formatMoney(roundHalfUp(d('1.005')))).toBe('1.01');
    expect(formatMoney(d('0.1').plus(d('0.2')))).toBe('0.30');
    expect(formatMoney(roundHalfUp(d('-2.345')))).toBe('-2.35');
  });

  it.each([
    ['0.005', '0.01'],
    ['0.0049999', '0.00'],
    ['1.994', '1.99'],
    ['1.995', '2.00'],
    ['2.675', '2.68'],
    ['-0.005', '-0.01'],
    ['-0.0049', '0.00'],
    ['7', '7.00'],
  ])('rounds %s half-up to the fen: %s', (amount, rounded) => {
    const result = roundHalfUp(d(amount));
    expect(result.toFixed(2)).toBe(rounded);
    expect(result.decimalPlaces()).toBeLessThanOrEqual(2);
  });

  it('parses only plain decimal strings: no leading zeros, sign but minus, comma, exponent or blank', () => {
    for (const bad of [
      '12,5',
      'NaN',
      'Infinity',
      '1e3',
      ' 1',
      '1 ',
      '1.',
      '.5',
      '+1',
      '0x10',
      '',
      '-',
      '007',
      '00',
      '01.5',
      '-07',
      '1.2.3',
      '--1',
    ]) {
      expect(() => parseDecimal(bad)).toThrow(new TypeError(`not a decimal string: "${bad}"`));
    }
    for (const [text, value] of [
      ['0', '0'],
      ['7', '7'],
      ['0.50', '0.5'],
      ['-2.5', '-2.5'],
      ['1000000.00', '1000000'],
      ['70', '70'],
    ]) {
      expect(parseDecimal(text!).toFixed()).toBe(value);
    }
  });

  it('parses a safe integer (a count such as lines) and nothing else of a JS number', () => {
    expect(parseDecimal(7).toFixed()).toBe('7');
    expect(parseDecimal(0).toFixed()).toBe('0');
    expect(parseDecimal(-3).toFixed()).toBe('-3');
    expect(parseDecimal(Number.MAX_SAFE_INTEGER).toFixed()).toBe('9007199254740991');
    expect(() => parseDecimal(0.1)).toThrow(new TypeError('not an exact integer: 0.1'));
    expect(() => parseDecimal(2 ** 53)).toThrow(TypeError);
    expect(() => parseDecimal(Number.NaN)).toThrow(TypeError);
    expect(() => parseDecimal(Number.POSITIVE_INFINITY)).toThrow(TypeError);
  });

  it('passes a Decimal through as it is', () => {
    const value = new Decimal('12.5');
    expect(parseDecimal(value)).toBe(value);
  });

  it('parses a rule constant once and shares it, refusing what is not a decimal string', () => {
    expect(ruleConstant('35').toFixed()).toBe('35');
    expect(ruleConstant('1000000.00').eq(1_000_000)).toBe(true);
    expect(ruleConstant('12.75')).toBe(ruleConstant('12.75'));
    expect(() => ruleConstant('1e6')).toThrow(TypeError);
  });

  it('has the constants its name says', () => {
    expect([ZERO, ONE, HUNDRED].map((value) => value.toFixed())).toEqual(['0', '1', '100']);
  });

  it('reads percent points as a fraction: "35" is 0.35', () => {
    expect(percent(d('35')).toFixed()).toBe('0.35');
    expect(percent(d('0.1')).toFixed()).toBe('0.001');
    expect(percent(d('100')).toFixed()).toBe('1');
  });

  it('sums exactly, and nothing to zero', () => {
    expect(sum([]).toFixed()).toBe('0');
    expect(sum(['1.10', '2.205', '-0.3'].map(d)).toFixed()).toBe('3.005');
  });

  it('formats money beyond the plain range without exponent notation', () => {
    expect(formatMoney(d('1').mul(new Decimal(10).pow(41)))).toBe(`1${'0'.repeat(41)}.00`);
    expect(formatMoney(d('-1').mul(new Decimal(10).pow(41)))).toBe(`-1${'0'.repeat(41)}.00`);
    expect(formatMoney(new Decimal(10).pow(-31))).toBe('0.00');
    expect(formatMoney(d('0'))).toBe('0.00');
    expect(formatMoney(d('0.00'))).toBe('0.00');
  });

  it('formats a quantity exactly, without trailing zeros or exponent notation', () => {
    expect(formatQuantity(d('1020.000'))).toBe('1020');
    expect(formatQuantity(d('0.125'))).toBe('0.125');
    expect(formatQuantity(new Decimal(10).pow(41))).toBe(`1${'0'.repeat(41)}`);
  });

  it('splits a tax-inclusive amount into tax and excl. tax that add back exactly', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 13n }),
        fc.constantFrom('0.06', '0.09', '0.13', '0.17'),
        (fen, rate) => {
          const net = new Decimal(fen.toString()).div(100);
          const { tax, exclTax } = taxInside(net, parseDecimal(rate));
          expect(tax.plus(exclTax).eq(net)).toBe(true);
          expect(tax.decimalPlaces()).toBeLessThanOrEqual(2);
        },
      ),
    );
  });

  it('takes no tax out of nothing', () => {
    const { tax, exclTax } = taxInside(d('0.00'), d('0.09'));
    expect([tax.toFixed(2), exclTax.toFixed(2)]).toEqual(['0.00', '0.00']);
  });

  it('rounds the tax half-up at the fen: 0.795 at 6 % holds exactly 0.045, so 0.05', () => {
    expect(taxInside(d('1.09'), d('0.09')).tax.toFixed()).toBe('0.09');
    const half = taxInside(d('0.795'), d('0.06')); // 0.795 × 0.06 / 1.06 = 0.045
    expect(half.tax.toFixed()).toBe('0.05');
    expect(half.exclTax.toFixed()).toBe('0.745');
  });

  it('computes the tax of §7 on the book figures', () => {
    expect(formatMoney(taxInside(parseDecimal('4104.00'), parseDecimal('0.09')).tax)).toBe(
      '338.86',
    );
    expect(formatMoney(taxInside(parseDecimal('39990.00'), parseDecimal('0.13')).tax)).toBe(
      '4600.62',
    );
  });

  it('formats money exactly as toFixed(2) half-up would, for any amount and scale', () => {
    const amount = fc
      .tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 6 }))
      .map(([digits, scale]) => new Decimal(digits.toString()).div(new Decimal(10).pow(scale)));
    fc.assert(
      fc.property(amount, (value) => {
        const expected = value.isZero() ? '0.00' : value.toFixed(2, Decimal.ROUND_HALF_UP);
        expect(formatMoney(value)).toBe(expected);
      }),
      { numRuns: propertyRuns(2000) },
    );
    expect(formatMoney(parseDecimal('5'))).toBe('5.00');
    expect(formatMoney(parseDecimal('5.1'))).toBe('5.10');
    expect(formatMoney(parseDecimal('-0.005'))).toBe('-0.01');
  });

  it.each([
    ['26256.00', '100.00', '26200'],
    ['26299.99', '100.00', '26200'],
    ['26200.00', '100.00', '26200'],
    ['26300.00', '100', '26300'],
    ['99.99', '100', '0'],
    ['0', '100', '0'],
    ['2.74', '0.5', '2.5'],
  ])('floors %s to a multiple of %s: %s', (amount, step, floored) => {
    expect(floorToMultiple(d(amount), d(step)).toFixed()).toBe(floored);
  });

  it('refuses a step of zero or less instead of returning the amount unrounded', () => {
    expect(() => floorToMultiple(d('26256.00'), d('0'))).toThrow(
      new RangeError('cannot round down to a multiple of 0'),
    );
    expect(() => floorToMultiple(d('26256.00'), d('0.00'))).toThrow(RangeError);
    expect(() => floorToMultiple(d('26256.00'), d('-100'))).toThrow(
      new RangeError('cannot round down to a multiple of -100'),
    );
  });

  describe('MoneyTotal', () => {
    it('adds amounts at the fen, coarser and finer, and totals, exactly', () => {
      const total = new MoneyTotal()
        .add('1234.50')
        .add('-0.05')
        .add('-7')
        .add('0.5')
        .add('-0.3')
        .add('10');
      expect(total.toString()).toBe('1237.65');
      total.add('0.001').add(d('2.0004'));
      expect(total.toString()).toBe('1239.6514');
      expect(total.toDecimal().toFixed()).toBe('1239.6514');
      const other = new MoneyTotal().add('100.00').add('0.0001');
      expect(total.addTotal(other).toString()).toBe('1339.6515');
      expect(new MoneyTotal().toString()).toBe('0.00');
      expect(new MoneyTotal().add('-12.30').add('2.05').toString()).toBe('-10.25');
    });

    it('refuses what is not a decimal string', () => {
      for (const bad of ['1e3', '12,50', '007.00', '.5', ''])
        expect(() => new MoneyTotal().add(bad)).toThrow(TypeError);
    });
  });

  it('margin % of §7: half-up to 0.01, a total loss without revenue, 0.00 of nothing', () => {
    expect(marginPercent(d('1'), d('3')).toFixed()).toBe('33.33');
    expect(marginPercent(d('2'), d('3')).toFixed()).toBe('66.67');
    expect(marginPercent(d('-60'), d('0')).toFixed()).toBe('-100');
    expect(marginPercent(d('0'), d('0')).toFixed()).toBe('0');
    expect(marginPercent(d('5'), d('0')).toFixed()).toBe('0');
  });

  it('a share as a percentage, half-up to 0.01, and 0.00 of nothing', () => {
    expect(sharePercent(d('1'), d('8')).toFixed()).toBe('12.5');
    expect(sharePercent(d('1'), d('3')).toFixed()).toBe('33.33');
    expect(sharePercent(d('1'), d('0')).toFixed()).toBe('0');
  });

  it('gives a chart the number of a figure', () => {
    expect(displayNumber('1234.50')).toBe(1234.5);
    expect(() => displayNumber('1,234.50')).toThrow(TypeError);
  });

  describe('allocate', () => {
    const fen = (max: bigint) =>
      fc.bigInt({ min: 0n, max }).map((value) => new Decimal(value.toString()).div(100));

    it('gives every share but the largest weight its half-up part and the largest the rest', () => {
      const shares = allocate(parseDecimal('100.00'), ['1', '1', '1'].map(parseDecimal));
      expect(shares.map((share) => share.toFixed(2))).toEqual(['33.34', '33.33', '33.33']);
      const split = allocate(
        parseDecimal('10.00'),
        ['300.00', '100.05', '600.00'].map(parseDecimal),
      );
      // 10 × 300/1000.05 = 2.99985 → 3.00; 10 × 100.05/1000.05 = 1.000449… → 1.00; rest 6.00
      expect(split.map((share) => share.toFixed(2))).toEqual(['3.00', '1.00', '6.00']);
    });

    it('gives the remainder to the largest weight wherever it stands', () => {
      // 0.02 by 1 : 3 is 0.005 and 0.015: the smaller share rounds half-up to 0.01 and the larger
      // takes the 0.01 left; handing the remainder to the first weight would give 0.00 and 0.02.
      const cents = (amount: string, weights: string[]) =>
        allocate(d(amount), weights.map(d)).map((share) => share.toFixed(2));
      expect(cents('0.02', ['1', '3'])).toEqual(['0.01', '0.01']);
      expect(cents('0.02', ['1', '3', '1'])).toEqual(['0.00', '0.02', '0.00']);
    });

    it('gives everything to the first share when no weight is above zero', () => {
      const shares = allocate(parseDecimal('5.00'), [parseDecimal('0'), parseDecimal('0')]);
      expect(shares.map((share) => share.toFixed(2))).toEqual(['5.00', '0.00']);
      expect(allocate(parseDecimal('5.00'), [])).toEqual([]);
    });

    it('adds back to the amount exactly, at the fen, never below zero or above a weight it covers', () => {
      fc.assert(
        fc.property(
          fc.array(fen(10n ** 9n), { minLength: 1, maxLength: 6 }),
          fc.integer({ min: 0, max: 10_000 }),
          (weights, perTenThousand) => {
            const total = weights.reduce((acc, weight) => acc.plus(weight), new Decimal(0));
            // An amount from nothing to the whole of the weights, at the fen.
            const amount = total
              .mul(perTenThousand)
              .div(10_000)
              .toDecimalPlaces(2, Decimal.ROUND_DOWN);
            const shares = allocate(amount, weights);
            expect(shares.reduce((acc, share) => acc.plus(share), new Decimal(0)).eq(amount)).toBe(
              true,
            );
            shares.forEach((share, index) => {
              expect(share.decimalPlaces()).toBeLessThanOrEqual(2);
              expect(share.isNegative()).toBe(false);
              if (!total.isZero()) expect(share.lte(weights[index]!)).toBe(true);
            });
          },
        ),
        { numRuns: propertyRuns(2000) },
      );
    });
  });
});

describe('differenceMagnitude: how far apart two amounts are, |a − b| at the fen', () => {
  const byDecimal = (a: string, b: string) => roundHalfUp(d(a).minus(d(b))).abs();

  it.each([
    ['100.00', '99.99', '0.01'],
    ['99.99', '100.00', '0.01'],
    ['-5', '3.5', '8.5'],
    ['1234.5', '0', '1234.5'],
    ['0', '-0.07', '0.07'],
    ['12', '12.00', '0'],
    ['1.005', '0', '1.01'],
    ['0.004', '0.001', '0'],
    ['2.50', '0.125', '2.38'],
  ])('|%s − %s| is %s', (a, b, expected) => {
    expect(differenceMagnitude(a, b).toDecimal().eq(d(expected))).toBe(true);
  });

  it('orders differences as their exact values do, whether both are at the fen or not', () => {
    const cases: [string, string, string, string, number][] = [
      ['10.00', '9.00', '5.00', '3.00', -1],
      ['5.00', '3.00', '10.00', '9.00', 1],
      ['7.25', '7.00', '0.00', '0.25', 0],
      ['7.25', '7.00', '0.001', '0.251', 0],
      ['7.25', '7.00', '0.001', '0.259', -1],
      ['0.001', '0.259', '7.25', '7.00', 1],
      ['0.001', '0.251', '0.002', '0.252', 0],
    ];
    for (const [a, b, c, e, sign] of cases) {
      const compared = Math.sign(differenceMagnitude(a, b).compare(differenceMagnitude(c, e)));
      expect([a, b, c, e, compared]).toEqual([a, b, c, e, sign]);
    }
  });

  it('agrees with Decimal on any two amounts, at the fen or finer', () => {
    const amount = fc.oneof(
      fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }).map((fen) => {
        const sign = fen < 0n ? '-' : '';
        const size = fen < 0n ? -fen : fen;
        return `${sign}${size / 100n}.${String(size % 100n).padStart(2, '0')}`;
      }),
      fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
      fc
        .integer({ min: -1_000_000, max: 1_000_000 })
        .map((mills) => d(String(mills)).div(1000).toFixed()),
    );
    fc.assert(
      fc.property(amount, amount, amount, amount, (a, b, c, e) => {
        const first = differenceMagnitude(a, b);
        const second = differenceMagnitude(c, e);
        expect(first.toDecimal().eq(byDecimal(a, b))).toBe(true);
        expect(Math.sign(first.compare(second))).toBe(byDecimal(a, b).cmp(byDecimal(c, e)));
      }),
      { numRuns: propertyRuns(500) },
    );
  });
});
