import { describe, expect, it } from 'vitest';
import { AppError } from '../platform/errors.js';
import { checkOrderTotals, refundableCents, statusAfterRefunds } from './arithmetic.js';

describe('order arithmetic', () => {
  it('adds the lines and takes the discount off', () => {
    expect(checkOrderTotals([{ quantity: 2, unitPriceCents: 1200 }, { quantity: 1, unitPriceCents: 850 }], 250, 3000)).toEqual({
      lineAmounts: [2400, 850],
      subtotalCents: 3250,
    });
  });

  it.each([
    ['a total that does not match', [{ quantity: 2, unitPriceCents: 1200 }], 200, 2100, '/body/totalCents', 'so the total is 2200, not 2100'],
    ['a discount larger than the items', [{ quantity: 1, unitPriceCents: 500 }], 600, 0, '/body/discountCents', 'more than the items add up to (500)'],
    ['lines that overflow', [{ quantity: 10_000, unitPriceCents: 10_000_000_000 }, { quantity: 10_000, unitPriceCents: 10_000_000_000 }], 0, 0, '/body/items', 'more than an order can hold'],
  ])('refuses %s with the numbers', (_label, items, discount, total, path, message) => {
    try {
      checkOrderTotals(items, discount, total);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('order_total_mismatch');
      expect((error as AppError).message).toContain(message);
      expect((error as AppError).details?.[0]?.path).toBe(path);
    }
  });

  it('a free order is fine', () => {
    expect(checkOrderTotals([{ quantity: 1, unitPriceCents: 0 }], 0, 0).subtotalCents).toBe(0);
  });

  it('knows what is left to refund and the status that follows', () => {
    expect(refundableCents({ status: 'completed', totalCents: 1000, refundedCents: 0 })).toBe(1000);
    expect(refundableCents({ status: 'partially_refunded', totalCents: 1000, refundedCents: 300 })).toBe(700);
    expect(refundableCents({ status: 'void', totalCents: 1000, refundedCents: 0 })).toBe(0);
    expect(statusAfterRefunds(1000, 0)).toBe('completed');
    expect(statusAfterRefunds(1000, 300)).toBe('partially_refunded');
    expect(statusAfterRefunds(1000, 1000)).toBe('refunded');
  });
});
