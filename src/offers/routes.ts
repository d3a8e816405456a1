import { Type } from 'typebox';
import { ALL_ROLES, MANAGERS, principalOf } from '../auth/principal.js';
import { OtpLimiter } from '../messages/otp-limiter.js';
import type { OtpDeps } from '../messages/otp.js';
import { createMessageProvider } from '../messages/provider.js';
import { devMessageRoutes } from '../messages/routes.js';
import type { Context } from '../platform/context.js';
import type { Db } from '../platform/db.js';
import type { App } from '../platform/http.js';
import { withErrors } from '../platform/schemas.js';
import { VISITOR_COOKIE } from '../taps/redirect.js';
import { normalizeCode } from './codes.js';
import { CounterLimiter } from './counter-limiter.js';
import { changeOffer, changeOfferState, createOffer, getCoupon, getOffer, listAllOffers, listCouponsOfOffer } from './offers.js';
import { claimOffer, getPublicOffer, getPublicStore, myCoupons, requestCode, verifyCode } from './public.js';
import { couponQrPng, couponQrSvg } from './qr.js';
import { confirmRedemption, lookupCode, type CounterDeps } from './redeem.js';
import {
  ClaimBody,
  Claimed,
  Coupon,
  CouponList,
  CouponListQuery,
  CouponParams,
  CreateOfferBody,
  CreateSlotBody,
  Lookup,
  LookupBody,
  MyCoupons,
  Offer,
  OfferList,
  OfferListQuery,
  OfferParams,
  OfferStateBody,
  OtpSent,
  PhoneVerified,
  PublicMerchantParams,
  PublicOffer,
  PublicOfferParams,
  PublicStore,
  PublicStoreParams,
  QrQuery,
  RedeemBody,
  Redemption,
  RedemptionList,
  RedemptionListQuery,
  RedemptionParams,
  SendOtpBody,
  Slot,
  SlotList,
  SlotParams,
  UndoBody,
  UpdateOfferBody,
  VerifyOtpBody,
} from './schemas.js';
import { addSlot, listOfferSlots, removeSlot } from './slots.js';
import { getRedemption, listStoreRedemptions, undoRedemption } from './undo.js';

/**
 * Offers (managed by owners and managers, read by all staff), the customer's public side
 * (offer, one-time code, claim, my coupons), and the counter (lookup, confirm, undo). The
 * message provider and the rate limiters live as long as the app.
 */
export async function offerRoutes(app: App, { config, database: { db } }: Context): Promise<void> {
  const provider = createMessageProvider(config, app.log);
  const otp: OtpDeps = { db, provider, limiter: new OtpLimiter(config), log: app.log, config };
  const counter: CounterDeps = { db, limiter: new CounterLimiter(config), config };

  manageRoutes(app, db);
  couponRoutes(app, db);
  publicRoutes(app, otp);
  counterRoutes(app, counter);
  devMessageRoutes(app, provider);
}

