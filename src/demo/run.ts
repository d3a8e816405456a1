import { createHash } from 'node:crypto';
import { changeOfferState } from '../offers/offers.js';
import { addDays, localDate } from '../offers/validity.js';
import { inDirectory, inTenant, type Db } from '../platform/db.js';
import { keepStatistics } from '../platform/statistics.js';
import { DEFAULT_MERCHANT_NAME, TIMEZONE } from './catalog.js';
import { demoSummary, merchantOfLogin } from './queries.js';
import { Random, seedOf } from './random.js';
import { calendarEndingOn, createWorld, loadWorld } from './setup.js';
import { SIZES, Simulation, type Scale, type SizeName } from './simulate.js';
import { CountingSink, type SinkCounts } from './sink.js';
import { DomainTraffic } from './traffic.js';

/** `reservoir demo`: a believable merchant with a year of trade, loaded through the domain. */

export const DEMO_PASSWORD = 'reservoir-demo';

export interface DemoOptions {
  size: SizeName;
  merchantName?: string;
  publicUrl: string;
  /** The simulated year ends at this instant (default: now). */
  now?: Date;
  /** Person scripts at a time; PGlite serialises anyway. */
  concurrency?: number;
  /** When given, planner statistics are kept up between days (platform/statistics.ts), as `serve` keeps them. */
  databaseKind?: 'pglite' | 'postgres';
  /** Override parts of the size (tests use a smaller year). */
  scale?: Partial<Scale>;
  days?: number;
  onStart?: (totalDays: number, merchantId: string) => void;
  onDay?: (day: number, date: string, counts: SinkCounts) => void | Promise<void>;
}

export interface DemoResult {
  created: boolean;
  merchantId: string;
  merchantName: string;
  ownerEmail: string;
  ownerPassword: string;
  counts: SinkCounts | null;
  refusals: Record<string, number>;
  seconds: number;
  /** For an existing demo: what it holds, and whether an earlier load stopped before the end. */
  existing?: { orders: number; members: number; lastOrderDate: string | null; complete: boolean };
}

/** The owner's sign-in: fixed for the default demo, one per name for others (emails are unique). */
export function demoOwnerEmail(merchantName: string): string {
  if (merchantName === DEFAULT_MERCHANT_NAME) return 'demo@reservoir.example';
  return `demo-${createHash('sha256').update(merchantName).digest('hex').slice(0, 8)}@reservoir.example`;
}

