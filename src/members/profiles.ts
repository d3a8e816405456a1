import type { Principal } from '../auth/principal.js';
import { findMerchant } from '../merchants/queries.js';
import { inTenant, type Db, type Tx } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { normalizeEmail, normalizeExternal, normalizePhone, type IdentityKey } from './identities.js';
import { maskProfile, maskSummary } from './mask.js';
import {
  clicksWithLinks,
  findMember,
  findMembersByIdentities,
  findMembersByName,
  identitiesOf,
  listRecentMembers,
  mergesInto,
  recentClaims,
  recentClicks,
  recentEvents,
  recentVisits,
  setTags,
  type IdentityRow,
  type MemberRow,
  type TouchRow,
} from './queries.js';
import type { MemberListQuery, MemberSummary, Profile, TimelineEntry, Touch } from './schemas.js';
import { resolveMember } from './stitch.js';
import { purchasesOf } from '../orders/queries.js';

/** Clerks work the counter: they see masked phone numbers (PRODUCT.md, capability 3). */
function masksPhones(principal: Principal): boolean {
  return principal.role !== 'owner' && principal.role !== 'manager';
}

/**
 * Members matching the query, newest first: identities are matched exactly after the same
 * normalisation as when they were filed (a phone in any format, an email in any case); `q`
 * tries every kind of identity and part of the name. No filter lists the newest members.
 */
export async function searchMembers(db: Db, principal: Principal, query: MemberListQuery): Promise<MemberSummary[]> {
  const { merchantId } = principal;
  const limit = query.limit ?? 50;
  const summaries = await inTenant(db, merchantId, async (tx) => {
    const region = (await findMerchant(merchantId, tx))?.default_region ?? '';
    const filtered = query.q !== undefined || query.phone !== undefined || query.email !== undefined || query.externalId !== undefined || query.userId !== undefined;
    let rows: MemberRow[];
    if (!filtered) rows = await listRecentMembers(merchantId, tx, limit);
    else {
      const byIdentity = await findMembersByIdentities(merchantId, tx, searchKeys(query, region), limit);
      const byName = query.q !== undefined ? await findMembersByName(merchantId, tx, query.q.trim(), limit) : [];
      rows = unique([...byIdentity, ...byName]).sort((a, b) => b.created_at.getTime() - a.created_at.getTime()).slice(0, limit);
    }
    return summarize(merchantId, tx, rows);
  });
  return masksPhones(principal) ? summaries.map(maskSummary) : summaries;
}

/** The identities a search names. Every given filter must be readable; a `q` is tried as each kind. */
function searchKeys(query: MemberListQuery, region: string): IdentityKey[] {
  const keys: IdentityKey[] = [];
  const add = (kind: IdentityKey['kind'], value: string | null) => value !== null && keys.push({ kind, value });
  if (query.phone !== undefined) add('phone', normalizePhone(query.phone, region));
  if (query.email !== undefined) add('email', normalizeEmail(query.email));
  if (query.externalId !== undefined) add('external', externalFromText(query.externalId));
  if (query.userId !== undefined) add('user', query.userId.trim());
  if (query.q !== undefined) {
    const q = query.q.trim();
    add('user', q);
    add('anonymous', q);
    if (q.includes('@')) add('email', normalizeEmail(q));
    if (/\d/.test(q)) add('phone', normalizePhone(q, region));
    add('external', externalFromText(q));
  }
  return keys.filter((k) => k.value !== '');
}

function externalFromText(text: string): string | null {
  const colon = text.indexOf(':');
  return colon > 0 ? normalizeExternal(text.slice(0, colon), text.slice(colon + 1)) : null;
}

function unique(rows: MemberRow[]): MemberRow[] {
  return [...new Map(rows.map((r) => [r.member_id, r])).values()];
}

async function summarize(merchantId: string, tx: Tx, rows: MemberRow[]): Promise<MemberSummary[]> {
  const identities = await identitiesOf(merchantId, tx, rows.map((r) => r.member_id));
  const first = (memberId: string, kind: IdentityRow['kind']) => identities.find((i) => i.member_id === memberId && i.kind === kind)?.value ?? null;
  return rows.map((r) => ({
    id: r.member_id,
    name: r.name,
    phone: first(r.member_id, 'phone'),
    email: first(r.member_id, 'email'),
    userId: first(r.member_id, 'user'),
    tags: r.tags,
    firstTouchAt: r.first_touch_at?.toISOString() ?? null,
    lastTouchAt: r.last_touch_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
  }));
}

/**
 * One member's profile. The id of a member that was merged into another leads to the survivor
 * (answered as the survivor, whose `id` differs from the one asked for).
 */
export async function getProfile(db: Db, principal: Principal, memberId: string, timelineLimit: number): Promise<Profile> {
  const { merchantId } = principal;
  const profile = await inTenant(db, merchantId, async (tx) => {
    const member = await liveMember(merchantId, tx, memberId);
    if (!member) throw new AppError('not_found');
    return buildProfile(merchantId, tx, member, timelineLimit);
  });
  return masksPhones(principal) ? maskProfile(profile) : profile;
}

/** The member, or the member it was merged into. */
async function liveMember(merchantId: string, tx: Tx, memberId: string): Promise<MemberRow | undefined> {
  let member = await findMember(merchantId, tx, memberId);
  // Merges point straight at their survivor; the loop only guards against a chain in the making.
  for (let hops = 0; member?.merged_into && hops < 5; hops++) member = await findMember(merchantId, tx, member.merged_into);
  return member;
}

