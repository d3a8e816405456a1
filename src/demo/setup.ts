import { fakerZH_CN as faker } from '@faker-js/faker';
import type { Principal } from '../auth/principal.js';
import { createKey } from '../keys/service.js';
import { createMerchantWithOwner } from '../merchants/service.js';
import { changeOfferState, createOffer } from '../offers/offers.js';
import { addSlot } from '../offers/slots.js';
import { addDays, startOfDay } from '../offers/validity.js';
import { findMerchant } from '../merchants/queries.js';
import { inTenant, type Db } from '../platform/db.js';
import { createStaffMember } from '../staff/service.js';
import { createStore } from '../stores/service.js';
import { addCost, createChannel } from '../taps/channels.js';
import { LinkCache } from '../taps/link-cache.js';
import { createLink } from '../taps/links.js';
import { CHANNELS, LINKS, OFFERS, STORES, TIMEZONE, lunarDates, type DemoOffer } from './catalog.js';
import { demoWorldRows } from './queries.js';
import type { Random } from './random.js';

/**
 * Creates the demo merchant the way an owner would in the web app: through the same service
 * functions the API routes call (merchant with owner, stores, staff, channels and their
 * monthly costs, links, offers with slots, the tills' API key).
 */

export interface DemoWorld {
  merchantId: string;
  ownerStaffId: string;
  /** The tills' secret key, as the principal its requests carry. */
  till: Principal;
  storeIds: string[];
  channelIds: string[];
  links: { linkId: string; channelIdx: number; campaign: string | null; offerKey: string | null; weight: number }[];
  offers: Map<string, { offerId: string; spec: DemoOffer; runs: { fromDay: number; untilDay: number } }>;
  slots: { slotId: string; storeIdx: number; startsAt: number }[];
  ipSalt: string;
}

export interface Calendar {
  /** Local date of day 0 of the simulated year; the last day is `today`. */
  firstDate: string;
  days: number;
  dateOf(day: number): string;
  /** The instant a local day begins. */
  startOf(day: number): number;
}

export function calendarEndingOn(today: string, days: number): Calendar {
  const firstDate = addDays(today, -(days - 1));
  const starts = new Map<number, number>();
  return {
    firstDate,
    days,
    dateOf: (day) => addDays(firstDate, day),
    startOf: (day) => {
      let s = starts.get(day);
      if (s === undefined) {
        s = startOfDay(addDays(firstDate, day), TIMEZONE).getTime();
        starts.set(day, s);
      }
      return s;
    },
  };
}

