import { unitStart, unitsBetween, type Asked } from './period.js';
import type {
  AnalyticsPeriod,
  ChannelRoiAnswer,
  ChannelRoiRow,
  FunnelAnswer,
  FunnelRow,
  PaymentMixAnswer,
  PaymentMixRow,
  RepeatAnswer,
  RepeatRow,
  RetentionAnswer,
  RetentionRow,
  StoresAnswer,
  StoresRow,
  StoreVisitsAnswer,
  StoreVisitsRow,
} from './schemas.js';

/**
 * From aggregates to answers. The rollup readers (queries.ts) and the naive readers
 * (naive.ts) produce the same aggregates and share these builders, so the two differ only in
 * where the counts come from — which is what the equivalence test compares.
 */

export interface Labels {
  channels: Map<string, string>;
  links: Map<string, string>;
  offers: Map<string, string>;
  stores: Map<string, string>;
}

export interface Frame {
  asked: Asked;
  timezone: string;
  labels: Labels;
  refreshedAt: Date;
}

type Key = string | null;

export function label(groupBy: string, key: Key, labels: Labels): string {
  switch (groupBy) {
    case 'none':
      return 'All';
    case 'channel':
      return key === null ? 'Direct' : (labels.channels.get(key) ?? key);
    case 'link':
      return key === null ? 'Direct' : (labels.links.get(key) ?? key);
    case 'campaign':
      return key ?? '(no campaign)';
    case 'offer':
      return key === null ? '' : (labels.offers.get(key) ?? key);
    case 'store':
      return key === null ? 'Any store' : (labels.stores.get(key) ?? key);
    default:
      return key ?? '';
  }
}

export function rate(part: number, whole: number | null): number | null {
  return whole === null || whole === 0 ? null : part / whole;
}

function head(frame: Frame) {
  const period: AnalyticsPeriod = { from: frame.asked.from, to: frame.asked.to, timezone: frame.timezone };
  return { period, filters: frame.asked.filters, groupBy: frame.asked.groupBy };
}

/** Largest first by the main number, then by key (none last): a stable order for both readers. */
function byMetric<T extends { key: Key }>(rows: T[], metric: (row: T) => number): T[] {
  return rows.sort((a, b) => metric(b) - metric(a) || compareKeys(a.key, b.key));
}
function byKey<T extends { key: Key }>(rows: T[]): T[] {
  return rows.sort((a, b) => compareKeys(a.key, b.key));
}
function compareKeys(a: Key, b: Key): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
const chronological = (groupBy: string) => groupBy === 'day' || groupBy === 'month';

// 1. Funnel

export interface FunnelAgg {
  key: Key;
  visitors: number;
  claimed: number;
  visited: number;
  purchased: number;
  repeat: number;
}

function funnelNumbers(a: Omit<FunnelAgg, 'key'>) {
  return {
    visitors: a.visitors,
    claimed: a.claimed,
    visited: a.visited,
    purchased: a.purchased,
    repeat: a.repeat,
    claimedRate: rate(a.claimed, a.visitors),
    visitedRate: rate(a.visited, a.claimed),
    purchasedRate: rate(a.purchased, a.visited),
    repeatRate: rate(a.repeat, a.purchased),
    claimedOfVisitors: rate(a.claimed, a.visitors),
    visitedOfVisitors: rate(a.visited, a.visitors),
    purchasedOfVisitors: rate(a.purchased, a.visitors),
    repeatOfVisitors: rate(a.repeat, a.visitors),
  };
}

export function buildFunnel(frame: Frame, aggs: FunnelAgg[]): FunnelAnswer {
  const { groupBy } = frame.asked;
  const total = { visitors: 0, claimed: 0, visited: 0, purchased: 0, repeat: 0 };
  for (const a of aggs) for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += a[k];
  const rows: FunnelRow[] = aggs.filter((a) => a.visitors > 0).map((a) => ({ key: a.key, label: label(groupBy, a.key, frame.labels), ...funnelNumbers(a) }));
  return { ...head(frame), rows: byMetric(rows, (r) => r.visitors), totals: funnelNumbers(total), refreshedAt: frame.refreshedAt.toISOString() };
}

// 2. Store-visit rate

export interface LagAgg {
  key: Key;
  /** Local days from claim to redemption; -1: not redeemed. */
  lag: number;
  n: number;
}

