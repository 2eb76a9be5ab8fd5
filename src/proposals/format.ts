/**
 * How figures read on a proposal. Money and quantities go from decimal strings to text through the
 * money module and string manipulation only, never through a JS number (tariff book §1, §7).
 */
import { formatMoney, parseDecimal, HUNDRED } from '../money/money';

/** The yuan sign both languages print: `¥1,234,567.89` (§4: every price is in CNY). */
export const YUAN_SIGN = '¥';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Inserts thousands separators into a plain decimal text: `-1234567.5` → `-1,234,567.5`. */
export function groupThousands(decimalText: string): string {
  const negative = decimalText.startsWith('-');
  const unsigned = negative ? decimalText.slice(1) : decimalText;
  const [whole = '', fraction] = unsigned.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** An amount of money to the fen with the yuan sign: `"1234567.891"` → `¥1,234,567.89` (half-up, §7). */
export function formatYuan(amount: string): string {
  const text = formatMoney(parseDecimal(amount));
  return text.startsWith('-')
    ? `-${YUAN_SIGN}${groupThousands(text.slice(1))}`
    : `${YUAN_SIGN}${groupThousands(text)}`;
}

/** A quantity exactly as priced, fractions kept (§7): `"4807.5"` → `4,807.5`. */
export function formatQuantity(quantity: string): string {
  return groupThousands(parseDecimal(quantity).toFixed());
}

/** Percent points as the core writes them (`"54.65"`, margin %) → `54.65%`. */
export function formatPercentPoints(points: string): string {
  return `${groupThousands(parseDecimal(points).toFixed())}%`;
}

/** A rate written as a fraction (`"0.09"`, the VAT rate) → `9%`. */
export function formatRate(fraction: string): string {
  return formatPercentPoints(parseDecimal(fraction).mul(HUNDRED).toFixed());
}

/** Words a locale gives for dates: a pattern over {year} {month} {day} {monthName}, and month names. */
export interface DateWords {
  pattern: string;
  monthNames: readonly string[];
}

/** A calendar date (`YYYY-MM-DD`) in the locale's words: `2026年11月27日`, `27 November 2026`. */
export function formatDate(isoDate: string, words: DateWords): string {
  const match = ISO_DATE.exec(isoDate);
  if (!match) throw new TypeError(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(isoDate)}`);
  const [, year = '', month = '', day = ''] = match;
  const monthIndex = Number.parseInt(month, 10) - 1;
  const monthName = words.monthNames[monthIndex];
  if (monthName === undefined)
    throw new TypeError(`no month ${month} in ${JSON.stringify(isoDate)}`);
  return interpolate(words.pattern, {
    year,
    month: String(monthIndex + 1),
    day: String(Number.parseInt(day, 10)),
    monthName,
  });
}

/** Fills `{name}` placeholders; a placeholder without a value is a mistake in a locale file. */
export function interpolate(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for ${placeholder} in "${text}"`);
    return value;
  });
}
