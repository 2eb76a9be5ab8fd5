import fc from 'fast-check';
import {
  formatDate,
  formatPercentPoints,
  formatQuantity,
  formatRate,
  formatYuan,
  groupThousands,
} from '../../src/proposals/format';

const english = {
  pattern: '{day} {monthName} {year}',
  monthNames: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
};

describe('money on a proposal', () => {
  it('prints yuan with thousands separators and two decimals', () => {
    expect(formatYuan('1234567.89')).toBe('¥1,234,567.89');
    expect(formatYuan('0')).toBe('¥0.00');
    expect(formatYuan('999.5')).toBe('¥999.50');
    expect(formatYuan('-1234.5')).toBe('-¥1,234.50');
    expect(formatYuan('0.005')).toBe('¥0.01');
  });

  it('keeps every digit of amounts no JS number can hold', () => {
    expect(formatYuan('12345678901234567890.99')).toBe('¥12,345,678,901,234,567,890.99');
    expect(formatYuan('9007199254740993.01')).toBe('¥9,007,199,254,740,993.01');
  });

  it('reads back to the same decimal for any amount to the fen', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 22n }), fc.boolean(), (fen, negative) => {
        const text = `${negative && fen > 0n ? '-' : ''}${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`;
        const printed = formatYuan(text);
        expect(printed.replace('¥', '').replace(/,/g, '')).toBe(text);
        expect(printed).toMatch(/^-?¥\d{1,3}(,\d{3})*\.\d{2}$/);
      }),
    );
  });

  it('rejects text that is not a decimal', () => {
    expect(() => formatYuan('1e3')).toThrow(TypeError);
    expect(() => formatYuan('12,000')).toThrow(TypeError);
  });
});

describe('quantities, percentages and rates', () => {
  it('keeps fractions of quantities exactly', () => {
    expect(formatQuantity('4807.5')).toBe('4,807.5');
    expect(formatQuantity('1120000')).toBe('1,120,000');
    expect(formatQuantity('48.750')).toBe('48.75');
    expect(groupThousands('-1234567.125')).toBe('-1,234,567.125');
  });

  it('prints margin points and VAT fractions as percentages', () => {
    expect(formatPercentPoints('54.65')).toBe('54.65%');
    expect(formatPercentPoints('-3.10')).toBe('-3.1%');
    expect(formatRate('0.09')).toBe('9%');
    expect(formatRate('0.065')).toBe('6.5%');
  });
});

describe('dates', () => {
  it('writes a calendar date in the words of a locale', () => {
    expect(formatDate('2026-11-27', english)).toBe('27 Nov 2026');
    expect(
      formatDate('2026-01-05', {
        pattern: '{year}年{month}月{day}日',
        monthNames: english.monthNames,
      }),
    ).toBe('2026年1月5日');
    expect(() => formatDate('2026-11-27T10:00:00Z', english)).toThrow(TypeError);
    expect(() => formatDate('2026-13-01', english)).toThrow(TypeError);
  });
});
