import { Type, type Static, type TSchema } from 'typebox';

/**
 * Request and answer shapes of the seven questions (GET /api/analytics/*). The web dashboard
 * imports these types; docs/metrics.md defines every number.
 *
 * Group keys: `key` is the id (channel, link, offer, store), the campaign text, the day or
 * month (`YYYY-MM-DD`, `YYYY-MM`), or null for "none" (no tap: `direct`; a coupon valid at
 * several stores and not redeemed: any store). `label` is what a person reads (a name).
 */

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const LocalDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: "A day in the merchant's time zone, `YYYY-MM-DD`.", examples: ['2026-01-31'] });

/** Longest period a question may cover, in days (two years and a leap day). */
export const MAX_PERIOD_DAYS = 731;

const filterFields = {
  channelId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only this channel (`chn_…`).' })),
  linkId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only this short link (`lnk_…`).' })),
  campaign: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "Only links of this campaign." })),
  offerId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only coupons of this offer (`off_…`).' })),
  storeId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only this store (`sto_…`).' })),
};
export type FilterName = keyof typeof filterFields;
export const FILTER_NAMES = Object.keys(filterFields) as FilterName[];

const periodFields = {
  from: { ...LocalDate, description: 'First day of the period (inclusive), in the merchant time zone.' },
  to: { ...LocalDate, description: 'Last day of the period (inclusive). At most 731 days after `from`.' },
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { description: '`csv`: the rows as a CSV download (UTF-8 with BOM).' })),
};

function query<G extends string[]>(groups: [...G], extra: Record<string, TSchema> = {}) {
  return Type.Object(
    {
      ...periodFields,
      ...filterFields,
      groupBy: Type.Optional(Type.Union(groups.map((g) => Type.Literal(g)) as never, { description: `One of: ${groups.join(', ')} (default ${groups[0]}).` })),
      ...extra,
    },
    { additionalProperties: false },
  );
}

export const FunnelQuery = query(['none', 'channel', 'link', 'campaign']);
export const StoreVisitsQuery = query(['none', 'offer', 'channel', 'link', 'campaign', 'store', 'day']);
export const PaymentMixQuery = query(['none', 'store']);
export const RepeatQuery = query(['none', 'channel', 'store', 'month']);
export const RetentionQuery = query(['none', 'channel'], {
  unit: Type.Optional(Type.Union([Type.Literal('week'), Type.Literal('month')], { description: 'Cohorts by week (Monday) or month of the first store visit (default week).' })),
});
export const ChannelRoiQuery = query(['channel', 'link', 'campaign']);
export const StoresQuery = query(['store']);

type QueryOf<T extends TSchema> = Omit<Static<T>, 'format'>;
export type FunnelQuery = QueryOf<typeof FunnelQuery>;
export type StoreVisitsQuery = QueryOf<typeof StoreVisitsQuery>;
export type PaymentMixQuery = QueryOf<typeof PaymentMixQuery>;
export type RepeatQuery = QueryOf<typeof RepeatQuery>;
export type RetentionQuery = QueryOf<typeof RetentionQuery>;
export type ChannelRoiQuery = QueryOf<typeof ChannelRoiQuery>;
export type StoresQuery = QueryOf<typeof StoresQuery>;
/** What every question accepts; each question reads the filters of docs/metrics.md's matrix. */
export type AnalyticsQuery = { from: string; to: string; groupBy?: string; unit?: 'week' | 'month' } & Partial<Record<FilterName, string>>;

const Rate = Nullable(Type.Number({ description: 'A ratio (null when the denominator is 0). Funnel steps are not nested, so a step rate may pass 1.' }));
const Count = Type.Integer({ minimum: 0 });
const Cents = Type.Integer({ description: 'In cents (fen) of the merchant currency.' });

const Period = Type.Object({ from: LocalDate, to: LocalDate, timezone: Type.String() });
const Filters = Type.Object({
  channelId: Nullable(Type.String()),
  linkId: Nullable(Type.String()),
  campaign: Nullable(Type.String()),
  offerId: Nullable(Type.String()),
  storeId: Nullable(Type.String()),
});
const Group = { key: Nullable(Type.String()), label: Type.String() };

function answer<R extends TSchema, T extends TSchema, E extends Record<string, TSchema> = {}>(row: R, totals: T, extra: E = {} as E) {
  return Type.Object({
    period: Period,
    filters: Filters,
    groupBy: Type.String(),
    ...extra,
    rows: Type.Array(row),
    totals,
    refreshedAt: Type.String({ format: 'date-time', description: 'When the rollups behind this answer were last brought up to date.' }),
  });
}

// 1. Funnel
const funnelCounts = {
  visitors: Count,
  claimed: Count,
  visited: Count,
  purchased: Count,
  repeat: Count,
  /** Each step ÷ the step before it. */
  claimedRate: Rate,
  visitedRate: Rate,
  purchasedRate: Rate,
  repeatRate: Rate,
  /** Each step ÷ visitors. */
  claimedOfVisitors: Rate,
  visitedOfVisitors: Rate,
  purchasedOfVisitors: Rate,
  repeatOfVisitors: Rate,
};
export const FunnelTotals = Type.Object(funnelCounts);
export const FunnelRow = Type.Object({ ...Group, ...funnelCounts });
export const FunnelAnswer = answer(FunnelRow, FunnelTotals);

