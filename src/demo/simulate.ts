import { fakerZH_CN as faker } from '@faker-js/faker';
import { encodeTime } from 'ulidx';
import { BROWSE_HOURS, CHANNELS, DIRECT_SHARE, PAYMENT_MIX, PHONE_PREFIXES, PRODUCTS, SALE_HOURS, STORES, tradeOf, type DemoOffer, type SeasonKey } from './catalog.js';
import { Random } from './random.js';
import type { Calendar } from './setup.js';
import type { DemoClick, DemoEvent, Sink } from './sink.js';

/**
 * A year of a bakery chain's customers, day by day: people arrive through a channel's link (or
 * walk in), browse, claim coupons, visit a store, buy, come back less and less often, log in
 * to the mini-program on a second phone. Every decision is drawn from a seeded source; every
 * action goes to a Sink. What people do depends only on the simulation; what the domain
 * answers (a coupon code, a refused claim) feeds back into what they can do next.
 */

export interface OrderItemInput {
  name: string;
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

export interface Scale {
  /** People who arrive over the year (each becomes at least one member, most of them). */
  persons: number;
  /** Visitors who click a link and leave: never members, only the funnel's first step. */
  bounceVisitors: number;
  /** Mean events per online session. */
  eventsPerSession: number;
  /** Sales to people who give no phone and use no coupon, over the year. */
  walkInOrders: number;
  /** Places in one cake-class slot. */
  slotCapacity: number;
}

const LARGE: Scale = { persons: 1_000_000, bounceVisitors: 620_000, eventsPerSession: 8.4, walkInOrders: 55_000, slotCapacity: 40 };

function scaled(f: number): Scale {
  return {
    persons: Math.round(LARGE.persons * f),
    bounceVisitors: Math.round(LARGE.bounceVisitors * f),
    eventsPerSession: LARGE.eventsPerSession,
    walkInOrders: Math.round(LARGE.walkInOrders * f),
    slotCapacity: Math.max(12, Math.ceil(LARGE.slotCapacity * f)),
  };
}

/** tiny: tests; small: what a new user sees; medium: PGlite benchmark; large: the PostgreSQL benchmark. */
export const SIZES = { tiny: scaled(0.0004), small: scaled(0.002), medium: scaled(0.03), large: LARGE } satisfies Record<string, Scale>;
export type SizeName = keyof typeof SIZES;

export interface SimWorld {
  links: { channelIdx: number; campaign: string | null; offerKey: string | null; weight: number }[];
  offers: Map<string, { spec: DemoOffer; runs: { fromDay: number; untilDay: number } }>;
  slots: { slotId: string; storeIdx: number; startsAt: number }[];
}

const enum Kind {
  Entry,
  Visit,
  Redeem,
  Browse,
}

interface Task {
  p: number;
  kind: Kind;
  coupon?: Held;
}

interface Held {
  code: string;
  offerKey: string;
  validUntil: number;
  storeIdx: number | null;
  slotAt: number | null;
  claimedAt: number;
}

const F_PHONE_ONLINE = 1;
const F_PHONE_TILL = 2;
const F_IDENTIFIED = 4;
const F_DEVICE2 = 8;
const F_REGULAR = 16;
const F_BUYER = 32;
/** The second phone has logged in: its visitor id belongs to the person's member. */
const F_DEVICE2_LINKED = 64;

const HOUR = 3_600_000;
const MINUTE = 60_000;
const DAY = 86_400_000;

export interface SimulationOptions {
  calendar: Calendar;
  scale: Scale;
  seed: number;
  /** Nothing happens after this instant (the last day of the calendar is today). */
  now: number;
  /** Person scripts run this many at a time (PGlite has one connection: 1). */
  concurrency: number;
  eventBatchSize: number;
  /** After each day; the next day waits for a returned promise. */
  onDay?: (day: number, date: string) => void | Promise<void>;
}

export class Simulation {
  readonly #o: SimulationOptions;
  readonly #world: SimWorld;
  readonly #sink: Sink;
  readonly #random: Random;
  readonly #channel: Int8Array;
  readonly #link: Int16Array;
  readonly #home: Int8Array;
  readonly #flags: Uint8Array;
  readonly #purchases: Uint8Array;
  readonly #agenda: Task[][];
  #bounceSeq = 0;
  #orderSeq = 0;
  #lateEvents: DemoEvent[] = [];
  #dayClicks: DemoClick[] = [];
  #dayEvents: DemoEvent[] = [];
  readonly #linksOfChannel: number[][];
  readonly #salt: string;