/** The day index of a date inside the calendar (may be outside 0..days-1). */
function dayIndex(cal: Calendar, date: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${cal.firstDate}T00:00:00Z`)) / 86_400_000);
}

/** The seasonal runs inside this year: the Mid-Autumn and Spring Festival that fall in it. */
function seasonalRuns(cal: Calendar): { mooncake: { from: string; until: string } | null; newyear: { from: string; until: string } | null } {
  const lastYear = Number(cal.dateOf(cal.days - 1).slice(0, 4));
  let mooncake: { from: string; until: string } | null = null;
  let newyear: { from: string; until: string } | null = null;
  for (const year of [lastYear - 1, lastYear]) {
    const l = lunarDates(year);
    if (!l) continue;
    const m = { from: addDays(l.midAutumn, -28), until: l.midAutumn };
    if (dayIndex(cal, m.from) >= 0 && dayIndex(cal, m.from) < cal.days) mooncake = m;
    const n = { from: addDays(l.springFestival, -28), until: addDays(l.springFestival, -1) };
    if (dayIndex(cal, n.from) >= 0 && dayIndex(cal, n.from) < cal.days) newyear = n;
  }
  return { mooncake, newyear };
}

export async function createWorld(
  db: Db,
  input: { merchantName: string; ownerEmail: string; ownerPassword: string; publicUrl: string; calendar: Calendar; slotCapacity: number; random: Random },
): Promise<DemoWorld> {
  const cal = input.calendar;
  faker.seed(input.random.int(1, 1_000_000));
  const { merchant, owner } = await createMerchantWithOwner(db, {
    merchantName: input.merchantName,
    ownerName: faker.person.fullName(),
    ownerEmail: input.ownerEmail,
    ownerPassword: input.ownerPassword,
    timezone: TIMEZONE,
    defaultRegion: 'CN',
    currency: 'CNY',
  });
  const merchantId = merchant.id;
  const ownerPrincipal: Principal = { merchantId, via: 'session', role: 'owner', storeIds: null, staffId: owner.id, sessionId: null, keyId: null };

  const storeIds: string[] = [];
  for (const store of STORES) {
    storeIds.push((await createStore(db, merchantId, { name: store.name, address: store.address, phone: store.phone, timezone: TIMEZONE, openingHours: store.openingHours })).id);
  }

  // A manager for the chain and a clerk per store, so the staff page is not empty. Their
  // passwords are random: the demo signs in as the owner.
  const staffPassword = `${faker.string.alphanumeric(16)}-demo`;
  const domain = input.ownerEmail.slice(input.ownerEmail.indexOf('@') + 1);
  const local = input.ownerEmail.slice(0, input.ownerEmail.indexOf('@'));
  await createStaffMember(db, ownerPrincipal, { email: `${local}+manager@${domain}`, name: faker.person.fullName(), role: 'manager', password: staffPassword });
  for (const [i, storeId] of storeIds.entries()) {
    await createStaffMember(db, ownerPrincipal, { email: `${local}+store${i + 1}@${domain}`, name: faker.person.fullName(), role: 'clerk', password: staffPassword, storeIds: [storeId] });
  }

  const channelIds: string[] = [];
  for (const channel of CHANNELS) {
    const created = await createChannel(db, merchantId, { name: channel.name, kind: channel.kind });
    channelIds.push(created.id);
    // One cost row per calendar month the year touches; flyers cost more in mooncake season.
    for (let month = monthStart(cal.firstDate); month <= cal.dateOf(cal.days - 1); month = nextMonth(month)) {
      const busy = channel.kind === 'offline_print' && (month.slice(5, 7) === '09' || month.slice(5, 7) === '01');
      await addCost(db, merchantId, created.id, {
        amountCents: busy ? channel.monthlyCostCents * 2 : channel.monthlyCostCents,
        startsOn: month,
        endsOn: addDays(nextMonth(month), -1),
        note: channel.costNote,
      });
    }
  }

  const runs = seasonalRuns(cal);
  const offers = new Map<string, { offerId: string; spec: DemoOffer; runs: { fromDay: number; untilDay: number } }>();
  const openingDay = STORES.findIndex((s) => s.opensOnDay > 0) >= 0 ? Math.max(...STORES.map((s) => s.opensOnDay)) : 0;
  for (const spec of OFFERS) {
    const dated = spec.key === 'mooncake' ? runs.mooncake : spec.key === 'newyear' ? runs.newyear : null;
    if ((spec.key === 'mooncake' || spec.key === 'newyear') && !dated) continue;
    const offer = await createOffer(db, merchantId, {
      name: spec.name,
      description: spec.description,
      kind: spec.kind,
      ...(spec.amountOffCents !== undefined ? { amountOffCents: spec.amountOffCents } : {}),
      ...(spec.percentOff !== undefined ? { percentOff: spec.percentOff } : {}),
      ...(spec.maxDiscountCents !== undefined ? { maxDiscountCents: spec.maxDiscountCents } : {}),
      ...(spec.freeItem !== undefined ? { freeItem: spec.freeItem } : {}),
      ...(spec.itemValueCents !== undefined ? { itemValueCents: spec.itemValueCents } : {}),
      ...(spec.minSpendCents !== undefined ? { minSpendCents: spec.minSpendCents } : {}),
      ...(spec.validDays !== undefined ? { validDays: spec.validDays } : {}),
      ...(dated ? { validFrom: dated.from, validUntil: dated.until } : {}),
      ...(spec.stores ? { storeIds: spec.stores.map((i) => storeIds[i]!) } : {}),
      ...(spec.perPersonLimit !== undefined ? { perPersonLimit: spec.perPersonLimit } : {}),
    });
    await changeOfferState(db, merchantId, offer.id, 'live');
    const run = dated
      ? { fromDay: dayIndex(cal, dated.from), untilDay: dayIndex(cal, dated.until) }
      : spec.key === 'opening'
        ? { fromDay: openingDay - 7, untilDay: openingDay + 60 }
        : { fromDay: 0, untilDay: cal.days - 1 };
    offers.set(spec.key, { offerId: offer.id, spec, runs: run });
  }

  // Cake-decorating classes: Saturday and Sunday afternoons at the two largest stores, through
  // the year and a month ahead (people book a week or two in advance).
  const slots: DemoWorld['slots'] = [];
  const diy = offers.get('diy');
  if (diy) {
    for (let day = 0; day < cal.days + 30; day++) {
      const date = cal.dateOf(day);
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
      if (weekday !== 0 && weekday !== 6) continue;
      for (const storeIdx of [0, 1]) {
        const startsAt = startOfDay(date, TIMEZONE).getTime() + 14 * 3_600_000;
        const slot = await addSlot(db, merchantId, diy.offerId, {
          storeId: storeIds[storeIdx]!,
          startsAt: new Date(startsAt).toISOString(),
          endsAt: new Date(startsAt + 2 * 3_600_000).toISOString(),
          capacity: input.slotCapacity,
        });
        slots.push({ slotId: slot.id, storeIdx, startsAt });
      }
    }
  }

  const cache = new LinkCache(db, { publicUrl: input.publicUrl, ttlMs: 1000 });
  const links: DemoWorld['links'] = [];
  for (const link of LINKS) {
    const channelIdx = CHANNELS.findIndex((c) => c.key === link.channel);
    const offer = link.offer ? offers.get(link.offer) : undefined;
    if (link.offer && !offer) continue;
    const created = await createLink({ db, publicUrl: input.publicUrl, cache }, merchantId, {
      channelId: channelIds[channelIdx]!,
      destination: offer ? `/o/${offer.offerId}` : '/stores',
      ...(link.campaign ? { campaign: link.campaign } : {}),
    });
    links.push({ linkId: created.id, channelIdx, campaign: link.campaign, offerKey: link.offer, weight: link.weight });
  }

  const { key } = await createKey(db, merchantId, owner.id, { kind: 'secret', name: '门店收银系统 (POS)', role: 'manager' });
  await createKey(db, merchantId, owner.id, { kind: 'publishable', name: '小程序与官网埋点' });
  const till: Principal = { merchantId, via: 'secret_key', role: 'manager', storeIds: null, staffId: null, sessionId: null, keyId: key.id };
  return { merchantId, ownerStaffId: owner.id, till, storeIds, channelIds, links, offers, slots, ipSalt: await saltOf(db, merchantId) };
}

async function saltOf(db: Db, merchantId: string): Promise<string> {
  const row = await inTenant(db, merchantId, (tx) => findMerchant(merchantId, tx));
  return row!.ip_salt;
}

function monthStart(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

function nextMonth(month: string): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/**
 * The world of a demo merchant already in the database, to go on simulating it (the analytics
 * benchmark adds a day of new traffic this way). Stores, channels and offers are matched to the
 * catalogue by name; offers keep running all year.
 */
export async function loadWorld(db: Db, merchantId: string, calendar: Calendar): Promise<DemoWorld> {
  const rows = await inTenant(db, merchantId, (tx) => demoWorldRows(merchantId, tx));
  const storeIds = STORES.map((s) => rows.stores.find((r) => r.name === s.name)?.store_id ?? '');
  const channelIds = CHANNELS.map((c) => rows.channels.find((r) => r.name === c.name)?.channel_id ?? '');
  const offers: DemoWorld['offers'] = new Map();
  for (const spec of OFFERS) {
    const row = rows.offers.find((o) => o.name === spec.name);
    if (row) offers.set(spec.key, { offerId: row.offer_id, spec, runs: { fromDay: 0, untilDay: calendar.days - 1 } });
  }
  const keyOf = new Map([...offers].map(([key, o]) => [o.offerId, key]));
  const links = rows.links.map((l) => ({
    linkId: l.link_id,
    channelIdx: channelIds.indexOf(l.channel_id),
    campaign: l.campaign,
    offerKey: l.destination.startsWith('/o/') ? (keyOf.get(l.destination.slice(3)) ?? null) : null,
    weight: 1,
  }));
  const slots = rows.slots.map((s) => ({ slotId: s.slot_id, storeIdx: storeIds.indexOf(s.store_id), startsAt: s.starts_at.getTime() }));
  const till = rows.keys.find((k) => k.name === '门店收银系统 (POS)');
  if (storeIds.includes('') || channelIds.includes('') || !till) throw new Error(`merchant ${merchantId} is not a demo merchant`);
  return {
    merchantId,
    ownerStaffId: '',
    till: { merchantId, via: 'secret_key', role: till.role, storeIds: null, staffId: null, sessionId: null, keyId: till.key_id },
    storeIds,
    channelIds,
    links,
    offers,
    slots,
    ipSalt: rows.ipSalt,
  };
}