// 2. Store-visit rate
const storeVisitCounts = {
  claimed: Count,
  redeemed: Count,
  rate: Rate,
  sameDay: Count,
  day1: Count,
  days2to3: Count,
  days4to7: Count,
  days8to14: Count,
  days15to30: Count,
  over30: Count,
  medianDays: Nullable(Type.Number({ description: 'Median local days from claim to redemption (redeemed coupons).' })),
};
export const StoreVisitsTotals = Type.Object(storeVisitCounts);
export const StoreVisitsRow = Type.Object({ ...Group, ...storeVisitCounts });
export const StoreVisitsAnswer = answer(StoreVisitsRow, StoreVisitsTotals);

// 3. Payment mix
const moneyCounts = { orders: Count, grossCents: Cents, refundedCents: Cents, netCents: Cents };
export const PaymentMixTotals = Type.Object(moneyCounts);
export const PaymentMixRow = Type.Object({
  ...Group,
  paymentMethod: Type.String(),
  ...moneyCounts,
  share: Rate,
});
export const PaymentMixAnswer = answer(PaymentMixRow, PaymentMixTotals);

// 4. Repeat rate
const repeatCounts = {
  firstPurchasers: Count,
  eligible30: Count,
  repeat30: Count,
  rate30: Rate,
  eligible60: Count,
  repeat60: Count,
  rate60: Rate,
  eligible90: Count,
  repeat90: Count,
  rate90: Rate,
};
export const RepeatTotals = Type.Object(repeatCounts);
export const RepeatRow = Type.Object({ ...Group, ...repeatCounts });
export const RepeatAnswer = answer(RepeatRow, RepeatTotals, { today: LocalDate });

// 5. Cohort retention
export const RetentionRow = Type.Object({
  /** First day of the cohort's week (Monday) or month. */
  cohort: LocalDate,
  ...Group,
  size: Count,
  /** active[k]: people of the cohort active k weeks/months after it (k = 0 … up to the period end). */
  active: Type.Array(Count),
  rates: Type.Array(Rate),
});
export const RetentionTotals = Type.Object({ size: Count, active: Type.Array(Count), rates: Type.Array(Rate) });
export const RetentionAnswer = answer(RetentionRow, RetentionTotals, { unit: Type.Union([Type.Literal('week'), Type.Literal('month')]) });

// 6. Channel ROI
const roiCounts = {
  newMembers: Count,
  firstTouchOrders: Count,
  firstTouchNetCents: Cents,
  lastTouchOrders: Count,
  lastTouchNetCents: Cents,
  costCents: Nullable(Cents),
  costPerNewMemberCents: Nullable(Type.Number()),
  firstTouchRevenuePerCost: Nullable(Type.Number()),
  lastTouchRevenuePerCost: Nullable(Type.Number()),
};
export const ChannelRoiTotals = Type.Object(roiCounts);
export const ChannelRoiRow = Type.Object({ ...Group, ...roiCounts });
export const ChannelRoiAnswer = answer(ChannelRoiRow, ChannelRoiTotals);

// 7. Store comparison
const storeCounts = {
  visits: Count,
  newMembers: Count,
  returningVisits: Count,
  purchases: Count,
  netCents: Cents,
  claimed: Count,
  redeemed: Count,
  storeVisitRate: Rate,
};
export const StoresTotals = Type.Object(storeCounts);
export const StoresRow = Type.Object({ ...Group, ...storeCounts });
export const StoresAnswer = answer(StoresRow, StoresTotals);

export type FunnelAnswer = Static<typeof FunnelAnswer>;
export type FunnelRow = Static<typeof FunnelRow>;
export type StoreVisitsAnswer = Static<typeof StoreVisitsAnswer>;
export type StoreVisitsRow = Static<typeof StoreVisitsRow>;
export type PaymentMixAnswer = Static<typeof PaymentMixAnswer>;
export type PaymentMixRow = Static<typeof PaymentMixRow>;
export type RepeatAnswer = Static<typeof RepeatAnswer>;
export type RepeatRow = Static<typeof RepeatRow>;
export type RetentionAnswer = Static<typeof RetentionAnswer>;
export type RetentionRow = Static<typeof RetentionRow>;
export type ChannelRoiAnswer = Static<typeof ChannelRoiAnswer>;
export type ChannelRoiRow = Static<typeof ChannelRoiRow>;
export type StoresAnswer = Static<typeof StoresAnswer>;
export type StoresRow = Static<typeof StoresRow>;
export type AnalyticsPeriod = Static<typeof Period>;
export type AnalyticsFilters = Static<typeof Filters>;

/** Which filters each question reads; any other given filter is answered with 400 analytics_filter_not_supported. */
export const FILTERS_OF = {
  funnel: ['channelId', 'linkId', 'campaign'],
  'store-visits': ['channelId', 'linkId', 'campaign', 'offerId', 'storeId'],
  'payment-mix': ['channelId', 'linkId', 'campaign', 'storeId'],
  repeat: ['channelId', 'storeId'],
  retention: ['channelId'],
  'channel-roi': ['channelId', 'linkId', 'campaign'],
  stores: ['storeId'],
} as const satisfies Record<string, readonly FilterName[]>;
export type Question = keyof typeof FILTERS_OF;
