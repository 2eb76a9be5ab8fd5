import fc from 'fast-check';
import {
  addDays,
  calendarDate,
  calendarYear,
  daysBetween,
  endOfDay,
  startOfDay,
} from '../src/calendar';

describe('the business calendar', () => {
  it('adds the validity period across month and year ends', () => {
    expect(addDays('2026-11-27', 30)).toBe('2026-12-27');
    expect(addDays('2026-12-15', 30)).toBe('2027-01-14');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(daysBetween('2026-12-15', '2027-01-14')).toBe(30);
  });

  it('takes the calendar date and year of an instant in China by default', () => {
    expect(calendarDate('2026-11-27T17:30:00Z')).toBe('2026-11-28');
    expect(calendarDate('2026-11-27T15:59:59Z')).toBe('2026-11-27');
    expect(calendarDate('2026-11-27T17:30:00Z', 'UTC')).toBe('2026-11-27');
    expect(calendarYear('2026-12-31T15:59:59.999Z')).toBe(2026);
    expect(calendarYear('2026-12-31T16:00:00.000Z')).toBe(2027);
    expect(calendarYear('2026-12-31T16:00:00.000Z', 'UTC')).toBe(2026);
    expect(() => calendarDate('yesterday')).toThrow(TypeError);
  });

  it('finds where a day starts and ends in China', () => {
    expect(startOfDay('2026-11-27').toISOString()).toBe('2026-11-26T16:00:00.000Z');
    expect(endOfDay('2026-11-27').toISOString()).toBe('2026-11-27T15:59:59.999Z');
    expect(startOfDay('2027-01-01').toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });

  it('finds where a day starts on both sides of a daylight-saving change', () => {
    // Berlin: +01:00 in winter, +02:00 from 29 March 2026 and back on 25 October 2026.
    expect(startOfDay('2026-03-29', 'Europe/Berlin').toISOString()).toBe(
      '2026-03-28T23:00:00.000Z',
    );
    expect(startOfDay('2026-03-30', 'Europe/Berlin').toISOString()).toBe(
      '2026-03-29T22:00:00.000Z',
    );
    expect(endOfDay('2026-10-25', 'Europe/Berlin').toISOString()).toBe('2026-10-25T22:59:59.999Z');
  });

  it('places every instant between the start and end of its own calendar day', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1990-01-01T00:00:00Z'),
          max: new Date('2100-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom('Asia/Shanghai', 'UTC', 'Europe/Berlin', 'America/New_York'),
        (instant, timeZone) => {
          const day = calendarDate(instant, timeZone);
          const start = startOfDay(day, timeZone);
          const end = endOfDay(day, timeZone);
          expect(start.getTime()).toBeLessThanOrEqual(instant.getTime());
          expect(instant.getTime()).toBeLessThanOrEqual(end.getTime());
          // The day's edges belong to it, and a millisecond outside them to its neighbours.
          expect(calendarDate(start, timeZone)).toBe(day);
          expect(calendarDate(end, timeZone)).toBe(day);
          expect(calendarDate(new Date(start.getTime() - 1), timeZone)).toBe(addDays(day, -1));
          expect(calendarDate(new Date(end.getTime() + 1), timeZone)).toBe(addDays(day, 1));
        },
      ),
    );
  });
});