async function buildProfile(merchantId: string, tx: Tx, member: MemberRow, timelineLimit: number): Promise<Profile> {
  const id = member.member_id;
  const [identities, merges, events] = [await identitiesOf(merchantId, tx, [id]), await mergesInto(merchantId, tx, id), await recentEvents(merchantId, tx, id, timelineLimit)];
  const visitorIds = identities.filter((i) => i.kind === 'anonymous').map((i) => i.value);
  const clicks = await recentClicks(merchantId, tx, visitorIds, timelineLimit);
  const touchIds = [member.first_touch_click_id, member.last_touch_click_id].filter((c): c is string => c !== null);
  const touches = new Map((await clicksWithLinks(merchantId, tx, touchIds)).map((t) => [t.click_id, toTouch(t)]));
  // Coupons, visits and orders keep the member id they were written with, so merged members count.
  const memberIds = [id, ...merges.map((m) => m.merged_id)];
  const [claims, visits, orders] = [
    await recentClaims(merchantId, tx, memberIds, timelineLimit),
    await recentVisits(merchantId, tx, memberIds, timelineLimit),
    await purchasesOf(merchantId, tx, memberIds, timelineLimit),
  ];
  const timeline: TimelineEntry[] = [
    ...claims.map((c) => ({ kind: 'claim' as const, at: c.claimed_at.toISOString(), id: c.coupon_id, offerId: c.offer_id })),
    ...visits.map((v) => ({ kind: 'visit' as const, at: v.occurred_at.toISOString(), id: v.visit_id, storeId: v.store_id, source: v.source, sourceId: v.source_id })),
    ...orders.map((o) => ({
      kind: 'order' as const,
      at: o.occurred_at.toISOString(),
      id: o.order_id,
      storeId: o.store_id,
      totalCents: o.total_cents,
      paymentMethod: o.payment_method,
      status: o.status,
    })),
    ...clicks.map((c) => ({ kind: 'click' as const, at: c.occurred_at.toISOString(), id: c.click_id, ...touchFields(c), referrer: c.referrer })),
    ...events.map((e) => ({
      kind: 'event' as const,
      at: e.occurred_at.toISOString(),
      id: e.event_id,
      type: e.type,
      name: e.name,
      messageId: e.message_id,
      properties: e.properties,
      traits: e.traits,
    })),
  ];
  timeline.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.id < b.id ? 1 : -1));
  return {
    id,
    mergedIds: merges.map((m) => m.merged_id),
    name: member.name,
    traits: member.traits,
    tags: member.tags,
    consent: member.consent,
    identities: identities.map((i) => ({ kind: i.kind, value: i.value, firstSeenAt: i.first_seen_at.toISOString() })),
    firstTouch: (member.first_touch_click_id && touches.get(member.first_touch_click_id)) || null,
    lastTouch: (member.last_touch_click_id && touches.get(member.last_touch_click_id)) || null,
    merges: merges.map((m) => ({ id: m.merge_id, survivorId: m.survivor_id, mergedId: m.merged_id, reason: m.reason, actor: m.actor, at: m.created_at.toISOString() })),
    timeline: timeline.slice(0, timelineLimit),
    createdAt: member.created_at.toISOString(),
    updatedAt: member.updated_at.toISOString(),
  };
}

function touchFields(t: TouchRow) {
  return { isScan: t.is_scan, linkId: t.link_id, slug: t.slug, campaign: t.campaign, channelId: t.channel_id, channelName: t.channel_name };
}

function toTouch(t: TouchRow): Touch {
  return { clickId: t.click_id, at: t.occurred_at.toISOString(), ...touchFields(t) };
}

const TAG = /^[^\u0000-\u001f\u007f/]{1,50}$/u;

/** Adds or removes a tag (owners and managers). A merged member's id changes its survivor. */
export async function changeTag(db: Db, merchantId: string, memberId: string, rawTag: string, change: 'add' | 'remove'): Promise<{ tags: string[] }> {
  const tag = rawTag.trim();
  if (!TAG.test(tag)) throw new AppError('validation_failed', undefined, [{ path: '/params/tag', problem: 'must be 1 to 50 characters without / or control characters' }]);
  const tags = await inTenant(db, merchantId, async (tx) => {
    const member = await liveMember(merchantId, tx, memberId);
    if (!member) return undefined;
    return setTags(merchantId, tx, member.member_id, change === 'add' ? { add: tag } : { remove: tag });
  });
  if (!tags) throw new AppError('not_found');
  return { tags };
}

/**
 * A person's two profiles, merged by staff who know they are one person (the same customer
 * signed up twice). The older member survives, as in every merge, and the merge is recorded
 * with the staff member (or key) as its actor.
 */
export async function mergeMembers(db: Db, principal: Principal, memberId: string, otherId: string): Promise<Profile> {
  const { merchantId } = principal;
  const actor = principal.staffId ? `staff:${principal.staffId}` : `key:${principal.keyId}`;
  const profile = await inTenant(db, merchantId, async (tx) => {
    const [a, b] = [await liveMember(merchantId, tx, memberId), await liveMember(merchantId, tx, otherId)];
    if (!a || !b) throw new AppError('not_found');
    if (a.member_id === b.member_id) return buildProfile(merchantId, tx, a, 50);
    const [ia, ib] = [(await identitiesOf(merchantId, tx, [a.member_id]))[0], (await identitiesOf(merchantId, tx, [b.member_id]))[0]];
    if (!ia || !ib) throw new AppError('conflict', 'A member without identities cannot be merged.');
    const survivor = await resolveMember(merchantId, tx, [toKey(ia), toKey(ib)], { reason: `merged by staff: ${a.member_id} and ${b.member_id}`, actor });
    return buildProfile(merchantId, tx, (await findMember(merchantId, tx, survivor))!, 50);
  });
  return masksPhones(principal) ? maskProfile(profile) : profile;
}

function toKey(row: IdentityRow): IdentityKey {
  return { kind: row.kind, value: row.value };
}