  constructor(world: SimWorld, sink: Sink, options: SimulationOptions) {
    this.#o = options;
    this.#world = world;
    this.#sink = sink;
    this.#random = new Random(options.seed);
    this.#salt = encodeTime(options.seed % 2 ** 40, 4);
    const n = options.scale.persons;
    this.#channel = new Int8Array(n);
    this.#link = new Int16Array(n);
    this.#home = new Int8Array(n);
    this.#flags = new Uint8Array(n);
    this.#purchases = new Uint8Array(n);
    this.#agenda = Array.from({ length: options.calendar.days }, () => []);
    this.#linksOfChannel = CHANNELS.map((_, c) => world.links.flatMap((l, i) => (l.channelIdx === c ? [i] : [])));
    this.#populate();
  }

  /** Who arrives when and through which channel: arrivals follow the calendar and a growing trend. */
  #populate(): void {
    const r = this.#random.fork(1);
    const { days } = this.#o.calendar;
    const weights = Array.from({ length: days }, (_, d) => this.#traffic(d) * (0.75 + (0.5 * d) / days));
    const cumulative: number[] = [];
    let total = 0;
    for (const w of weights) cumulative.push((total += w));
    const channelWeights = [...CHANNELS.map((c) => c.share * (1 - DIRECT_SHARE)), DIRECT_SHARE];
    for (let p = 0; p < this.#o.scale.persons; p++) {
      const x = r.next() * total;
      let lo = 0;
      let hi = days - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid]! < x) lo = mid + 1;
        else hi = mid;
      }
      const c = r.weighted(channelWeights);
      const channel = c === CHANNELS.length ? -1 : c;
      this.#channel[p] = channel;
      this.#link[p] = channel < 0 ? -1 : this.#pickLink(r, channel, lo);
      this.#home[p] = this.#pickStore(r, lo);
      if (r.chance(0.06)) this.#flags[p]! |= F_REGULAR;
      this.#agenda[lo]!.push({ p, kind: channel < 0 ? Kind.Visit : Kind.Entry });
    }
  }

  #traffic(day: number): number {
    return tradeOf(this.#o.calendar.dateOf(day)).traffic;
  }

  #pickLink(r: Random, channel: number, day: number): number {
    const links = this.#linksOfChannel[channel]!;
    const weights = links.map((i) => {
      const l = this.#world.links[i]!;
      if (!l.offerKey) return l.weight;
      const offer = this.#world.offers.get(l.offerKey);
      return offer && day >= offer.runs.fromDay && day <= offer.runs.untilDay ? l.weight * (l.offerKey === 'mooncake' || l.offerKey === 'opening' ? 4 : 1) : 0;
    });
    return weights.some((w) => w > 0) ? links[r.weighted(weights)]! : links[0]!;
  }

  #pickStore(r: Random, day: number): number {
    return r.weighted(STORES.map((s) => (day >= s.opensOnDay ? s.weight : 0)));
  }

  async run(): Promise<void> {
    for (let day = 0; day < this.#o.calendar.days; day++) {
      await this.#runDay(day);
      await this.#o.onDay?.(day, this.#o.calendar.dateOf(day));
    }
    // Events still on their way at the end arrive now.
    await this.#flushEvents(this.#lateEvents);
    this.#lateEvents = [];
  }

  async #runDay(day: number): Promise<void> {
    const r = this.#random.fork(1000 + day);
    const tasks = this.#agenda[day]!;
    this.#agenda[day] = [];
    this.#dayClicks = [];
    // Yesterday's late events (sent by phones that were offline) arrive with today's.
    this.#dayEvents = this.#lateEvents;
    this.#lateEvents = [];
    this.#bounces(r, day);

    // Clicks and browsing come first: a claim or sale later in the day finds its tap stored.
    const scripts = new Map<number, (() => Promise<void>)[]>();
    for (const task of tasks) {
      const script = this.#plan(task, day, r.fork(task.p));
      if (!script) continue;
      const list = scripts.get(task.p);
      if (list) list.push(script);
      else scripts.set(task.p, [script]);
    }
    const walkIns = r.poisson((this.#o.scale.walkInOrders / this.#o.calendar.days) * this.#traffic(day));
    for (let i = 0; i < walkIns; i++) {
      const wr = r.fork(9_000_000 + i);
      scripts.set(-1 - i, [() => this.#walkIn(wr, day)]);
    }

    const now = this.#o.now;
    await this.#sink.clicks(this.#dayClicks.filter((c) => c.at <= now));
    await this.#flushEvents(this.#dayEvents.filter((e) => Date.parse(e.timestamp as string) <= now));
    // One person's actions of the day run in order; different people run side by side.
    const queue = [...scripts.values()];
    let next = 0;
    const worker = async () => {
      while (next < queue.length) {
        const steps = queue[next++]!;
        for (const step of steps) await step();
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.#o.concurrency) }, worker));
  }

  async #flushEvents(events: DemoEvent[]): Promise<void> {
    const size = this.#o.eventBatchSize;
    const batches: DemoEvent[][] = [];
    for (let i = 0; i < events.length; i += size) batches.push(events.slice(i, i + size));
    let next = 0;
    const worker = async () => {
      while (next < batches.length) await this.#sink.events(batches[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(2, Math.max(1, this.#o.concurrency)) }, worker));
  }

  // ---- people

  #visitor(p: number, device: number): string {
    // A ULID-shaped visitor id, unique per person and device, fixed for the whole simulation.
    return `vis_${this.#salt}${device}${p.toString(32).toUpperCase().replace(/[ILOU]/g, (ch) => ({ I: 'W', L: 'X', O: 'Y', U: 'Z' })[ch]!).padStart(21, '0')}`;
  }

  #phone(p: number): string {
    const prefix = PHONE_PREFIXES[p % PHONE_PREFIXES.length]!;
    // Multiplying by a number prime to 10^8 spreads consecutive people over the number space.
    const rest = (Math.floor(p / PHONE_PREFIXES.length) * 7919 + 31_415_926 + this.#o.seed) % 100_000_000;
    return `${prefix}${String(rest).padStart(8, '0')}`;
  }

  #userId(p: number): string {
    return `wx_o${(p * 2654435761 >>> 0).toString(36)}${p.toString(36)}`;
  }

  #at(r: Random, day: number, hours: readonly number[]): number {
    return this.#o.calendar.startOf(day) + r.weighted(hours) * HOUR + r.int(0, 59) * MINUTE + r.int(0, 59) * 1000;
  }

  #bounces(r: Random, day: number): void {
    const count = r.poisson((this.#o.scale.bounceVisitors / this.#o.calendar.days) * this.#traffic(day));
    for (let i = 0; i < count; i++) {
      const channel = r.weighted(CHANNELS.map((c) => c.share));
      const link = this.#pickLink(r, channel, day);
      const visitor = this.#visitor(this.#o.scale.persons + this.#bounceSeq++, 9);
      const at = this.#at(r, day, BROWSE_HOURS);
      const clicks = r.chance(0.12) ? 2 : 1;
      for (let k = 0; k < clicks; k++) this.#click(r, link, visitor, at + k * r.int(1, 30) * MINUTE);
    }
  }

  #click(r: Random, linkIdx: number, visitorId: string, at: number): void {
    const channel = CHANNELS[this.#world.links[linkIdx]!.channelIdx]!;
    const isScan = r.chance(channel.scanShare);
    this.#dayClicks.push({
      clickId: `clk_${encodeTime(at, 10)}${visitorId.slice(-12)}${(this.#dayClicks.length % 32768).toString(32).toUpperCase().replace(/[ILOU]/g, 'Z').padStart(4, '0')}`,
      linkIdx,
      visitorId,
      at,
      isScan,
      uaFamily: isScan ? r.pick(['WeChat', 'Alipay', 'WeChat']) : r.pick(channel.uaFamilies),
      referrer: isScan || !channel.referrer ? null : `${channel.referrer}${r.int(10_000, 99_999)}`,
      ip: `${r.pick(['101.87', '116.228', '180.169', '223.104', '114.86', '58.246'])}.${r.int(0, 255)}.${r.int(1, 254)}`,
    });
  }

  /** One online session: a page view, then products and offers looked at. */
  #session(r: Random, p: number, day: number, at: number, device: number, opts: { landing?: string; identify?: boolean }): void {
    const anonymousId = this.#visitor(p, device);
    // A phone that has not logged in yet sends anonymous events only.
    const flags = this.#flags[p]!;
    const identified = (flags & F_IDENTIFIED) !== 0 && (device === 1 || (flags & F_DEVICE2_LINKED) !== 0);
    const base = (t: number) => ({
      anonymousId,
      ...(identified ? { userId: this.#userId(p) } : {}),
      timestamp: new Date(t).toISOString(),
      messageId: `ajs-${encodeTime(t, 10)}-${anonymousId.slice(-10)}-${r.int(0, 2 ** 30).toString(36)}`,
      context: {
        locale: 'zh-CN',
        library: { name: 'analytics.js', version: '5.2.0' },
        userAgent: device === 1 ? 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.49' : 'Mozilla/5.0 (Linux; Android 14; PJZ110) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36',
      },
    });
    const out: DemoEvent[] = [];
    out.push({ ...base(at), type: 'page', name: opts.landing ?? '首页', properties: { path: opts.landing ? '/o' : '/', title: opts.landing ?? '麦香里烘焙' } });
    let t = at;
    const more = Math.min(40, r.poisson(Math.max(0, this.#o.scale.eventsPerSession - 1)));
    for (let i = 0; i < more; i++) {
      t += r.int(5, 90) * 1000;
      const x = r.next();
      if (x < 0.55) {
        const product = r.pick(PRODUCTS);
        out.push({ ...base(t), type: 'track', event: 'Product Viewed', properties: { product_id: product.sku, name: product.name, price: product.priceCents / 100, currency: 'CNY' } });
      } else if (x < 0.72) {
        out.push({ ...base(t), type: 'page', name: r.pick(['门店列表', '新品', '蛋糕预订', '会员中心']), properties: {} });
      } else if (x < 0.86) {
        out.push({ ...base(t), type: 'track', event: 'Offer Viewed', properties: {} });
      } else if (x < 0.95) {
        out.push({ ...base(t), type: 'track', event: 'Store Locator Opened', properties: { store: STORES[this.#home[p]!]!.name } });
      } else {
        const product = r.pick(PRODUCTS);
        out.push({ ...base(t), type: 'track', event: 'Product Added', properties: { product_id: product.sku, quantity: 1 } });
      }
    }
    if (opts.identify) {
      // Logging in to the mini-program: the userId, and the phone the account was made with.
      this.#flags[p]! |= F_IDENTIFIED | F_PHONE_ONLINE | (device === 2 ? F_DEVICE2_LINKED : 0);
      out.push({
        ...base(t + 20_000),
        userId: this.#userId(p),
        type: 'identify',
        traits: { phone: this.#phone(p), name: faker.person.fullName(), city: '上海' },
      });
    }
    // A few phones are offline for a while: their events arrive a day late.
    if (r.chance(0.03)) this.#lateEvents.push(...out);
    else this.#dayEvents.push(...out);
  }

  // ---- a person's day

  #plan(task: Task, day: number, r: Random): (() => Promise<void>) | null {
    switch (task.kind) {
      case Kind.Entry:
        return this.#entry(task.p, day, r);
      case Kind.Browse:
        return this.#browse(task.p, day, r);
      case Kind.Visit:
        return () => this.#visit(task.p, day, r, null);
      case Kind.Redeem:
        return () => this.#visit(task.p, day, r, task.coupon!);
    }
  }

  #entry(p: number, day: number, r: Random): (() => Promise<void>) | null {
    const channel = CHANNELS[this.#channel[p]!]!;
    const linkIdx = this.#link[p]!;
    const link = this.#world.links[linkIdx]!;
    const at = this.#at(r, day, BROWSE_HOURS);
    const visitor = this.#visitor(p, 1);
    this.#click(r, linkIdx, visitor, at);
    if (r.chance(0.35)) this.#click(r, r.chance(0.7) ? linkIdx : this.#pickLink(r, this.#channel[p]!, day), visitor, at + r.int(2, 600) * MINUTE);
    const offerKey = link.offerKey && this.#offerRuns(link.offerKey, day) ? link.offerKey : null;
    this.#session(r, p, day, at + 3000, 1, { ...(offerKey ? { landing: this.#world.offers.get(offerKey)!.spec.name } : {}), identify: r.chance(0.18) });
    if (r.chance(0.3)) this.#schedule(p, day + 1 + Math.floor(r.exponential(25)), Kind.Browse);

    const trade = tradeOf(this.#o.calendar.dateOf(day));
    const claims = r.chance(Math.min(0.9, 0.72 * channel.claim * trade.claims));
    if (!claims) {
      if (r.chance(0.8 * channel.buyWithout)) this.#schedule(p, day + this.#lag(r), Kind.Visit);
      return null;
    }
    const key = offerKey ?? this.#everydayOffer(r, day);
    return () => this.#claim(p, day, r, key, at + r.int(1, 8) * MINUTE, 1, channel.redeem);
  }

  #browse(p: number, day: number, r: Random): (() => Promise<void>) | null {
    const flags = this.#flags[p]!;
    const at = this.#at(r, day, BROWSE_HOURS);
    // Some come back through another tap: the retargeting that last-touch attribution sees.
    const viaTap = r.chance(0.35) && this.#channel[p]! >= 0;
    // A second phone browses anonymously first (its own member), and merges when it logs in on
    // a later day; a login in the same batch as the browsing would never show as a merge.
    const unlinked = (flags & F_DEVICE2) !== 0 && (flags & F_DEVICE2_LINKED) === 0;
    const newPhone = !unlinked && (flags & F_IDENTIFIED) !== 0 && (flags & F_DEVICE2) === 0 && r.chance(0.3);
    const device = unlinked || newPhone ? 2 : 1;
    if (newPhone) {
      this.#flags[p]! |= F_DEVICE2;
      this.#schedule(p, day + 1 + Math.floor(r.exponential(6)), Kind.Browse);
    }
    if (viaTap) {
      const channel = r.chance(0.6) ? this.#channel[p]! : r.weighted(CHANNELS.map((c) => c.share));
      this.#click(r, this.#pickLink(r, channel, day), this.#visitor(p, device), at - r.int(1, 5) * 1000);
    }
    // A second phone is anonymous until its owner logs in: then the two members merge.
    const identify = unlinked ? r.chance(0.75) : !newPhone && (flags & F_IDENTIFIED) === 0 && r.chance(0.3);
    this.#session(r, p, day, at, device, { identify });
    if (r.chance(0.3)) this.#schedule(p, day + 1 + Math.floor(r.exponential(30)), Kind.Browse);
    if (!r.chance(0.16)) return null;
    const key = this.#everydayOffer(r, day);
    const channelIdx = this.#channel[p]!;
    return () => this.#claim(p, day, r, key, at + r.int(1, 10) * MINUTE, device, channelIdx >= 0 ? CHANNELS[channelIdx]!.redeem : 0.5);
  }

  #offerRuns(key: string, day: number): boolean {
    const offer = this.#world.offers.get(key);
    return offer !== undefined && day >= offer.runs.fromDay && day <= offer.runs.untilDay;
  }

  #everydayOffer(r: Random, day: number): string {
    const seasonal = ['mooncake', 'newyear', 'opening'].filter((k) => this.#offerRuns(k, day));
    if (seasonal.length > 0 && r.chance(0.5)) return r.pick(seasonal);
    const x = r.next();
    if (x < 0.4) return 'welcome';
    if (x < 0.68) return 'tuesday';
    if (x < 0.93) return 'coffee';
    return this.#world.offers.has('diy') ? 'diy' : 'coffee';
  }

  /** Days from a claim (or first look) to the store visit: most within the week. */
  #lag(r: Random): number {
    const x = r.next();
    if (x < 0.27) return 0;
    if (x < 0.43) return 1;
    if (x < 0.62) return r.int(2, 3);
    if (x < 0.83) return r.int(4, 7);
    if (x < 0.95) return r.int(8, 14);
    return r.int(15, 40);
  }

  #schedule(p: number, day: number, kind: Kind, coupon?: Held): void {
    if (day < this.#o.calendar.days) this.#agenda[day]!.push(coupon ? { p, kind, coupon } : { p, kind });
  }

  async #claim(p: number, day: number, r: Random, offerKey: string, at: number, device: number, redeemChance: number): Promise<void> {
    if (at > this.#o.now) return;
    const offer = this.#world.offers.get(offerKey);
    if (!offer) return;
    let slot: SimWorld['slots'][number] | undefined;
    if (offer.spec.kind === 'booking') {
      const ahead = this.#world.slots.filter((s) => s.startsAt > at + DAY && s.startsAt < at + 21 * DAY);
      if (ahead.length === 0) return;
      slot = r.pick(ahead);
    }
    const coupon = await this.#sink.claim({ offerKey, phone: `+86${this.#phone(p)}`, visitorId: this.#visitor(p, device), slotId: slot?.slotId ?? null, at });
    if (!coupon) return;
    this.#flags[p]! |= F_PHONE_ONLINE;
    if (!r.chance(redeemChance * ((this.#flags[p]! & F_BUYER) !== 0 ? 1.15 : 1))) return;
    const held: Held = {
      code: coupon.code,
      offerKey,
      validUntil: coupon.validUntil,
      storeIdx: slot ? slot.storeIdx : offer.spec.stores ? offer.spec.stores[0]! : null,
      slotAt: slot ? slot.startsAt : null,
      claimedAt: at,
    };
    const redeemDay = slot ? Math.floor((slot.startsAt - this.#o.calendar.startOf(0)) / DAY) : day + this.#lag(r);
    if (redeemDay === day) await this.#visit(p, day, r, held);
    else this.#schedule(p, redeemDay, Kind.Redeem, held);
  }

  /** A store visit: a purchase, with a coupon when there is one. */
  async #visit(p: number, day: number, r: Random, coupon: Held | null): Promise<void> {
    const only = coupon?.storeIdx ?? null;
    // A coupon for a store that has not opened yet is kept for its opening day.
    if (only !== null && day < STORES[only]!.opensOnDay) return this.#schedule(p, STORES[only]!.opensOnDay, Kind.Redeem, coupon!);
    let storeIdx = only ?? (r.chance(0.85) ? this.#home[p]! : this.#pickStore(r, day));
    if (day < STORES[storeIdx]!.opensOnDay) storeIdx = this.#pickStore(r, day);
    let at = coupon?.slotAt != null ? coupon.slotAt + r.int(0, 15) * MINUTE : this.#at(r, day, coupon?.offerKey === 'coffee' ? [0, 0, 0, 0, 0, 0, 0, 6, 9, 5, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] : SALE_HOURS);
    // Someone who claims in the evening and comes the same day comes after claiming.
    if (coupon && at < coupon.claimedAt + 20 * MINUTE) at = coupon.claimedAt + r.int(20, 120) * MINUTE;
    if (at > this.#o.now) return;
    if (coupon && at >= coupon.validUntil) return; // it ran out before they came
    const flags = this.#flags[p]!;
    const known = (flags & (F_PHONE_ONLINE | F_PHONE_TILL)) !== 0;
    // At the till the clerk asks for the member's phone; most give it, some only show the coupon.
    const givesPhone = known ? r.chance(coupon ? 0.7 : 0.85) : r.chance(coupon ? 0.5 : 0.72);
    if (givesPhone) this.#flags[p]! |= F_PHONE_TILL;
    const member = givesPhone ? { phone: this.#phone(p) } : null;

    const spec = coupon ? this.#world.offers.get(coupon.offerKey)!.spec : null;
    const codes: string[] = [];
    if (coupon && spec && (spec.kind === 'free_item' || spec.kind === 'booking')) {
      const redemptionId = await this.#sink.redeemAtCounter({ code: coupon.code, storeIdx, at, requestId: `req-${coupon.code}` });
      if (!redemptionId) return;
      if (r.chance(0.01)) {
        // Confirmed at the wrong store's till by mistake, undone on the spot, and confirmed again.
        await this.#sink.undoRedemption({ redemptionId, storeIdx, at: at + MINUTE });
        at += 2 * MINUTE;
        if (!(await this.#sink.redeemAtCounter({ code: coupon.code, storeIdx, at, requestId: `req-${coupon.code}-again` }))) return;
      }
      // The free coffee or the class is the visit; many buy something with it.
      if (!r.chance(spec.kind === 'booking' ? 0.55 : 0.6)) return this.#afterPurchase(p, day, r);
      codes.push(coupon.code);
      at += r.int(1, 10) * MINUTE;
    } else if (coupon) {
      codes.push(coupon.code);
    }

    const seasons = tradeOf(this.#o.calendar.dateOf(day)).seasons;
    const items = basket(r, seasons, spec?.kind === 'amount_off' || spec?.kind === 'percent_off' ? (spec.minSpendCents ?? 0) : 0, coupon?.offerKey === 'mooncake');
    const subtotal = items.reduce((s, i) => s + i.quantity * i.unitPriceCents, 0);
    const discount =
      spec?.kind === 'amount_off' ? Math.min(subtotal, spec.amountOffCents!) : spec?.kind === 'percent_off' ? Math.min(Math.floor((subtotal * spec.percentOff!) / 100), spec.maxDiscountCents ?? Infinity) : 0;
    const orderId = await this.#sink.order({
      storeIdx,
      at,
      externalId: `POS${storeIdx + 1}-${this.#o.calendar.dateOf(day).replaceAll('-', '')}-${++this.#orderSeq}`,
      items,
      discountCents: discount,
      paymentMethod: payment(r, subtotal - discount, member !== null),
      member,
      couponCodes: codes,
    });
    if (orderId) await this.#afterSale(r, orderId, subtotal - discount, items);
    this.#afterPurchase(p, day, r);
  }

  /** Retention decays with every visit; regulars keep coming back. */
  #afterPurchase(p: number, day: number, r: Random): void {
    const k = this.#purchases[p]!;
    if (k < 255) this.#purchases[p] = k + 1;
    this.#flags[p]! |= F_BUYER;
    const regular = (this.#flags[p]! & F_REGULAR) !== 0;
    const again = regular ? 0.8 * 0.98 ** k : 0.24 * 0.85 ** k;
    if (!r.chance(again)) return;
    const gap = regular ? 2 + Math.floor(r.exponential(9)) : 3 + Math.floor(r.exponential(24));
    this.#schedule(p, day + gap, Kind.Visit);
  }

  async #afterSale(r: Random, orderId: string, total: number, items: OrderItemInput[]): Promise<void> {
    if (total > 0 && r.chance(0.004)) return this.#sink.voidOrder({ orderId, reason: '收银重复录入' });
    if (total > 0 && r.chance(0.012)) {
      const line = r.pick(items);
      const partial = items.length > 1 && r.chance(0.6) ? Math.min(total, line.unitPriceCents) : null;
      await this.#sink.refund({ orderId, amountCents: partial, reason: partial ? r.pick(['蛋糕运输中损坏', '商品售罄，退回差价', '顾客退货']) : r.pick(['顾客取消预订', '多收款退回']) });
    }
  }

  async #walkIn(r: Random, day: number): Promise<void> {
    const at = this.#at(r, day, SALE_HOURS);
    if (at > this.#o.now) return;
    const storeIdx = this.#pickStore(r, day);
    const items = basket(r, tradeOf(this.#o.calendar.dateOf(day)).seasons, 0, false);
    const subtotal = items.reduce((s, i) => s + i.quantity * i.unitPriceCents, 0);
    const orderId = await this.#sink.order({
      storeIdx,
      at,
      externalId: `POS${storeIdx + 1}-${this.#o.calendar.dateOf(day).replaceAll('-', '')}-${++this.#orderSeq}`,
      items,
      discountCents: 0,
      paymentMethod: payment(r, subtotal, false),
      member: null,
      couponCodes: [],
    });
    if (orderId) await this.#afterSale(r, orderId, subtotal, items);
  }
}

/** A basket of the day's products; seasonal ones sell only in season and sell well then. */
function basket(r: Random, seasons: SeasonKey[], minSpend: number, wantsMooncake: boolean): OrderItemInput[] {
  const weights = PRODUCTS.map((p) => (p.season === undefined ? p.weight : seasons.includes(p.season) ? p.weight * 4 : 0));
  const lines = new Map<number, number>();
  const add = (i: number) => lines.set(i, (lines.get(i) ?? 0) + 1);
  if (wantsMooncake) add(PRODUCTS.findIndex((p) => p.sku === 'GB-MOONCAKE'));
  const count = 1 + Math.min(4, r.poisson(1.1));
  for (let i = 0; i < count; i++) {
    const idx = r.weighted(weights);
    add(idx);
    if (r.chance(0.2)) add(idx);
  }
  let items = [...lines].map(([i, quantity]) => ({ name: PRODUCTS[i]!.name, sku: PRODUCTS[i]!.sku, quantity, unitPriceCents: PRODUCTS[i]!.priceCents }));
  let subtotal = items.reduce((s, i) => s + i.quantity * i.unitPriceCents, 0);
  // Customers with a "spend ¥30, save ¥10" coupon add a loaf to get there.
  while (subtotal < minSpend) {
    const extra = PRODUCTS[r.weighted(PRODUCTS.map((p) => (p.season === undefined ? p.weight : 0)))]!;
    const existing = items.find((i) => i.sku === extra.sku);
    if (existing) existing.quantity++;
    else items = [...items, { name: extra.name, sku: extra.sku, quantity: 1, unitPriceCents: extra.priceCents }];
    subtotal += extra.priceCents;
  }
  return items;
}

function payment(r: Random, total: number, member: boolean): string {
  const weights = PAYMENT_MIX.map(([method, w]) => {
    if (method === 'stored_value') return member ? w * 1.6 : 0;
    if (method === 'bank_card' || method === 'unionpay') return total > 15_000 ? w * 3 : w;
    if (method === 'cash') return total < 2_000 ? w * 1.5 : w;
    return w;
  });
  return PAYMENT_MIX[r.weighted(weights)]![0];
}
