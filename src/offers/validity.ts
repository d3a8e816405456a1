/**
 * When a coupon may be redeemed. Owners think in calendar days of their own time zone ("valid
 * 1–31 May", "valid 7 days"), the database in instants; a claim turns the one into the other
 * once, and the coupon keeps the instants.
 */

export interface ValidityRule {
  fromDate: string | null;
  untilDate: string | null;
  days: number | null;
}

export interface Window {
  from: Date;
  until: Date;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A real calendar day written `YYYY-MM-DD` (so 2026-02-30 is refused). */
export function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/** The calendar day `days` after `date`. */
export function addDays(date: string, days: number): string {
  const m = DATE.exec(date)!;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The calendar day an instant falls on in a time zone. */
export function localDate(instant: Date, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/** How far a time zone is ahead of UTC at an instant, in milliseconds. */
function offsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - instant;
}

/**
 * The instant a calendar day begins in a time zone. Two rounds settle the offset; on the rare
 * day whose midnight a DST change skips, the day begins at the first instant after the gap.
 */
export function startOfDay(date: string, timeZone: string): Date {
  const m = DATE.exec(date)!;
  const wallClock = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  let guess = wallClock - offsetMs(wallClock, timeZone);
  guess = wallClock - offsetMs(guess, timeZone);
  return new Date(guess);
}

/**
 * A coupon claimed at `claimedAt` under `rule`:
 * - dates: from the start of the first day to the end of the last, in the merchant's zone;
 * - N days: from the claim to the end of the N-th day after the claim day (claimed on 1 May
 *   with 7 days → through 8 May), so "valid 7 days" never ends in the middle of an afternoon.
 */
export function couponWindow(rule: ValidityRule, claimedAt: Date, timeZone: string): Window {
  if (rule.days !== null) {
    return { from: claimedAt, until: startOfDay(addDays(localDate(claimedAt, timeZone), rule.days + 1), timeZone) };
  }
  if (rule.fromDate === null || rule.untilDate === null) throw new Error('an offer needs dates or a number of days');
  return { from: startOfDay(rule.fromDate, timeZone), until: startOfDay(addDays(rule.untilDate, 1), timeZone) };
}

/** A booking voucher is good on the day (or days) of its slot at the slot's store. */
export function slotWindow(slot: { startsAt: Date; endsAt: Date }, timeZone: string): Window {
  return {
    from: startOfDay(localDate(slot.startsAt, timeZone), timeZone),
    until: startOfDay(addDays(localDate(slot.endsAt, timeZone), 1), timeZone),
  };
}

/** True when claims can no longer lead to a usable coupon: a date range that is over. */
export function validityOver(rule: ValidityRule, now: Date, timeZone: string): boolean {
  return rule.untilDate !== null && now >= startOfDay(addDays(rule.untilDate, 1), timeZone);
}
