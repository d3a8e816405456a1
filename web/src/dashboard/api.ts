import type { Static } from 'typebox';
import type * as analytics from '../../../src/analytics/schemas.js';
import type * as keys from '../../../src/keys/schemas.js';
import type * as members from '../../../src/members/schemas.js';
import type * as merchants from '../../../src/merchants/schemas.js';
import type * as offers from '../../../src/offers/schemas.js';
import type * as orders from '../../../src/orders/schemas.js';
import type * as staff from '../../../src/staff/schemas.js';
import type * as stores from '../../../src/stores/schemas.js';
import type * as taps from '../../../src/taps/schemas.js';
import { request, type StaffMember, type Store } from '../api.js';

/*
 * The dashboard's calls, typed by the server's own request and response schemas (type-only
 * imports, erased by the build) on the one request function of web/src/api.ts.
 */

/** `?a=1&b=x` from the defined values only ('' when none). */
export function queryString(query: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export type UpdateMerchantBody = Static<typeof merchants.UpdateMerchantBody>;
export type MerchantSettings = Static<typeof merchants.MerchantSettings>;
export const getMerchant = () => request<MerchantSettings>('GET', '/api/merchant');
export const updateMerchant = (body: UpdateMerchantBody) => request<MerchantSettings>('PATCH', '/api/merchant', body);

export type CreateStoreBody = Static<typeof stores.CreateStoreBody>;
export type UpdateStoreBody = Static<typeof stores.UpdateStoreBody>;
export const listStores = async (includeArchived = false) => (await request<Static<typeof stores.StoreList>>('GET', `/api/stores${queryString({ includeArchived })}`)).data;
export const createStore = (body: CreateStoreBody) => request<Store>('POST', '/api/stores', body);
export const updateStore = (id: string, body: UpdateStoreBody) => request<Store>('PATCH', `/api/stores/${id}`, body);

export type CreateStaffBody = Static<typeof staff.CreateStaffBody>;
export type UpdateStaffBody = Static<typeof staff.UpdateStaffBody>;
export const listStaff = async () => (await request<Static<typeof staff.StaffList>>('GET', '/api/staff')).data;
export const createStaff = (body: CreateStaffBody) => request<StaffMember>('POST', '/api/staff', body);
export const updateStaff = (id: string, body: UpdateStaffBody) => request<StaffMember>('PATCH', `/api/staff/${id}`, body);

export type ApiKey = Static<typeof keys.ApiKey>;
export type CreatedApiKey = Static<typeof keys.CreatedApiKey>;
export type CreateKeyBody = Static<typeof keys.CreateKeyBody>;
export const listKeys = async () => (await request<Static<typeof keys.ApiKeyList>>('GET', '/api/keys')).data;
export const createKey = (body: CreateKeyBody) => request<CreatedApiKey>('POST', '/api/keys', body);
export const revokeKey = (id: string) => request<ApiKey>('DELETE', `/api/keys/${id}`);

export type Channel = Static<typeof taps.Channel>;
export type ChannelKind = Channel['kind'];
export type ChannelCost = Static<typeof taps.ChannelCost>;
export type ShortLink = Static<typeof taps.Link>;
export type LinkStats = Static<typeof taps.LinkStats>;
export type CreateChannelBody = Static<typeof taps.CreateChannelBody>;
export type UpdateChannelBody = Static<typeof taps.UpdateChannelBody>;
export type CreateCostBody = Static<typeof taps.CreateCostBody>;
export type UpdateCostBody = Static<typeof taps.UpdateCostBody>;
export type CreateLinkBody = Static<typeof taps.CreateLinkBody>;
export type UpdateLinkBody = Static<typeof taps.UpdateLinkBody>;
export const listChannels = async (includeArchived = false) => (await request<Static<typeof taps.ChannelList>>('GET', `/api/channels${queryString({ includeArchived })}`)).data;
export const createChannel = (body: CreateChannelBody) => request<Channel>('POST', '/api/channels', body);
export const updateChannel = (id: string, body: UpdateChannelBody) => request<Channel>('PATCH', `/api/channels/${id}`, body);
export const listCosts = async (channelId: string) => (await request<Static<typeof taps.ChannelCostList>>('GET', `/api/channels/${channelId}/costs`)).data;
export const addCost = (channelId: string, body: CreateCostBody) => request<ChannelCost>('POST', `/api/channels/${channelId}/costs`, body);
export const updateCost = (channelId: string, costId: string, body: UpdateCostBody) => request<ChannelCost>('PATCH', `/api/channels/${channelId}/costs/${costId}`, body);
export const removeCost = (channelId: string, costId: string) => request<void>('DELETE', `/api/channels/${channelId}/costs/${costId}`);
export const listLinks = async (channelId?: string) => (await request<Static<typeof taps.LinkList>>('GET', `/api/links${queryString({ channelId })}`)).data;
export const createLink = (body: CreateLinkBody) => request<ShortLink>('POST', '/api/links', body);
export const updateLink = (id: string, body: UpdateLinkBody) => request<ShortLink>('PATCH', `/api/links/${id}`, body);
export const linkStats = (id: string) => request<LinkStats>('GET', `/api/links/${id}/stats`);
/** Same-origin addresses of a link's QR code (a link's `qr` names PUBLIC_URL, which may be another host). */
export const linkQrPath = (id: string, format: 'png' | 'svg') => `/api/links/${id}/qr.${format}`;

export type Offer = Static<typeof offers.Offer>;
export type OfferKind = Offer['kind'];
export type OfferState = Offer['state'];
export type CreateOfferBody = Static<typeof offers.CreateOfferBody>;
export type UpdateOfferBody = Static<typeof offers.UpdateOfferBody>;
export const listOffers = async () => (await request<Static<typeof offers.OfferList>>('GET', '/api/offers')).data;
export const getOffer = (id: string) => request<Offer>('GET', `/api/offers/${id}`);
export const createOffer = (body: CreateOfferBody) => request<Offer>('POST', '/api/offers', body);
export const updateOffer = (id: string, body: UpdateOfferBody) => request<Offer>('PATCH', `/api/offers/${id}`, body);
export type Slot = Static<typeof offers.Slot>;
export type CreateSlotBody = Static<typeof offers.CreateSlotBody>;
export const listSlots = async (offerId: string) => (await request<Static<typeof offers.SlotList>>('GET', `/api/offers/${offerId}/slots`)).data;
export const addSlot = (offerId: string, body: CreateSlotBody) => request<Slot>('POST', `/api/offers/${offerId}/slots`, body);
export const removeSlot = (offerId: string, slotId: string) => request<void>('DELETE', `/api/offers/${offerId}/slots/${slotId}`);
export const changeOfferState = (id: string, state: 'live' | 'paused' | 'ended') => request<Offer>('POST', `/api/offers/${id}/state`, { state });

export type MemberSummary = Static<typeof members.MemberSummary>;
export type MemberProfile = Static<typeof members.Profile>;
export type MemberQuery = Static<typeof members.MemberListQuery>;
export type TimelineEntry = Static<typeof members.TimelineEntry>;
export const searchMembers = async (query: MemberQuery) => (await request<Static<typeof members.MemberList>>('GET', `/api/members${queryString(query)}`)).data;
export const getMember = (id: string) => request<MemberProfile>('GET', `/api/members/${id}`);
export const mergeMember = (survivorId: string, memberId: string) => request<MemberProfile>('POST', `/api/members/${survivorId}/merges`, { memberId });
export const addTag = (id: string, tag: string) => request<Static<typeof members.Tags>>('PUT', `/api/members/${id}/tags/${encodeURIComponent(tag)}`);
export const removeTag = (id: string, tag: string) => request<Static<typeof members.Tags>>('DELETE', `/api/members/${id}/tags/${encodeURIComponent(tag)}`);

export type OrderSummary = Static<typeof orders.OrderSummary>;
export type Order = Static<typeof orders.Order>;
export type OrderStatus = Order['status'];
export type OrderQuery = Static<typeof orders.OrderListQuery>;
export type RefundBody = Static<typeof orders.RefundBody>;
export const listOrders = (query: OrderQuery) => request<Static<typeof orders.OrderList>>('GET', `/api/orders${queryString(query)}`);
export const getOrder = (id: string) => request<Order>('GET', `/api/orders/${id}`);
export const refundOrder = (id: string, body: RefundBody) => request<Static<typeof orders.RefundResult>>('POST', `/api/orders/${id}/refunds`, body);
export const voidOrder = (id: string, reason: string) => request<Order>('POST', `/api/orders/${id}/void`, { reason });

export type AnalyticsQuery = analytics.AnalyticsQuery;
export interface AnalyticsAnswers {
  funnel: analytics.FunnelAnswer;
  'store-visits': analytics.StoreVisitsAnswer;
  'payment-mix': analytics.PaymentMixAnswer;
  repeat: analytics.RepeatAnswer;
  retention: analytics.RetentionAnswer;
  'channel-roi': analytics.ChannelRoiAnswer;
  stores: analytics.StoresAnswer;
}
export type Question = keyof AnalyticsAnswers;
/** The address of one analytics answer; with `csv`, the same answer as a download. */
export const analyticsPath = (question: Question, query: AnalyticsQuery, format?: 'csv') => `/api/analytics/${question}${queryString({ ...query, format })}`;
export const analyticsAnswer = <Q extends Question>(question: Q, query: AnalyticsQuery) => request<AnalyticsAnswers[Q]>('GET', analyticsPath(question, query));
