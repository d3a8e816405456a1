import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Principal } from '../src/auth/principal.js';
import { ingest } from '../src/events/ingest.js';
import { claimVerified } from '../src/offers/claim.js';
import { CounterLimiter } from '../src/offers/counter-limiter.js';
import { redeemInTransaction } from '../src/offers/redeem.js';
import { undoRedemption } from '../src/offers/undo.js';
import { createOrder } from '../src/orders/create-order.js';
import { refundOrder, voidOrder } from '../src/orders/refund-order.js';
import { inTenant, type Db } from '../src/platform/db.js';
import { newId } from '../src/platform/ids.js';
import { ClickBuffer } from '../src/taps/click-buffer.js';
import { newStore, testConfig, type SignedInOwner, type TestApp } from './helpers.js';

/**
 * Writes the facts the answers count through the same code paths as real traffic: the click
 * buffer of the redirect, claims, the counter (with undo), the till's orders with refunds and
 * voids, and Segment identify events (which stitch and merge members). Only the clock is chosen
 * by the test (each domain function takes `now` or an occurredAt).
 */
export class Writer {
  readonly db: Db;
  readonly principal: Principal;
  readonly #config = testConfig();
  readonly #limiter: CounterLimiter;
  readonly #clicks: ClickBuffer;

  constructor(
    readonly t: TestApp,
    readonly owner: SignedInOwner,
  ) {
    this.db = t.database.handle.db;
    this.principal = { merchantId: owner.merchantId, via: 'session', role: 'owner', storeIds: null, staffId: owner.staffId, sessionId: null, keyId: null };
    this.#limiter = new CounterLimiter(this.#config);
    this.#clicks = new ClickBuffer({ db: this.db, log: { warn: () => {}, error: () => {} }, intervalMs: 3_600_000 });
  }

  get merchantId(): string {
    return this.owner.merchantId;
  }

  async api(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object): Promise<{ id: string } & Record<string, unknown>> {
    const res = await this.t.app.inject({ method, url, headers: { cookie: this.owner.cookie }, ...(payload ? { payload } : {}) });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  }

  store(name: string): Promise<string> {
    return newStore(this.t, this.owner, name);
  }

  async channel(name: string, kind = 'social'): Promise<string> {
    return (await this.api('POST', '/api/channels', { name, kind })).id;
  }

  async cost(channelId: string, amountCents: number, startsOn: string, endsOn: string): Promise<void> {
    await this.api('POST', `/api/channels/${channelId}/costs`, { amountCents, startsOn, endsOn });
  }

  async link(channelId: string, slug: string, campaign?: string): Promise<string> {
    return (await this.api('POST', '/api/links', { channelId, slug, destination: 'https://example.com/', ...(campaign ? { campaign } : {}) })).id;
  }

  async offer(name: string, storeIds: string[] = []): Promise<string> {
    const { id } = await this.api('POST', '/api/offers', { name, kind: 'amount_off', amountOffCents: 1000, validDays: 400, perPersonLimit: 1000, storeIds });
    await this.api('POST', `/api/offers/${id}/state`, { state: 'live' });
    return id;
  }

  /** A click through the redirect's buffer (which also moves the members' touches). */
  async click(visitorId: string, link: { linkId: string; channelId: string }, at: Date): Promise<void> {
    this.#clicks.push({
      merchantId: this.merchantId,
      clickId: newId('click'),
      linkId: link.linkId,
      channelId: link.channelId,
      visitorId,
      occurredAt: at,
      isScan: false,
      referrer: null,
      ipHash: null,
      uaFamily: 'Chrome',
      country: null,
      region: null,
    });
    await this.#clicks.flush();
  }

  /** A claim with a verified phone from a visitor (the tap cookie); returns the coupon. */
  async claim(offerId: string, phone: string, visitorId: string | null, at: Date): Promise<{ couponId: string; code: string }> {
    const coupon = await claimVerified(this.db, this.merchantId, { offerId, phone, visitorId, slotId: null }, at);
    return { couponId: coupon.coupon_id, code: coupon.code };
  }

  async redeem(code: string, storeId: string, at: Date): Promise<string> {
    const outcome = await inTenant(this.db, this.merchantId, (tx) =>
      redeemInTransaction(this.merchantId, tx, { code, storeId, requestId: randomUUID(), staffId: this.owner.staffId, keyId: null, now: at }),
    );
    if (outcome === 'wrong_code') throw new Error('wrong code');
    return outcome.redemption.redemption_id;
  }

  async undo(redemptionId: string, storeId: string, at: Date): Promise<void> {
    await undoRedemption({ db: this.db, limiter: this.#limiter, config: this.#config }, this.principal, redemptionId, storeId, at);
  }

  async order(storeId: string, at: Date, cents: number, paymentMethod: string, member?: { phone?: string; visitorId?: string }): Promise<string> {
    const { order } = await createOrder({ db: this.db, limiter: this.#limiter }, this.principal, '127.0.0.1', {
      storeId,
      occurredAt: at.toISOString(),
      items: [{ name: '面包 bread', quantity: 1, unitPriceCents: cents }],
      totalCents: cents,
      paymentMethod,
      ...(member ? { member } : {}),
    } as never);
    return order.id;
  }

  async refund(orderId: string, amountCents: number): Promise<void> {
    await refundOrder(this.db, this.principal, orderId, { amountCents, reason: 'stale' });
  }

  async void(orderId: string): Promise<void> {
    await voidOrder(this.db, this.principal, orderId, { reason: 'wrong till' });
  }

  /** A Segment identify: ties the user id to the anonymous id (joining or merging members). */
  async identify(userId: string, anonymousId: string, at: Date, traits: Record<string, unknown> = {}): Promise<void> {
    await ingest(this.db, this.merchantId, [
      { index: 0, eventId: newId('event'), messageId: randomUUID(), type: 'identify', name: null, userId, anonymousId, properties: {}, traits, context: {}, occurredAt: at },
    ]);
  }
}
