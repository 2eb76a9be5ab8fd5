/**
 * The business calendar. The operator, its customers and finance work in China, so a quote's
 * day and year are China's (Asia/Shanghai): the issue date printed on a proposal, the year in its
 * number `Q-YYYY-NNNNNN`, and the day an account manager means by `createdTo=2026-11-27` are one
 * and the same calendar. Instants are stored and compared in UTC; only here do they become days.
 */
import { LRUCache } from 'lru-cache';

export const BUSINESS_TIME_ZONE = 'Asia/Shanghai';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

// en-CA writes dates as YYYY-MM-DD.
const DATE_FORMAT = {
  locale: 'en-CA',
  options: { year: 'numeric', month: '2-digit', day: '2-digit' },
} as const;
/** Every field of the wall-clock time, for formatToParts. */
const WALL_CLOCK_FORMAT = {
  locale: 'en-US',
  options: {
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  },
} as const;

/**
 * Time zones asked about are kept this many at a time (the service uses one, tests a few); a
 * zone beyond that, the least recently used, builds its formatters again.
 */
const ZONES_KEPT = 32;

/** Formatters are costly to build and numbering asks for a year on every create: kept per zone. */
const formatters = new LRUCache<string, Intl.DateTimeFormat>({ max: 2 * ZONES_KEPT });

function formatter(
  format: typeof DATE_FORMAT | typeof WALL_CLOCK_FORMAT,
  timeZone: string,
): Intl.DateTimeFormat {
  const key = `${format.locale} ${timeZone}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat(format.locale, { ...format.options, timeZone });
    formatters.set(key, cached);
  }
  return cached;
}

function toDate(instant: string | Date): Date {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) throw new TypeError(`not a date: ${JSON.stringify(instant)}`);
  return date;
}

/**
 * The last date formatted per zone, by the whole second it was asked for. Every create asks for
 * the year of the second it happens in, as do the other creates of that second, and formatting in
 * a time zone (ICU) took 1.2% of a create's time in the service under load; with this, 0.1%. Zone
 * offsets are whole seconds, so all instants of one second fall on the same date.
 */
const lastDates = new LRUCache<string, { second: number; date: string }>({ max: ZONES_KEPT });

/** The calendar date (`YYYY-MM-DD`) an instant falls on in a time zone (China's by default). */
export function calendarDate(instant: string | Date, timeZone = BUSINESS_TIME_ZONE): string {
  const date = toDate(instant);
  const second = Math.floor(date.getTime() / 1000);
  const last = lastDates.get(timeZone);
  if (last?.second === second) return last.date;
  const formatted = formatter(DATE_FORMAT, timeZone).format(date);
  lastDates.set(timeZone, { second, date: formatted });
  return formatted;
}

/** The calendar year an instant falls in, in a time zone (China's by default). */
export function calendarYear(instant: string | Date, timeZone = BUSINESS_TIME_ZONE): number {
  return Number(calendarDate(instant, timeZone).slice(0, 4));
}

/** Whether a value is a calendar date (`YYYY-MM-DD`) rather than a timestamp. */
export function isCalendarDate(value: string): boolean {
  return ISO_DATE.test(value);
}

/** A date-only value stays as it is; a timestamp becomes its calendar date in `timeZone`. */
export function toCalendarDate(value: string, timeZone?: string): string {
  return isCalendarDate(value) ? value : calendarDate(value, timeZone);
}

/** Adds whole days to a calendar date: the validity end is the issue date plus `validityDays` (§9). */
export function addDays(isoDate: string, days: number): string {
  return new Date(utcMidnight(isoDate) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from one calendar date to another (both `YYYY-MM-DD`), e.g. the validity period. */
export function daysBetween(fromIsoDate: string, toIsoDate: string): number {
  return Math.round((utcMidnight(toIsoDate) - utcMidnight(fromIsoDate)) / DAY_MS);
}

/** The first instant of a calendar day in a time zone: 2026-11-27 in China is 2026-11-26T16:00Z. */
export function startOfDay(isoDate: string, timeZone = BUSINESS_TIME_ZONE): Date {
  const wallClockMidnight = utcMidnight(isoDate);
  // The zone's offset at a first guess, then again at the instant it gives, in case the guess
  // fell on the other side of a daylight-saving change (China has none; other zones do).
  const guess = wallClockMidnight - offsetMs(wallClockMidnight, timeZone);
  return new Date(wallClockMidnight - offsetMs(guess, timeZone));
}

/** The last instant (to the millisecond, as instants are stored) of a calendar day in a time zone. */
export function endOfDay(isoDate: string, timeZone = BUSINESS_TIME_ZONE): Date {
  return new Date(startOfDay(addDays(isoDate, 1), timeZone).getTime() - 1);
}

const WALL_CLOCK = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/;

/**
 * The instant a wall-clock date and time (`2027-01-01T09:00`, as a datetime-local input sends it)
 * names in a time zone (China's by default); undefined for text that is not one, or a day the
 * calendar does not have (`2027-02-30`).
 */
export function instantOfWallClock(text: string, timeZone = BUSINESS_TIME_ZONE): Date | undefined {
  const match = WALL_CLOCK.exec(text);
  if (!match) return undefined;
  const [, date, hours, minutes, seconds] = match;
  if (addDays(date!, 0) !== date) return undefined;
  const wallClock =
    utcMidnight(date!) +
    ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds ?? 0)) * 1000;
  // As startOfDay: the offset at a first guess, then at the instant it gives.
  const guess = wallClock - offsetMs(wallClock, timeZone);
  return new Date(wallClock - offsetMs(guess, timeZone));
}

/** How far a zone's wall clock is ahead of UTC at an instant, in ms. */
function offsetMs(epochMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const { type, value } of formatter(WALL_CLOCK_FORMAT, timeZone).formatToParts(epochMs)) {
    if (type !== 'literal') parts[type] = Number(value);
  }
  const wallClock =
    new Date(0).setUTCFullYear(parts.year!, parts.month! - 1, parts.day!) +
    ((parts.hour! * 60 + parts.minute!) * 60 + parts.second!) * 1000;
  // The wall clock shows whole seconds: compare it with the instant's whole second.
  return wallClock - Math.floor(epochMs / 1000) * 1000;
}

function utcMidnight(isoDate: string): number {
  const match = ISO_DATE.exec(isoDate);
  if (!match) throw new TypeError(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(isoDate)}`);
  const [, year = '', month = '', day = ''] = match;
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  return new Date(0).setUTCFullYear(
    Number.parseInt(year, 10),
    Number.parseInt(month, 10) - 1,
    Number.parseInt(day, 10),
  );
}
