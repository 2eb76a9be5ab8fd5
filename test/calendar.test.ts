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

  it('gives, asked in any order, the date a fresh formatter gives, also within one second', () => {
    const zones = ['Asia/Shanghai', 'UTC', 'America/St_Johns', 'Asia/Kathmandu'];
    // Instants a few ms to a few seconds apart around midnights, so that consecutive questions
    // often fall in one second and sometimes on both sides of a date change. Days of the 1890s
    // too: local mean time then was off UTC by minutes and seconds (Shanghai +08:05:43), so days
    // did not start on a whole minute.
    const nearMidnight = fc
      .tuple(
        fc.oneof(fc.integer({ min: -47_000, max: -43_000 }), fc.integer({ min: 0, max: 3_000 })),
        fc.constantFrom(...zones),
        fc.array(fc.integer({ min: -2_500, max: 2_500 }), { minLength: 1, maxLength: 8 }),
      )
      .map(([day, timeZone, offsets]) => {
        const midnight = startOfDay(addDays('2020-01-01', day), timeZone).getTime();
        return offsets.map((ms) => ({ instant: new Date(midnight + ms), timeZone }));
      });
    fc.assert(
      fc.property(fc.array(nearMidnight, { minLength: 1, maxLength: 10 }), (clusters) => {
        for (const { instant, timeZone } of clusters.flat()) {
          const truth = new Intl.DateTimeFormat('en-CA', {
            timeZone,
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
          }).format(instant);
          expect(calendarDate(instant, timeZone)).toBe(truth);
          expect(calendarDate(instant.toISOString(), timeZone)).toBe(truth);
        }
      }),
    );
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
