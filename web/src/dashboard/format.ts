import { useTranslation } from 'react-i18next';
import { useSession } from './session.js';

/** Numbers, money and times in the reader's language and the merchant's time zone and currency. */
export function useFormat() {
  const { i18n } = useTranslation();
  const me = useSession();
  const locale = i18n.resolvedLanguage ?? 'en';
  const zone = me.merchant.timezone;
  return {
    locale,
    number: (value: number) => new Intl.NumberFormat(locale).format(value),
    money: (cents: number, currency = me.merchant.currency) => new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'narrowSymbol' }).format(cents / 100),
    percent: (fraction: number | null) => (fraction === null ? '—' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(fraction)),
    dateTime: (iso: string | null) => (iso ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(new Date(iso)) : '—'),
    /** Compact, for table rows: the month, day and time (the year when it is not this one). */
    shortDateTime: (iso: string) => {
      const at = new Date(iso);
      const thisYear = new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: zone }).format(at) === new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: zone }).format(new Date());
      return new Intl.DateTimeFormat(locale, { ...(thisYear ? {} : { year: 'numeric' }), month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: zone }).format(at);
    },
    /** The time of day alone, e.g. the end of a slot that started the same day. */
    time: (iso: string) => new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone: zone }).format(new Date(iso)),
    date: (iso: string | null) => (iso ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: zone }).format(new Date(iso)) : '—'),
  };
}

/** Today in a time zone, as `YYYY-MM-DD`. */
export function localToday(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** A `YYYY-MM-DD` day moved by some days (calendar arithmetic, no time zone involved). */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Whole currency units typed by a person ("12.5", "12,50") as cents, or null when it is not a number. */
export function toCents(text: string): number | null {
  const cleaned = text.trim().replace(/\s/g, '').replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return null;
  return Math.round(Number(cleaned) * 100);
}

/**
 * The instant a wall-clock time (`YYYY-MM-DD`, `HH:MM`) happens in a time zone, as ISO. The
 * zone's offset is looked up twice: once at a first guess, then at the answer, so a day that
 * changes its offset (summer time) still lands right.
 */
export function zonedInstant(day: string, time: string, timeZone: string): string {
  const wall = Date.parse(`${day}T${time}:00Z`);
  const first = wall - offsetAt(wall, timeZone);
  return new Date(wall - offsetAt(first, timeZone)).toISOString();
}

/** The start of a day in a time zone, as ISO: where a day filter or a last valid day begins. */
export function zonedDayStart(day: string, timeZone: string): string {
  return zonedInstant(day, '00:00', timeZone);
}

/** The day (`YYYY-MM-DD`) and time (`HH:MM`) an instant reads as in a time zone. */
export function zonedParts(iso: string, timeZone: string): { day: string; time: string } {
  const at = new Date(iso);
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  return { day: localToday(timeZone, at), time };
}

/** How far a zone's clock is ahead of UTC at an instant, in milliseconds. */
function offsetAt(at: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(at))
      .map((part) => [part.type, part.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(at / 1000) * 1000;
}