function storeVisitNumbers(lags: { lag: number; n: number }[]) {
  let claimed = 0;
  const buckets = { sameDay: 0, day1: 0, days2to3: 0, days4to7: 0, days8to14: 0, days15to30: 0, over30: 0 };
  const redeemedLags: { lag: number; n: number }[] = [];
  for (const { lag, n } of lags) {
    claimed += n;
    if (lag < 0) continue;
    redeemedLags.push({ lag, n });
    const bucket = lag === 0 ? 'sameDay' : lag === 1 ? 'day1' : lag <= 3 ? 'days2to3' : lag <= 7 ? 'days4to7' : lag <= 14 ? 'days8to14' : lag <= 30 ? 'days15to30' : 'over30';
    buckets[bucket] += n;
  }
  const redeemed = redeemedLags.reduce((s, l) => s + l.n, 0);
  return { claimed, redeemed, rate: rate(redeemed, claimed), ...buckets, medianDays: median(redeemedLags) };
}

/** The median of a histogram (the mean of the two middle values when the count is even). */
export function median(histogram: { lag: number; n: number }[]): number | null {
  const total = histogram.reduce((s, h) => s + h.n, 0);
  if (total === 0) return null;
  const sorted = [...histogram].sort((a, b) => a.lag - b.lag);
  const at = (position: number) => {
    let seen = 0;
    for (const h of sorted) {
      seen += h.n;
      if (seen >= position) return h.lag;
    }
    return sorted[sorted.length - 1]!.lag;
  };
  return total % 2 === 1 ? at((total + 1) / 2) : (at(total / 2) + at(total / 2 + 1)) / 2;
}

export function buildStoreVisits(frame: Frame, aggs: LagAgg[]): StoreVisitsAnswer {
  const { groupBy } = frame.asked;
  const groups = new Map<Key, { lag: number; n: number }[]>();
  for (const a of aggs) {
    if (a.n === 0) continue;
    const list = groups.get(a.key) ?? [];
    list.push({ lag: a.lag, n: a.n });
    groups.set(a.key, list);
  }
  const rows: StoreVisitsRow[] = [...groups].map(([key, lags]) => ({ key, label: label(groupBy, key, frame.labels), ...storeVisitNumbers(lags) }));
  return {
    ...head(frame),
    rows: chronological(groupBy) ? byKey(rows) : byMetric(rows, (r) => r.claimed),
    totals: storeVisitNumbers(aggs),
    refreshedAt: frame.refreshedAt.toISOString(),
  };
}

// 3. Payment mix

export interface PaymentAgg {
  key: Key;
  paymentMethod: string;
  orders: number;
  grossCents: number;
  refundedCents: number;
}

export function buildPaymentMix(frame: Frame, aggs: PaymentAgg[]): PaymentMixAnswer {
  const { groupBy } = frame.asked;
  const netOfGroup = new Map<Key, number>();
  for (const a of aggs) netOfGroup.set(a.key, (netOfGroup.get(a.key) ?? 0) + a.grossCents - a.refundedCents);
  const rows: PaymentMixRow[] = aggs
    .filter((a) => a.orders > 0)
    .map((a) => ({
      key: a.key,
      label: label(groupBy, a.key, frame.labels),
      paymentMethod: a.paymentMethod,
      orders: a.orders,
      grossCents: a.grossCents,
      refundedCents: a.refundedCents,
      netCents: a.grossCents - a.refundedCents,
      share: rate(a.grossCents - a.refundedCents, netOfGroup.get(a.key) ?? 0),
    }));
  rows.sort((a, b) => compareKeys(a.key, b.key) || b.netCents - a.netCents || (a.paymentMethod < b.paymentMethod ? -1 : a.paymentMethod > b.paymentMethod ? 1 : 0));
  const totals = { orders: 0, grossCents: 0, refundedCents: 0, netCents: 0 };
  for (const r of rows) {
    totals.orders += r.orders;
    totals.grossCents += r.grossCents;
    totals.refundedCents += r.refundedCents;
    totals.netCents += r.netCents;
  }
  return { ...head(frame), rows, totals, refreshedAt: frame.refreshedAt.toISOString() };
}

// 4. Repeat rate

export interface RepeatAgg {
  key: Key;
  firstPurchasers: number;
  eligible30: number;
  repeat30: number;
  eligible60: number;
  repeat60: number;
  eligible90: number;
  repeat90: number;
}

