import type { OrderItemInput } from './simulate.js';

/**
 * Where the simulation's actions go. The real one (traffic.ts) drives the domain functions;
 * a counting one lets the simulation be tuned without a database.
 */

export interface DemoClick {
  clickId: string;
  linkIdx: number;
  visitorId: string;
  at: number;
  isScan: boolean;
  uaFamily: string | null;
  referrer: string | null;
  ip: string;
}

/** A Segment event as a client library sends it. */
export type DemoEvent = Record<string, unknown> & { type: string; messageId: string };

export interface ClaimRequest {
  offerKey: string;
  /** E.164. */
  phone: string;
  visitorId: string | null;
  slotId: string | null;
  at: number;
}

export interface ClaimedCoupon {
  couponId: string;
  code: string;
  validUntil: number;
}

export interface OrderRequest {
  storeIdx: number;
  at: number;
  externalId: string;
  items: OrderItemInput[];
  discountCents: number;
  paymentMethod: string;
  member: { phone?: string; visitorId?: string } | null;
  couponCodes: string[];
}

export interface Sink {
  clicks(clicks: DemoClick[]): Promise<void>;
  events(events: DemoEvent[]): Promise<void>;
  /** The coupon, or null when the domain refused the claim (limit reached, sold out, slot full). */
  claim(request: ClaimRequest): Promise<ClaimedCoupon | null>;
  /** Confirms a code at a store's counter; the redemption id, or null when refused. */
  redeemAtCounter(request: { code: string; storeIdx: number; at: number; requestId: string }): Promise<string | null>;
  undoRedemption(request: { redemptionId: string; storeIdx: number; at: number }): Promise<void>;
  /** The order id, or null when the domain refused the sale. */
  order(request: OrderRequest): Promise<string | null>;
  refund(request: { orderId: string; amountCents: number | null; reason: string }): Promise<void>;
  voidOrder(request: { orderId: string; reason: string }): Promise<void>;
}

export interface SinkCounts {
  clicks: number;
  events: number;
  claims: number;
  claimsRefused: number;
  counterRedemptions: number;
  undone: number;
  orders: number;
  ordersRefused: number;
  refunds: number;
  voids: number;
}

export function emptyCounts(): SinkCounts {
  return { clicks: 0, events: 0, claims: 0, claimsRefused: 0, counterRedemptions: 0, undone: 0, orders: 0, ordersRefused: 0, refunds: 0, voids: 0 };
}

/** Counts what would be written; every claim and sale succeeds. For tuning sizes. */
export class CountingSink implements Sink {
  readonly counts = emptyCounts();
  #n = 0;
  async clicks(clicks: DemoClick[]) {
    this.counts.clicks += clicks.length;
  }
  async events(events: DemoEvent[]) {
    this.counts.events += events.length;
  }
  async claim(request: ClaimRequest) {
    this.counts.claims++;
    return { couponId: `cpn_${++this.#n}`, code: `CODE${this.#n}`, validUntil: request.at + 30 * 86_400_000 };
  }
  async redeemAtCounter() {
    this.counts.counterRedemptions++;
    return `rdm_${++this.#n}`;
  }
  async undoRedemption() {
    this.counts.undone++;
  }
  async order() {
    this.counts.orders++;
    return `ord_${++this.#n}`;
  }
  async refund() {
    this.counts.refunds++;
  }
  async voidOrder() {
    this.counts.voids++;
  }
}
