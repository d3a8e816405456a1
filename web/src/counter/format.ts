import type { TFunction } from 'i18next';
import type { Lookup } from './api.js';

type Terms = Lookup['coupon']['terms'];

export function money(cents: number, currency: string, language: string): string {
  const whole = cents % 100 === 0;
  return new Intl.NumberFormat(language, { style: 'currency', currency, currencyDisplay: 'narrowSymbol', minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: 2 }).format(cents / 100);
}

/** What the clerk gives: "¥20 off", "15% off, up to ¥50", "Free: a coffee". */
export function termsText(terms: Terms, t: TFunction, language: string): string {
  switch (terms.kind) {
    case 'amount_off':
      return t('counter.terms.amountOff', { amount: money(terms.amountOffCents ?? 0, terms.currency, language) });
    case 'percent_off': {
      const percent = t('counter.terms.percentOff', { percent: terms.percentOff ?? 0 });
      return terms.maxDiscountCents === null ? percent : `${percent}, ${t('counter.terms.cap', { amount: money(terms.maxDiscountCents, terms.currency, language) })}`;
    }
    case 'free_item':
      return t('counter.terms.freeItem', { item: terms.freeItem ?? '' });
    case 'booking':
      return terms.freeItem ? t('counter.terms.booking', { item: terms.freeItem }) : t('counter.terms.bookingPlain');
  }
}

/**
 * The coupon's part of a sale the customer paid `paidCents` for, to record the order's
 * discount: the amount off; a percentage worked back from what was paid (capped); a free
 * item at its value.
 */
export function couponDiscount(terms: Terms, paidCents: number): number {
  switch (terms.kind) {
    case 'amount_off':
      return terms.amountOffCents ?? 0;
    case 'percent_off': {
      const percent = terms.percentOff ?? 0;
      const cap = terms.maxDiscountCents;
      // 100% off: nothing was paid to work back from; the cap is what it was worth.
      if (percent >= 100) return cap ?? 0;
      const worked = Math.round((paidCents * percent) / (100 - percent));
      return cap === null ? worked : Math.min(worked, cap);
    }
    default:
      return terms.itemValueCents ?? 0;
  }
}

/** "12.50" or "12" → 1250; null when it is not an amount. */
export function parseAmount(text: string): number | null {
  const match = /^\s*(\d{1,10})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

export function newRequestId(): string {
  // crypto.randomUUID exists only on https and localhost; a till on a LAN address has neither.
  return `counter-${[...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}
