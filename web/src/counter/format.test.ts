import { describe, expect, it } from 'vitest';
import type { Lookup } from './api.js';
import { couponDiscount, parseAmount } from './format.js';

const terms = (t: Partial<Lookup['coupon']['terms']>): Lookup['coupon']['terms'] => ({
  name: 'x',
  description: '',
  kind: 'amount_off',
  amountOffCents: null,
  percentOff: null,
  maxDiscountCents: null,
  freeItem: null,
  itemValueCents: null,
  minSpendCents: null,
  currency: 'CNY',
  ...t,
});

describe('the quick order at the counter', () => {
  it('reads amounts as a clerk types them', () => {
    expect(parseAmount('88')).toBe(8800);
    expect(parseAmount('12.5')).toBe(1250);
    expect(parseAmount(' 12,05 ')).toBe(1205);
    for (const bad of ['', 'abc', '-5', '1.234', '1e3']) expect(parseAmount(bad)).toBeNull();
  });

  it('works the coupon’s discount back from what was paid', () => {
    expect(couponDiscount(terms({ kind: 'amount_off', amountOffCents: 2000 }), 8000)).toBe(2000);
    // 20% off, paid 80 → the sale was 100, the discount 20.
    expect(couponDiscount(terms({ kind: 'percent_off', percentOff: 20 }), 8000)).toBe(2000);
    expect(couponDiscount(terms({ kind: 'percent_off', percentOff: 20, maxDiscountCents: 1500 }), 8000)).toBe(1500);
    expect(couponDiscount(terms({ kind: 'percent_off', percentOff: 100, maxDiscountCents: 3000 }), 0)).toBe(3000);
    expect(couponDiscount(terms({ kind: 'percent_off', percentOff: 100 }), 0)).toBe(0);
    expect(couponDiscount(terms({ kind: 'free_item', freeItem: 'coffee', itemValueCents: 1800 }), 3000)).toBe(1800);
    expect(couponDiscount(terms({ kind: 'free_item', freeItem: 'coffee' }), 3000)).toBe(0);
  });
});