export async function runDemo(db: Db, options: DemoOptions): Promise<DemoResult> {
  const started = performance.now();
  const merchantName = options.merchantName ?? DEFAULT_MERCHANT_NAME;
  const ownerEmail = demoOwnerEmail(merchantName);
  const now = options.now ?? new Date();
  const days = options.days ?? 365;
  const calendar = calendarEndingOn(localDate(now, TIMEZONE), days);

  // Idempotent: the demo's owner login names the merchant. A second run reports it instead of
  // loading the year again (its customers would be new people, not the same ones).
  const found = await inDirectory(db, (tx) => merchantOfLogin(tx, ownerEmail));
  if (found) {
    const existing = await describeExisting(db, found);
    return { created: false, merchantId: found, merchantName, ownerEmail, ownerPassword: DEMO_PASSWORD, counts: null, refusals: {}, seconds: 0, existing };
  }

  const scale = { ...SIZES[options.size], ...options.scale };
  const random = new Random(seedOf(`${merchantName}/${options.size}`));
  const world = await createWorld(db, { merchantName, ownerEmail, ownerPassword: DEMO_PASSWORD, publicUrl: options.publicUrl, calendar, slotCapacity: scale.slotCapacity, random });
  const traffic = new DomainTraffic(db, world, { clickBatch: 5000 });
  const simulation = new Simulation(world, traffic, {
    calendar,
    scale,
    seed: random.int(1, 2 ** 30),
    now: now.getTime(),
    concurrency: options.concurrency ?? 4,
    eventBatchSize: 500,
    onDay: async (day, date) => {
      if (options.databaseKind) await keepStatistics(db, options.databaseKind);
      await options.onDay?.(day, date, traffic.counts);
    },
  });
  options.onStart?.(days, world.merchantId);
  await simulation.run();

  // Seasonal offers whose dates are over are ended, as an owner tidies up after the season.
  for (const [key, offer] of world.offers) {
    if ((key === 'mooncake' || key === 'newyear' || key === 'opening') && offer.runs.untilDay < days - 1) await changeOfferState(db, world.merchantId, offer.offerId, 'ended');
  }
  return {
    created: true,
    merchantId: world.merchantId,
    merchantName,
    ownerEmail,
    ownerPassword: DEMO_PASSWORD,
    counts: traffic.counts,
    refusals: Object.fromEntries(traffic.refusals),
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * One more day (yesterday's, arriving late) of new people at an existing demo merchant, through the same paths: what the
 * analytics benchmark uses as "a batch of new events". `persons` people arrive today (and
 * bounce visitors in proportion); returns what was written.
 */
export async function addTraffic(db: Db, merchantId: string, options: { persons: number; seed: number; now?: Date; concurrency?: number }): Promise<SinkCounts> {
  const now = options.now ?? new Date();
  // Yesterday, all of it already past (a sale may not be more than an hour ahead of now).
  const calendar = calendarEndingOn(localDate(new Date(now.getTime() - 86_400_000), TIMEZONE), 1);
  const world = await loadWorld(db, merchantId, calendar);
  const traffic = new DomainTraffic(db, world, { clickBatch: 5000 });
  const large = SIZES.large;
  const f = options.persons / large.persons;
  const scale: Scale = { ...large, persons: options.persons, bounceVisitors: Math.round(large.bounceVisitors * f), walkInOrders: Math.round(large.walkInOrders * f) };
  await new Simulation(world, traffic, { calendar, scale, seed: options.seed, now: now.getTime(), concurrency: options.concurrency ?? 4, eventBatchSize: 500 }).run();
  return traffic.counts;
}

/** What the simulation would write, without a database (for tuning sizes). */
export async function dryRun(size: SizeName, now = new Date(), onDay?: (day: number, counts: SinkCounts) => void): Promise<SinkCounts> {
  const calendar = calendarEndingOn(localDate(now, TIMEZONE), 365);
  const sink = new CountingSink();
  const { OFFERS, LINKS, CHANNELS } = await import('./catalog.js');
  const offers = new Map(OFFERS.map((spec) => [spec.key, { spec, runs: { fromDay: spec.key === 'mooncake' ? 280 : spec.key === 'newyear' ? 60 : spec.key === 'opening' ? 113 : 0, untilDay: spec.key === 'mooncake' ? 308 : spec.key === 'newyear' ? 87 : spec.key === 'opening' ? 180 : 364 } }]));
  const links = LINKS.map((l) => ({ channelIdx: CHANNELS.findIndex((c) => c.key === l.channel), campaign: l.campaign, offerKey: l.offer, weight: l.weight }));
  const slots = Array.from({ length: 110 }, (_, i) => ({ slotId: `slt_${i}`, storeIdx: i % 2, startsAt: calendar.startOf(Math.floor(i / 2) * 7) + 14 * 3_600_000 }));
  await new Simulation({ links, offers, slots }, sink, { calendar, scale: SIZES[size], seed: 7, now: now.getTime(), concurrency: 1, eventBatchSize: 500, ...(onDay ? { onDay: (day: number) => onDay(day, sink.counts) } : {}) }).run();
  return sink.counts;
}

async function describeExisting(db: Db, merchantId: string) {
  const summary = await inTenant(db, merchantId, (tx) => demoSummary(merchantId, tx, TIMEZONE));
  // The year ends the day the demo was made; a load that stopped early has no sales near it.
  const complete = summary.lastOrderDate !== null && summary.lastOrderDate >= addDays(summary.createdDate, -3);
  return { orders: summary.orders, members: summary.members, lastOrderDate: summary.lastOrderDate, complete };
}

/** What `reservoir demo` prints when it is done. */
export function describeDemo(result: DemoResult, publicUrl: string): string {
  const signIn = [`Sign in at ${publicUrl}/signin`, `  email:    ${result.ownerEmail}`, `  password: ${result.ownerPassword}`];
  if (!result.created) {
    const e = result.existing!;
    const state = e.complete
      ? `It is already loaded (${e.orders} orders, ${e.members} members); nothing was added.`
      : `An earlier load stopped on ${e.lastOrderDate ?? 'its first day'} (${e.orders} orders so far); it is left as it is. Load a fresh one with --merchant <another name>, or into an empty database.`;
    return [`Demo merchant ${result.merchantName} (${result.merchantId}) exists in this database.`, state, '', ...signIn].join('\n');
  }
  const c = result.counts!;
  const refused = Object.entries(result.refusals).map(([code, n]) => `${n} ${code}`).join(', ');
  return [
    `Created demo merchant ${result.merchantName} (${result.merchantId}) in ${result.seconds.toFixed(0)} s:`,
    `  6 stores, 6 channels with monthly costs, 13 links, 7 offers`,
    `  ${c.clicks} clicks, ${c.events} events, ${c.claims} coupons claimed, ${c.counterRedemptions} counter redemptions (${c.undone} undone)`,
    `  ${c.orders} orders, ${c.refunds} refunds, ${c.voids} voids${refused ? `; refused by the rules, as for real customers: ${refused}` : ''}`,
    '',
    ...signIn,
  ].join('\n');
}