function repeatNumbers(a: Omit<RepeatAgg, 'key'>) {
  return {
    firstPurchasers: a.firstPurchasers,
    eligible30: a.eligible30,
    repeat30: a.repeat30,
    rate30: rate(a.repeat30, a.eligible30),
    eligible60: a.eligible60,
    repeat60: a.repeat60,
    rate60: rate(a.repeat60, a.eligible60),
    eligible90: a.eligible90,
    repeat90: a.repeat90,
    rate90: rate(a.repeat90, a.eligible90),
  };
}

export function buildRepeat(frame: Frame, today: string, aggs: RepeatAgg[]): RepeatAnswer {
  const { groupBy } = frame.asked;
  const total = { firstPurchasers: 0, eligible30: 0, repeat30: 0, eligible60: 0, repeat60: 0, eligible90: 0, repeat90: 0 };
  for (const a of aggs) for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += a[k];
  const rows: RepeatRow[] = aggs.filter((a) => a.firstPurchasers > 0).map((a) => ({ key: a.key, label: label(groupBy, a.key, frame.labels), ...repeatNumbers(a) }));
  return {
    ...head(frame),
    today,
    rows: chronological(groupBy) ? byKey(rows) : byMetric(rows, (r) => r.firstPurchasers),
    totals: repeatNumbers(total),
    refreshedAt: frame.refreshedAt.toISOString(),
  };
}

// 5. Cohort retention

export interface RetentionAgg {
  /** The cohort's first day (Monday, or the first of the month). */
  cohort: string;
  key: Key;
  offset: number;
  n: number;
}

/** Offsets shown for a cohort: 0 up to the unit that holds the period's last day. */
export function lastOffset(cohort: string, to: string, unit: 'week' | 'month'): number {
  return unitsBetween(cohort, unitStart(to, unit), unit);
}

export function buildRetention(frame: Frame, unit: 'week' | 'month', aggs: RetentionAgg[]): RetentionAnswer {
  const { groupBy, to } = frame.asked;
  const cells = new Map<string, { cohort: string; key: Key; active: number[] }>();
  for (const a of aggs) {
    if (a.n === 0) continue;
    const id = JSON.stringify([a.cohort, a.key]);
    let cell = cells.get(id);
    if (!cell) {
      cell = { cohort: a.cohort, key: a.key, active: new Array<number>(lastOffset(a.cohort, to, unit) + 1).fill(0) };
      cells.set(id, cell);
    }
    if (a.offset < cell.active.length) cell.active[a.offset]! += a.n;
  }
  const rows: RetentionRow[] = [...cells.values()]
    .filter((c) => c.active[0]! > 0)
    .map((c) => ({ cohort: c.cohort, key: c.key, label: label(groupBy, c.key, frame.labels), size: c.active[0]!, active: c.active, rates: c.active.map((n) => rate(n, c.active[0]!)) }))
    .sort((a, b) => (a.cohort < b.cohort ? -1 : a.cohort > b.cohort ? 1 : compareKeys(a.key, b.key)));
  const active: number[] = [];
  const sizes: number[] = [];
  let size = 0;
  for (const row of rows) {
    size += row.size;
    row.active.forEach((n, k) => {
      active[k] = (active[k] ?? 0) + n;
      sizes[k] = (sizes[k] ?? 0) + row.size;
    });
  }
  return {
    ...head(frame),
    unit,
    rows,
    // Offset k over the cohorts old enough to have an offset k.
    totals: { size, active, rates: active.map((n, k) => rate(n, sizes[k] ?? 0)) },
    refreshedAt: frame.refreshedAt.toISOString(),
  };
}

// 6. Channel ROI

export interface RoiAgg {
  key: Key;
  newMembers: number;
  firstTouchOrders: number;
  firstTouchNetCents: number;
  lastTouchOrders: number;
  lastTouchNetCents: number;
}

function roiNumbers(a: Omit<RoiAgg, 'key'>, costCents: number | null) {
  return {
    ...a,
    costCents,
    costPerNewMemberCents: costCents === null ? null : rate(costCents, a.newMembers),
    firstTouchRevenuePerCost: costCents === null ? null : rate(a.firstTouchNetCents, costCents),
    lastTouchRevenuePerCost: costCents === null ? null : rate(a.lastTouchNetCents, costCents),
  };
}

