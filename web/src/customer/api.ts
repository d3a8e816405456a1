import type { Static } from 'typebox';
import type * as offers from '../../../src/offers/schemas.js';
import { request } from '../api.js';

/*
 * The customer API (no staff sign-in; the merchant is in the address). Types are the server's
 * own schemas, erased by the build.
 */

export type PublicOffer = Static<typeof offers.PublicOffer>;
export type PublicStore = Static<typeof offers.PublicStore>;
export type CustomerCoupon = Static<typeof offers.CustomerCoupon>;
export type OtpSent = Static<typeof offers.OtpSent>;
export type Claimed = Static<typeof offers.Claimed>;
export type ClaimBody = Static<typeof offers.ClaimBody>;
export type PhoneVerified = Static<typeof offers.PhoneVerified>;
export type MyCoupons = Static<typeof offers.MyCoupons>;

const base = (merchantId: string) => `/api/public/m/${encodeURIComponent(merchantId)}`;

export const getOffer = (merchantId: string, offerId: string) => request<PublicOffer>('GET', `${base(merchantId)}/offers/${encodeURIComponent(offerId)}`);

export const getStore = (merchantId: string, storeId: string) => request<PublicStore>('GET', `${base(merchantId)}/stores/${encodeURIComponent(storeId)}`);

/** Sends a code to claim this offer (refused when the offer cannot be claimed). */
export const sendOfferCode = (merchantId: string, offerId: string, phone: string) =>
  request<OtpSent>('POST', `${base(merchantId)}/offers/${encodeURIComponent(offerId)}/otp`, { phone });

export const claim = (merchantId: string, offerId: string, body: ClaimBody) =>
  request<Claimed>('POST', `${base(merchantId)}/offers/${encodeURIComponent(offerId)}/claim`, body);

/** Sends a code to see my coupons. */
export const sendCode = (merchantId: string, phone: string) => request<OtpSent>('POST', `${base(merchantId)}/otp`, { phone });

export const verifyCode = (merchantId: string, phone: string, code: string) => request<PhoneVerified>('POST', `${base(merchantId)}/otp/verify`, { phone, code });

export const myCoupons = (merchantId: string, token: string) =>
  request<MyCoupons>('GET', `${base(merchantId)}/coupons`, undefined, { authorization: `Bearer ${token}` });
