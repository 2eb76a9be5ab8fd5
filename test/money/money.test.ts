import fc from 'fast-check';
import {
  Decimal,
  allocate,
  floorToMultiple,
  formatMoney,
  parseDecimal,
  percent,
  roundHalfUp,
  taxInside,
} from '../../src/money/money';

describe('money', () => {
  it('rounds half-up where binary floats get it wrong: 10.50 × 35 % = 3.675 → 3.68', () => {
    expect((10.5 * 0.35).toFixed(2)).toBe('3.67'); // the float answer, wrong by a fen
    expect(formatMoney(roundHalfUp(parseDecimal('10.50').mul(percent(parseDecimal('35')))))).toBe(
      '3.68',
    );
  });

  it('rounds other classic float traps correctly', () => {
    expect(formatMoney(roundHalfUp(parseDecimal('1.005')))).toBe('1.01');
    expect(formatMoney(parseDecimal('0.1').plus(parseDecimal('0.2')))).toBe('0.30');
    expect(formatMoney(roundHalfUp(parseDecimal('-2.345')))).toBe('-2.35');
  });

  it('parses only plain decimal strings', () => {
    for (const bad of ['12,5', 'NaN', 'Infinity', '1e3', ' 1', '1.', '.5', '+1', '0x10', '']) {
      expect(() => parseDecimal(bad)).toThrow(TypeError);
    }
    expect(() => parseDecimal(0.1)).toThrow(TypeError);
    expect(parseDecimal('007'.replace(/^0+/, '')).toFixed()).toBe('7');
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
      { numRuns: 2000 },
    );
    expect(formatMoney(parseDecimal('5'))).toBe('5.00');
    expect(formatMoney(parseDecimal('5.1'))).toBe('5.10');
    expect(formatMoney(parseDecimal('-0.005'))).toBe('-0.01');
  });

  it('floors to a multiple of a step', () => {
    expect(floorToMultiple(parseDecimal('26256.00'), parseDecimal('100.00')).toFixed(2)).toBe(
      '26200.00',
    );
    expect(floorToMultiple(parseDecimal('99.99'), parseDecimal('100')).toFixed(2)).toBe('0.00');
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
        { numRuns: 2000, seed: 20261202 },
      );
    });
  });
});
