import type { Language } from '../i18n/language.js';
import type { T } from './i18n/index.js';

/**
 * The browser's own variant of the chosen language for numbers and dates (en-GB writes
 * 1 Jan 2026, en-US Jan 1, 2026), or the language itself.
 */
export function localeOf(language: Language): string {
  const family = language === 'zh-CN' ? 'zh' : 'en';
  const preferred = typeof navigator === 'undefined' ? [] : navigator.languages;
  return preferred.find((tag) => tag.toLowerCase().split('-')[0] === family) ?? language;
}

/** Money in the smallest unit, shown without decimals when it is a whole amount (¥20, not ¥20.00). */
export function money(cents: number, currency: string, language: Language): string {
  const whole = cents % 100 === 0;
  return new Intl.NumberFormat(localeOf(language), { style: 'currency', currency, currencyDisplay: 'narrowSymbol', minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: 2 }).format(cents / 100);
}

/** A calendar day `YYYY-MM-DD` (the merchant's), shown as it is, without time-zone shifts. */
export function day(date: string, language: Language): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Intl.DateTimeFormat(localeOf(language), { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(y!, m! - 1, d!)));
}

export function dateOf(timestamp: string, language: Language): string {
  return new Intl.DateTimeFormat(localeOf(language), { dateStyle: 'medium' }).format(new Date(timestamp));
}

/** The last day of a validity that ends at `until` (exclusive: the first moment it is no longer valid). */
export function lastDayOf(until: string, language: Language): string {
  return new Intl.DateTimeFormat(localeOf(language), { dateStyle: 'medium' }).format(new Date(Date.parse(until) - 1));
}

export function dateTimeOf(timestamp: string, language: Language): string {
  return new Intl.DateTimeFormat(localeOf(language), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(timestamp));
}

export interface Terms {
  kind: 'amount_off' | 'percent_off' | 'free_item' | 'booking';
  amountOffCents: number | null;
  percentOff: number | null;
  maxDiscountCents: number | null;
  freeItem: string | null;
  minSpendCents: number | null;
  currency: string;
}

/** The offer in a few big words: "¥20 off", "15% off", "Free: a coffee". */
export function headline(terms: Terms, t: T, language: Language): string {
  switch (terms.kind) {
    case 'amount_off':
      return t('offer.amountOff', { amount: money(terms.amountOffCents ?? 0, terms.currency, language) });
    case 'percent_off':
      return t('offer.percentOff', { percent: terms.percentOff ?? 0 });
    case 'free_item':
      return t('offer.freeItem', { item: terms.freeItem ?? '' });
    case 'booking':
      return terms.freeItem ? t('offer.booking', { item: terms.freeItem }) : t('offer.bookingPlain');
  }
}

/** The small print: cap and minimum spend. */
export function conditions(terms: Terms, t: T, language: Language): string[] {
  const out: string[] = [];
  if (terms.kind === 'percent_off' && terms.maxDiscountCents !== null) out.push(t('offer.upTo', { amount: money(terms.maxDiscountCents, terms.currency, language) }));
  if (terms.minSpendCents !== null && terms.minSpendCents > 0) out.push(t('offer.minSpend', { amount: money(terms.minSpendCents, terms.currency, language) }));
  return out;
}

export function validity(offer: { validFrom: string | null; validUntil: string | null; validDays: number | null }, t: T, language: Language): string | null {
  if (offer.validDays !== null) return t('offer.validDays', { days: offer.validDays });
  if (offer.validFrom !== null && offer.validUntil !== null) return t('offer.validDates', { from: day(offer.validFrom, language), until: day(offer.validUntil, language) });
  return null;
}
