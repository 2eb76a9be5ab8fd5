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

/** Whole days from one calendar date to another (both `YYYY-MM-DD`), e.g. the validity period. */
export function daysBetween(fromIsoDate: string, toIsoDate: string): number {
  return Math.round((utcMidnight(toIsoDate) - utcMidnight(fromIsoDate)) / 86_400_000);
}

/** Adds whole days to a calendar date: the validity end is the issue date plus `validityDays` (§9). */
export function addDays(isoDate: string, days: number): string {
  return new Date(utcMidnight(isoDate) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The calendar date an instant falls on in a time zone (the quote's day in China, by default). */
export function calendarDate(instant: string | Date, timeZone = 'Asia/Shanghai'): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) throw new TypeError(`not a date: ${JSON.stringify(instant)}`);
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(date);
}

/** A date-only value stays as it is; a timestamp becomes its calendar date in `timeZone`. */
export function toCalendarDate(value: string, timeZone?: string): string {
  return ISO_DATE.test(value) ? value : calendarDate(value, timeZone);
}

function utcMidnight(isoDate: string): number {
  const match = ISO_DATE.exec(isoDate);
  if (!match) throw new TypeError(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(isoDate)}`);
  const [, year = '', month = '', day = ''] = match;
  return Date.UTC(
    Number.parseInt(year, 10),
    Number.parseInt(month, 10) - 1,
    Number.parseInt(day, 10),
  );
}

/** Fills `{name}` placeholders; a placeholder without a value is a mistake in a locale file. */
export function interpolate(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for ${placeholder} in "${text}"`);
    return value;
  });
}
