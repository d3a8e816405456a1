import { describe, expect, it } from 'vitest';
import { zonedDayStart, zonedInstant, zonedParts } from './format.js';

describe('times in the merchant’s zone, whatever the browser’s', () => {
  it('starts a day at the zone’s midnight', () => {
    expect(zonedDayStart('2026-01-15', 'Asia/Shanghai')).toBe('2026-01-14T16:00:00.000Z');
    expect(zonedDayStart('2026-07-01', 'UTC')).toBe('2026-07-01T00:00:00.000Z');
    expect(zonedDayStart('2026-01-15', 'America/New_York')).toBe('2026-01-15T05:00:00.000Z');
  });

  it('follows summer time on the day it changes', () => {
    expect(zonedDayStart('2026-03-08', 'America/New_York')).toBe('2026-03-08T05:00:00.000Z');
    expect(zonedInstant('2026-03-08', '03:30', 'America/New_York')).toBe('2026-03-08T07:30:00.000Z');
    expect(zonedInstant('2026-07-01', '09:00', 'Europe/London')).toBe('2026-07-01T08:00:00.000Z');
  });

  it('reads an instant back as the zone’s day and time', () => {
    expect(zonedParts('2026-01-14T16:30:00.000Z', 'Asia/Shanghai')).toEqual({ day: '2026-01-15', time: '00:30' });
    expect(zonedParts(zonedInstant('2026-05-02', '14:15', 'Asia/Kolkata'), 'Asia/Kolkata')).toEqual({ day: '2026-05-02', time: '14:15' });
  });
});
