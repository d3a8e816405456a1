import { AppError } from '../platform/errors.js';
import { FILTER_NAMES, FILTERS_OF, MAX_PERIOD_DAYS, type AnalyticsFilters, type AnalyticsQuery, type FilterName, type Question } from './schemas.js';

/** A question's query after its checks: the period, the filters it reads and its grouping. */
export interface Asked {
  from: string;
  to: string;
  groupBy: string;
  filters: AnalyticsFilters;
  /** The filters as given (only those the question reads). */
  only: Partial<Record<FilterName, string>>;
}

const DEFAULT_GROUP: Record<Question, string> = {
  funnel: 'none',
  'store-visits': 'none',
  'payment-mix': 'none',
  repeat: 'none',
  retention: 'none',
  'channel-roi': 'channel',
  stores: 'store',
};

/** Days since 1970-01-01 of a `YYYY-MM-DD` that names a real day, else null. */
export function dayNumber(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const [y, mo, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / 86_400_000;
}

export function dayText(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Checks what TypeBox cannot: real calendar days, from ≤ to, at most 731 days, and only the
 * filters the question reads (docs/metrics.md#filters). Throws before anything is read.
 */
export function checkQuery(question: Question, query: AnalyticsQuery): Asked {
  const from = dayNumber(query.from);
  const to = dayNumber(query.to);
  if (from === null || to === null) {
    throw new AppError('analytics_invalid_period', undefined, [{ path: from === null ? '/query/from' : '/query/to', problem: 'is not a day of the calendar (YYYY-MM-DD)' }]);
  }
  if (from > to) throw new AppError('analytics_invalid_period', undefined, [{ path: '/query/to', problem: 'is before from' }]);
  if (to - from + 1 > MAX_PERIOD_DAYS) {
    throw new AppError('analytics_period_too_long', undefined, [{ path: '/query/to', problem: `the period has ${to - from + 1} days; at most ${MAX_PERIOD_DAYS}` }]);
  }
  const allowed: readonly FilterName[] = FILTERS_OF[question];
  const only: Partial<Record<FilterName, string>> = {};
  for (const name of FILTER_NAMES) {
    const value = query[name];
    if (value === undefined) continue;
    if (!allowed.includes(name)) {
      throw new AppError('analytics_filter_not_supported', `This question takes only these filters: ${allowed.join(', ')}.`, [
        { path: `/query/${name}`, problem: 'is not a filter of this question' },
      ]);
    }
    only[name] = value;
  }
  return {
    from: query.from,
    to: query.to,
    groupBy: query.groupBy ?? DEFAULT_GROUP[question],
    filters: {
      channelId: only.channelId ?? null,
      linkId: only.linkId ?? null,
      campaign: only.campaign ?? null,
      offerId: only.offerId ?? null,
      storeId: only.storeId ?? null,
    },
    only,
  };
}

/** Today's date in a time zone, `YYYY-MM-DD`. */
export function localToday(timezone: string, now = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  return parts;
}

/** The Monday of the day's week, or the first of its month. */
export function unitStart(day: string, unit: 'week' | 'month'): string {
  if (unit === 'month') return `${day.slice(0, 7)}-01`;
  const n = dayNumber(day)!;
  const weekday = (new Date(n * 86_400_000).getUTCDay() + 6) % 7; // Monday 0
  return dayText(n - weekday);
}

/** Whole weeks or months from one unit start to another. */
export function unitsBetween(fromStart: string, toStart: string, unit: 'week' | 'month'): number {
  if (unit === 'week') return Math.round((dayNumber(toStart)! - dayNumber(fromStart)!) / 7);
  const months = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
  return months(toStart) - months(fromStart);
}