function manageRoutes(app: App, db: Db): void {
  const tags = ['Offers'];

  app.get(
    '/api/offers',
    { config: { auth: ALL_ROLES }, schema: { tags, summary: 'Offers with live counts, newest first', querystring: OfferListQuery, response: withErrors({ 200: OfferList }) } },
    async (request) => ({ data: await listAllOffers(db, principalOf(request).merchantId, request.query.state) }),
  );

  app.post(
    '/api/offers',
    { config: { auth: MANAGERS }, schema: { tags, summary: 'Create an offer (as a draft)', body: CreateOfferBody, response: withErrors({ 201: Offer }) } },
    async (request, reply) => reply.code(201).send(await createOffer(db, principalOf(request).merchantId, request.body)),
  );

  app.get(
    '/api/offers/:offerId',
    { config: { auth: ALL_ROLES }, schema: { tags, summary: 'One offer with claimed, redeemed and remaining', params: OfferParams, response: withErrors({ 200: Offer }) } },
    async (request) => getOffer(db, principalOf(request).merchantId, request.params.offerId),
  );

  app.patch(
    '/api/offers/:offerId',
    {
      config: { auth: MANAGERS },
      schema: { tags, summary: 'Change the terms (claimed coupons keep theirs)', params: OfferParams, body: UpdateOfferBody, response: withErrors({ 200: Offer }) },
    },
    async (request) => changeOffer(db, principalOf(request).merchantId, request.params.offerId, request.body),
  );

  app.post(
    '/api/offers/:offerId/state',
    {
      config: { auth: MANAGERS },
      schema: { tags, summary: 'Publish, pause, resume or end', params: OfferParams, body: OfferStateBody, response: withErrors({ 200: Offer }) },
    },
    async (request) => changeOfferState(db, principalOf(request).merchantId, request.params.offerId, request.body.state),
  );

  app.get(
    '/api/offers/:offerId/slots',
    { config: { auth: ALL_ROLES }, schema: { tags, summary: 'Time slots of a booking offer', params: OfferParams, response: withErrors({ 200: SlotList }) } },
    async (request) => ({ data: await listOfferSlots(db, principalOf(request).merchantId, request.params.offerId) }),
  );

  app.post(
    '/api/offers/:offerId/slots',
    { config: { auth: MANAGERS }, schema: { tags, summary: 'Add a time slot to a booking offer', params: OfferParams, body: CreateSlotBody, response: withErrors({ 201: Slot }) } },
    async (request, reply) => reply.code(201).send(await addSlot(db, principalOf(request).merchantId, request.params.offerId, request.body)),
  );

  app.delete(
    '/api/offers/:offerId/slots/:slotId',
    { config: { auth: MANAGERS }, schema: { tags, summary: 'Remove a slot nobody has booked', params: SlotParams, response: withErrors({ 204: Type.Null() }) } },
    async (request, reply) => {
      await removeSlot(db, principalOf(request).merchantId, request.params.offerId, request.params.slotId);
      return reply.code(204).send(null);
    },
  );
}

// Coupon codes are bearer credentials: only owners and managers read them outside the counter.
function couponRoutes(app: App, db: Db): void {
  const tags = ['Coupons'];

  app.get(
    '/api/offers/:offerId/coupons',
    {
      config: { auth: MANAGERS },
      schema: { tags, summary: 'Coupons of an offer with their attribution, newest first', params: OfferParams, querystring: CouponListQuery, response: withErrors({ 200: CouponList }) },
    },
    async (request) => ({ data: await listCouponsOfOffer(db, principalOf(request).merchantId, request.params.offerId, request.query.limit ?? 100) }),
  );

  app.get(
    '/api/coupons/:couponId',
    { config: { auth: MANAGERS }, schema: { tags, summary: 'One coupon', params: CouponParams, response: withErrors({ 200: Coupon }) } },
    async (request) => getCoupon(db, principalOf(request).merchantId, request.params.couponId),
  );

  for (const format of ['png', 'svg'] as const) {
    app.get(
      `/api/coupons/:couponId/qr.${format}`,
      { config: { auth: MANAGERS }, schema: { tags, summary: `The coupon code as a QR code (${format.toUpperCase()})`, params: CouponParams, querystring: QrQuery } },
      async (request, reply) => {
        const coupon = await getCoupon(db, principalOf(request).merchantId, request.params.couponId);
        const canonical = normalizeCode(coupon.code)!;
        const { size = 384, margin = 2 } = request.query;
        reply.header('cache-control', 'private, no-store');
        if (format === 'png') return reply.type('image/png').send(await couponQrPng(canonical, { size, margin }));
        return reply.type('image/svg+xml').send(await couponQrSvg(canonical, { margin }));
      },
    );
  }
}

/** The bearer token of a customer's request (a verified phone), or null. */
function bearerOf(header: string | undefined): string | null {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1] ?? null;
}

