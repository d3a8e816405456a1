import { describe, expect, it } from 'vitest';
import { addDays, couponWindow, isCalendarDate, localDate, slotWindow, startOfDay, validityOver } from './validity.js';

describe('validity windows', () => {
  it('finds the start of a calendar day in a time zone', () => {
    expect(startOfDay('2026-05-01', 'Asia/Shanghai').toISOString()).toBe('2026-04-30T16:00:00.000Z');
    expect(startOfDay('2026-05-01', 'UTC').toISOString()).toBe('2026-05-01T00:00:00.000Z');
    expect(startOfDay('2026-07-01', 'America/New_York').toISOString()).toBe('2026-07-01T04:00:00.000Z');
    expect(startOfDay('2026-01-01', 'America/New_York').toISOString()).toBe('2026-01-01T05:00:00.000Z');
  });

  it('reads calendar days strictly and counts them', () => {
    expect(isCalendarDate('2026-02-28')).toBe(true);
    expect(isCalendarDate('2026-02-30')).toBe(false);
    expect(isCalendarDate('2026-5-1')).toBe(false);
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(localDate(new Date('2026-04-30T17:00:00Z'), 'Asia/Shanghai')).toBe('2026-05-01');
  });

  it('a date range runs from the first day to the end of the last, in the merchant zone', () => {
    const w = couponWindow({ fromDate: '2026-05-01', untilDate: '2026-05-31', days: null }, new Date('2026-04-20T00:00:00Z'), 'Asia/Shanghai');
    expect(w.from.toISOString()).toBe('2026-04-30T16:00:00.000Z');
    expect(w.until.toISOString()).toBe('2026-05-31T16:00:00.000Z');
    expect(validityOver({ fromDate: '2026-05-01', untilDate: '2026-05-31', days: null }, new Date('2026-05-31T15:59:59Z'), 'Asia/Shanghai')).toBe(false);
    expect(validityOver({ fromDate: '2026-05-01', untilDate: '2026-05-31', days: null }, new Date('2026-05-31T16:00:00Z'), 'Asia/Shanghai')).toBe(true);
  });

  it('N days after the claim runs to the end of the N-th day after the claim day', () => {
    const claimedAt = new Date('2026-05-01T07:00:00Z'); // 15:00 in Shanghai
    const w = couponWindow({ fromDate: null, untilDate: null, days: 7 }, claimedAt, 'Asia/Shanghai');
    expect(w.from).toEqual(claimedAt);
    expect(w.until.toISOString()).toBe('2026-05-08T16:00:00.000Z'); // end of 8 May, Shanghai
  });

  it('a booking voucher is good on the day of its slot', () => {
    const w = slotWindow({ startsAt: new Date('2026-05-02T06:00:00Z'), endsAt: new Date('2026-05-02T07:00:00Z') }, 'Asia/Shanghai');
    expect(w.from.toISOString()).toBe('2026-05-01T16:00:00.000Z');
    expect(w.until.toISOString()).toBe('2026-05-02T16:00:00.000Z');
  });
});