/** costs: per channel id, the prorated cost in the period (only when grouping by channel, no link or campaign filter). */
export function buildChannelRoi(frame: Frame, aggs: RoiAgg[], costs: Map<string, number> | null): ChannelRoiAnswer {
  const { groupBy } = frame.asked;
  const groups = new Map<Key, Omit<RoiAgg, 'key'>>();
  const zero = () => ({ newMembers: 0, firstTouchOrders: 0, firstTouchNetCents: 0, lastTouchOrders: 0, lastTouchNetCents: 0 });
  for (const a of aggs) {
    const g = groups.get(a.key) ?? zero();
    g.newMembers += a.newMembers;
    g.firstTouchOrders += a.firstTouchOrders;
    g.firstTouchNetCents += a.firstTouchNetCents;
    g.lastTouchOrders += a.lastTouchOrders;
    g.lastTouchNetCents += a.lastTouchNetCents;
    groups.set(a.key, g);
  }
  if (costs) {
    for (const [channelId, cents] of costs) if (cents > 0 && !groups.has(channelId)) groups.set(channelId, zero());
    if (frame.asked.filters.channelId === null && !groups.has(null)) groups.set(null, zero());
  }
  const costOf = (key: Key) => (costs === null ? null : key === null ? 0 : (costs.get(key) ?? 0));
  const rows: ChannelRoiRow[] = [...groups]
    .filter(([key, g]) => g.newMembers + g.firstTouchOrders + g.lastTouchOrders > 0 || (costs !== null && (key === null || (costs.get(key) ?? 0) > 0)))
    .map(([key, g]) => ({ key, label: label(groupBy, key, frame.labels), ...roiNumbers(g, costOf(key)) }));
  const total = zero();
  let totalCost: number | null = costs === null ? null : 0;
  for (const r of rows) {
    total.newMembers += r.newMembers;
    total.firstTouchOrders += r.firstTouchOrders;
    total.firstTouchNetCents += r.firstTouchNetCents;
    total.lastTouchOrders += r.lastTouchOrders;
    total.lastTouchNetCents += r.lastTouchNetCents;
    if (totalCost !== null) totalCost += r.costCents ?? 0;
  }
  return { ...head(frame), rows: byMetric(rows, (r) => r.newMembers), totals: roiNumbers(total, totalCost), refreshedAt: frame.refreshedAt.toISOString() };
}

// 7. Store comparison

export interface StoreAgg {
  key: string;
  visits: number;
  newMembers: number;
  returningVisits: number;
  purchases: number;
  netCents: number;
  claimed: number;
  redeemed: number;
}

export function buildStores(frame: Frame, aggs: StoreAgg[]): StoresAnswer {
  const groups = new Map<string, Omit<StoreAgg, 'key'>>();
  const onlyStore = frame.asked.filters.storeId;
  for (const storeId of frame.labels.stores.keys()) {
    if (onlyStore === null || onlyStore === storeId) groups.set(storeId, { visits: 0, newMembers: 0, returningVisits: 0, purchases: 0, netCents: 0, claimed: 0, redeemed: 0 });
  }
  for (const a of aggs) {
    const g = groups.get(a.key) ?? { visits: 0, newMembers: 0, returningVisits: 0, purchases: 0, netCents: 0, claimed: 0, redeemed: 0 };
    g.visits += a.visits;
    g.newMembers += a.newMembers;
    g.returningVisits += a.returningVisits;
    g.purchases += a.purchases;
    g.netCents += a.netCents;
    g.claimed += a.claimed;
    g.redeemed += a.redeemed;
    groups.set(a.key, g);
  }
  const rows: StoresRow[] = [...groups].map(([key, g]) => ({ key, label: label('store', key, frame.labels), ...g, storeVisitRate: rate(g.redeemed, g.claimed) }));
  const total = { visits: 0, newMembers: 0, returningVisits: 0, purchases: 0, netCents: 0, claimed: 0, redeemed: 0 };
  for (const r of rows) for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += r[k];
  return { ...head(frame), rows: byMetric(rows, (r) => r.visits), totals: { ...total, storeVisitRate: rate(total.redeemed, total.claimed) }, refreshedAt: frame.refreshedAt.toISOString() };
}
