import { checkBatchItem, isRejection, type IncomingEvent } from '../events/validate.js';
import { ingest } from '../events/ingest.js';
import { claimVerified } from '../offers/claim.js';
import { CounterLimiter } from '../offers/counter-limiter.js';
import { confirmRedemption, type CounterDeps } from '../offers/redeem.js';
import { undoRedemption } from '../offers/undo.js';
import { createOrder, type OrderDeps } from '../orders/create-order.js';
import { refundOrder, voidOrder } from '../orders/refund-order.js';
import type { Db } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { ClickBuffer } from '../taps/click-buffer.js';
import { hashIp } from '../taps/visit.js';
import type { DemoWorld } from './setup.js';
import { emptyCounts, type ClaimRequest, type DemoClick, type DemoEvent, type OrderRequest, type Sink } from './sink.js';

/**
 * The simulation's actions, done the way real traffic does them:
 * - clicks go through the redirect's ClickBuffer and its flush (clicks stored, members'
 *   touches moved in the same transaction);
 * - events are checked item by item like a /v1/batch body, then ingested as one batch
 *   (message-id dedup, identity stitching, merges);
 * - claims call `claimVerified`, the claim below the one-time-code check (see `claim`);
 * - the counter confirms and undoes through the same functions as its routes, with the tills'
 *   key as the caller;
 * - sales, refunds and voids go through createOrder, refundOrder and voidOrder.
 * Domain refusals (a claim limit reached, a slot full, an expired coupon) are counted, not
 * fatal: real customers meet them too.
 */
export class DomainTraffic implements Sink {
  readonly counts = emptyCounts();
  readonly refusals = new Map<string, number>();
  readonly #db: Db;
  readonly #world: DemoWorld;
  readonly #clicks: ClickBuffer;
  readonly #counter: CounterDeps;
  readonly #orders: OrderDeps;

  constructor(db: Db, world: DemoWorld, options: { clickBatch: number }) {
    this.#db = db;
    this.#world = world;
    const log = {
      warn: (fields: object, message: string) => process.stderr.write(`demo clicks: ${message} ${JSON.stringify(fields)}\n`),
      error: (fields: object, message: string) => process.stderr.write(`demo clicks: ${message} ${JSON.stringify(fields)}\n`),
    };
    // Never started: no timer, the demo flushes after each day's clicks are pushed.
    this.#clicks = new ClickBuffer({ db, log, intervalMs: 1000, batchSize: options.clickBatch, maxPerFlush: options.clickBatch, maxBuffered: 10_000_000 });
    // Only right codes are typed at these tills, so the wrong-code limiter never fires.
    const limiter = new CounterLimiter({ counterFailuresPerStaff: 1000, counterFailuresPerIp: 1000, counterWindowMinutes: 1 });
    this.#counter = { db, limiter, config: { redemptionUndoMinutes: 10 } };
    this.#orders = { db, limiter };
  }

  async clicks(clicks: DemoClick[]): Promise<void> {
    const { merchantId, links, channelIds, ipSalt } = this.#world;
    for (const c of clicks) {
      const link = links[c.linkIdx]!;
      this.#clicks.push({
        merchantId,
        clickId: c.clickId,
        linkId: link.linkId,
        channelId: channelIds[link.channelIdx]!,
        visitorId: c.visitorId,
        occurredAt: new Date(c.at),
        isScan: c.isScan,
        referrer: c.referrer,
        ipHash: hashIp(ipSalt, c.ip),
        uaFamily: c.uaFamily,
        country: 'CN',
        region: 'Shanghai',
      });
    }
    await this.#clicks.flush();
    this.counts.clicks += clicks.length;
  }

  async events(events: DemoEvent[]): Promise<void> {
    const receivedAt = new Date();
    const checked = events.map((item, index) => checkBatchItem(item, index, { receivedAt }));
    const valid = checked.filter((c): c is IncomingEvent => !isRejection(c));
    if (valid.length !== events.length) throw new Error(`demo events rejected: ${JSON.stringify(checked.find(isRejection))}`);
    const outcome = await ingest(this.#db, this.#world.merchantId, valid);
    this.counts.events += outcome.accepted;
  }

  /**
   * The public claim route checks a one-time code sent by text to the phone, then calls
   * issueCoupon in the same transaction. Demo phones are not real, so no code can be read
   * back from a text; sending them would only fill otp_codes and the message log. We call
   * `claimVerified`, the entry point the route's token path and the tests use below the
   * code check: the member stitching, per-person limit, stock, budget, slot, attribution and
   * outbox rules are all the same.
   */
  async claim(request: ClaimRequest) {
    const offer = this.#world.offers.get(request.offerKey)!;
    try {
      const coupon = await claimVerified(
        this.#db,
        this.#world.merchantId,
        { offerId: offer.offerId, phone: request.phone, visitorId: request.visitorId, slotId: request.slotId },
        new Date(request.at),
      );
      this.counts.claims++;
      return { couponId: coupon.coupon_id, code: coupon.code, validUntil: coupon.valid_until.getTime() };
    } catch (error) {
      this.#refused(error);
      this.counts.claimsRefused++;
      return null;
    }
  }

  async redeemAtCounter(request: { code: string; storeIdx: number; at: number; requestId: string }) {
    try {
      const redemption = await confirmRedemption(
        this.#counter,
        this.#world.till,
        '127.0.0.1',
        { code: request.code, storeId: this.#world.storeIds[request.storeIdx]!, requestId: request.requestId },
        new Date(request.at),
      );
      this.counts.counterRedemptions++;
      return redemption.id;
    } catch (error) {
      this.#refused(error);
      return null;
    }
  }

  async undoRedemption(request: { redemptionId: string; storeIdx: number; at: number }) {
    await undoRedemption(this.#counter, this.#world.till, request.redemptionId, this.#world.storeIds[request.storeIdx]!, new Date(request.at));
    this.counts.undone++;
  }

  async order(request: OrderRequest) {
    try {
      const { order } = await createOrder(this.#orders, this.#world.till, '127.0.0.1', {
        storeId: this.#world.storeIds[request.storeIdx]!,
        externalId: request.externalId,
        occurredAt: new Date(request.at).toISOString(),
        items: request.items,
        discountCents: request.discountCents,
        totalCents: request.items.reduce((s, i) => s + i.quantity * i.unitPriceCents, 0) - request.discountCents,
        paymentMethod: request.paymentMethod,
        ...(request.member ? { member: request.member } : {}),
        ...(request.couponCodes.length ? { couponCodes: request.couponCodes } : {}),
      });
      this.counts.orders++;
      return order.id;
    } catch (error) {
      this.#refused(error);
      this.counts.ordersRefused++;
      return null;
    }
  }

  async refund(request: { orderId: string; amountCents: number | null; reason: string }) {
    try {
      await refundOrder(this.#db, this.#world.till, request.orderId, { reason: request.reason, ...(request.amountCents ? { amountCents: request.amountCents } : {}) });
      this.counts.refunds++;
    } catch (error) {
      this.#refused(error);
    }
  }

  async voidOrder(request: { orderId: string; reason: string }) {
    try {
      await voidOrder(this.#db, this.#world.till, request.orderId, { reason: request.reason });
      this.counts.voids++;
    } catch (error) {
      this.#refused(error);
    }
  }

  #refused(error: unknown): void {
    if (!(error instanceof AppError)) throw error;
    this.refusals.set(error.code, (this.refusals.get(error.code) ?? 0) + 1);
  }
}