function publicRoutes(app: App, otp: OtpDeps): void {
  const tags = ['Customers'];
  const base = '/api/public/m/:merchantId';
  const security: [] = [];

  app.get(
    `${base}/offers/:offerId`,
    { config: { auth: 'public' }, schema: { tags, security, summary: 'An offer as a customer sees it', params: PublicOfferParams, response: withErrors({ 200: PublicOffer }) } },
    async (request) => getPublicOffer(otp, request.params.merchantId, request.params.offerId),
  );

  app.get(
    `${base}/stores/:storeId`,
    { config: { auth: 'public' }, schema: { tags, security, summary: 'A store as a customer sees it, with its offers', params: PublicStoreParams, response: withErrors({ 200: PublicStore }) } },
    async (request) => getPublicStore(otp, request.params.merchantId, request.params.storeId),
  );

  app.post(
    `${base}/offers/:offerId/otp`,
    {
      config: { auth: 'public' },
      schema: { tags, security, summary: 'Send a one-time code to claim this offer', params: PublicOfferParams, body: SendOtpBody, response: withErrors({ 202: OtpSent }) },
    },
    async (request, reply) =>
      reply.code(202).send(await requestCode(otp, request.params.merchantId, { phone: request.body.phone, ip: request.ip, offerId: request.params.offerId })),
  );

  app.post(
    `${base}/offers/:offerId/claim`,
    {
      config: { auth: 'public' },
      schema: { tags, security, summary: 'Claim a coupon with a verified phone', params: PublicOfferParams, body: ClaimBody, response: withErrors({ 201: Claimed }) },
    },
    async (request, reply) =>
      reply.code(201).send(await claimOffer(otp, request.params.merchantId, request.params.offerId, request.body, request.cookies[VISITOR_COOKIE])),
  );

  app.post(
    `${base}/otp`,
    { config: { auth: 'public' }, schema: { tags, security, summary: 'Send a one-time code (to see my coupons)', params: PublicMerchantParams, body: SendOtpBody, response: withErrors({ 202: OtpSent }) } },
    async (request, reply) => reply.code(202).send(await requestCode(otp, request.params.merchantId, { phone: request.body.phone, ip: request.ip })),
  );

  app.post(
    `${base}/otp/verify`,
    { config: { auth: 'public' }, schema: { tags, security, summary: 'Exchange a code for a verified-phone token', params: PublicMerchantParams, body: VerifyOtpBody, response: withErrors({ 200: PhoneVerified }) } },
    async (request) => verifyCode(otp, request.params.merchantId, request.body),
  );

  app.get(
    `${base}/coupons`,
    {
      config: { auth: 'public' },
      schema: { tags, security, summary: 'My coupons (Authorization: Bearer <verified-phone token>)', params: PublicMerchantParams, response: withErrors({ 200: MyCoupons }) },
    },
    async (request, reply) => {
      reply.header('cache-control', 'private, no-store');
      return myCoupons(otp, request.params.merchantId, bearerOf(request.headers.authorization));
    },
  );
}

function counterRoutes(app: App, counter: CounterDeps): void {
  const tags = ['Counter'];

  app.post(
    '/api/redemptions/lookup',
    { config: { auth: ALL_ROLES }, schema: { tags, summary: 'Look a code up at a store (phone masked)', body: LookupBody, response: withErrors({ 200: Lookup }) } },
    async (request) => lookupCode(counter, principalOf(request), request.ip, request.body),
  );

  app.post(
    '/api/redemptions',
    { config: { auth: ALL_ROLES }, schema: { tags, summary: 'Confirm (redeem) a code; the same requestId answers the same', body: RedeemBody, response: withErrors({ 201: Redemption }) } },
    async (request, reply) => reply.code(201).send(await confirmRedemption(counter, principalOf(request), request.ip, request.body)),
  );

  app.get(
    '/api/redemptions',
    { config: { auth: ALL_ROLES }, schema: { tags, summary: 'Latest redemptions at a store', querystring: RedemptionListQuery, response: withErrors({ 200: RedemptionList }) } },
    async (request) => ({ data: await listStoreRedemptions(counter, principalOf(request), request.query.storeId, request.query.limit ?? 50) }),
  );

  app.get(
    '/api/redemptions/:redemptionId',
    { config: { auth: ALL_ROLES }, schema: { tags, summary: 'One redemption', params: RedemptionParams, response: withErrors({ 200: Redemption }) } },
    async (request) => getRedemption(counter, principalOf(request), request.params.redemptionId),
  );

  app.post(
    '/api/redemptions/:redemptionId/undo',
    {
      config: { auth: ALL_ROLES },
      schema: { tags, summary: 'Undo within the window, at the same store', params: RedemptionParams, body: UndoBody, response: withErrors({ 200: Redemption }) },
    },
    async (request) => undoRedemption(counter, principalOf(request), request.params.redemptionId, request.body.storeId),
  );
}
