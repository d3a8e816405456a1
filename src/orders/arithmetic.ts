import { AppError } from '../platform/errors.js';
import type { OrderStatus } from '../platform/schema.js';
import { MAX_ORDER_CENTS } from './schemas.js';

/** The money rules of an order, pure: what the lines come to, and what a refund leaves. */

export interface LineInput {
  quantity: number;
  unitPriceCents: number;
}

export interface Totals {
  /** quantity × unit price of each line, in order. */
  lineAmounts: number[];
  subtotalCents: number;
}

/**
 * Checks that the lines, less the discount, come to the total the till sent. A till and
 * Reservoir that disagree about a sale must not both be believed, so a mismatch is refused
 * with the numbers rather than corrected.
 */
export function checkOrderTotals(items: LineInput[], discountCents: number, totalCents: number): Totals {
  const lineAmounts = items.map((i) => i.quantity * i.unitPriceCents);
  const subtotalCents = lineAmounts.reduce((sum, n) => sum + n, 0);
  if (!(subtotalCents <= MAX_ORDER_CENTS)) {
    throw new AppError('order_total_mismatch', `The items add up to more than an order can hold (${MAX_ORDER_CENTS}).`, [
      { path: '/body/items', problem: `must add up to at most ${MAX_ORDER_CENTS}` },
    ]);
  }
  if (discountCents > subtotalCents) {
    throw new AppError('order_total_mismatch', `The discount (${discountCents}) is more than the items add up to (${subtotalCents}).`, [
      { path: '/body/discountCents', problem: `must be at most ${subtotalCents}` },
    ]);
  }
  const expected = subtotalCents - discountCents;
  if (expected !== totalCents) {
    throw new AppError(
      'order_total_mismatch',
      `The items add up to ${subtotalCents} and the discount is ${discountCents}, so the total is ${expected}, not ${totalCents}.`,
      [{ path: '/body/totalCents', problem: `must be ${expected} (items ${subtotalCents} − discount ${discountCents})` }],
    );
  }
  return { lineAmounts, subtotalCents };
}

/** What is left to refund; a void order has nothing left. */
export function refundableCents(order: { status: OrderStatus; totalCents: number; refundedCents: number }): number {
  return order.status === 'void' ? 0 : order.totalCents - order.refundedCents;
}

/** The status once `refundedCents` of `totalCents` have been given back. */
export function statusAfterRefunds(totalCents: number, refundedCents: number): OrderStatus {
  if (refundedCents <= 0) return 'completed';
  return refundedCents >= totalCents ? 'refunded' : 'partially_refunded';
}
