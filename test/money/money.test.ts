import fc from 'fast-check';
import {
  Decimal,
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
});
