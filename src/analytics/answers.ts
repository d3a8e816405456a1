import { inTenant, type Db, type Tx } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { buildChannelRoi, buildFunnel, buildPaymentMix, buildRepeat, buildRetention, buildStores, buildStoreVisits, type Frame } from './build.js';
import { checkQuery, localToday, unitStart, type Asked } from './period.js';
import {
  readChannelCosts,
  readChannelRoi,
  readFunnel,
  readFrame,
  readPaymentMix,
  readRepeat,
  readRetention,
  readStores,
  readStoreVisits,
} from './queries.js';
import { refreshRollups } from './refresh.js';
import type {
  AnalyticsQuery,
  ChannelRoiAnswer,
  FunnelAnswer,
  PaymentMixAnswer,
  Question,
  RepeatAnswer,
  RetentionAnswer,
  StoresAnswer,
  StoreVisitsAnswer,
} from './schemas.js';

/**
 * The seven questions, read from the rollups (as they are: call refreshRollups first to include
 * the latest writes; answerQuestion does). docs/metrics.md defines every number.
 */

async function framed<T>(db: Db, m: string, question: Question, query: AnalyticsQuery, read: (tx: Tx, frame: Frame) => Promise<T>): Promise<T> {
  const asked = checkQuery(question, query);
  return inTenant(db, m, async (tx) => {
    const facts = await readFrame(tx, m);
    if (!facts) throw new AppError('not_found');
    const frame: Frame = { asked, timezone: facts.timezone, labels: facts.labels, refreshedAt: facts.refreshedAt ?? new Date(0) };
    return read(tx, frame);
  });
}

export function answerFunnel(db: Db, merchantId: string, query: AnalyticsQuery): Promise<FunnelAnswer> {
  return framed(db, merchantId, 'funnel', query, async (tx, frame) => buildFunnel(frame, await readFunnel(tx, merchantId, frame.asked)));
}

export function answerStoreVisits(db: Db, merchantId: string, query: AnalyticsQuery): Promise<StoreVisitsAnswer> {
  return framed(db, merchantId, 'store-visits', query, async (tx, frame) => buildStoreVisits(frame, await readStoreVisits(tx, merchantId, frame.asked)));
}

export function answerPaymentMix(db: Db, merchantId: string, query: AnalyticsQuery): Promise<PaymentMixAnswer> {
  return framed(db, merchantId, 'payment-mix', query, async (tx, frame) => buildPaymentMix(frame, await readPaymentMix(tx, merchantId, frame.asked)));
}

export function answerRepeat(db: Db, merchantId: string, query: AnalyticsQuery, now = new Date()): Promise<RepeatAnswer> {
  return framed(db, merchantId, 'repeat', query, async (tx, frame) => {
    const today = localToday(frame.timezone, now);
    return buildRepeat(frame, today, await readRepeat(tx, merchantId, frame.asked, today));
  });
}

export function answerRetention(db: Db, merchantId: string, query: AnalyticsQuery): Promise<RetentionAnswer> {
  return framed(db, merchantId, 'retention', query, async (tx, frame) => {
    const unit = query.unit ?? 'week';
    return buildRetention(frame, unit, await readRetention(tx, merchantId, frame.asked, unit, unitStart(frame.asked.from, unit)));
  });
}

export function answerChannelRoi(db: Db, merchantId: string, query: AnalyticsQuery): Promise<ChannelRoiAnswer> {
  return framed(db, merchantId, 'channel-roi', query, async (tx, frame) =>
    buildChannelRoi(frame, await readChannelRoi(tx, merchantId, frame.asked), await costsFor(tx, merchantId, frame.asked)),
  );
}

/** Costs exist per channel only: grouped by link or campaign, or filtered to one, there is no cost. */
export async function costsFor(tx: Tx, merchantId: string, asked: Asked): Promise<Map<string, number> | null> {
  if (asked.groupBy !== 'channel' || asked.only.linkId !== undefined || asked.only.campaign !== undefined) return null;
  return readChannelCosts(tx, merchantId, asked.from, asked.to, asked.filters.channelId);
}

export function answerStores(db: Db, merchantId: string, query: AnalyticsQuery): Promise<StoresAnswer> {
  return framed(db, merchantId, 'stores', query, async (tx, frame) => buildStores(frame, await readStores(tx, merchantId, frame.asked)));
}

export type Answer = FunnelAnswer | StoreVisitsAnswer | PaymentMixAnswer | RepeatAnswer | RetentionAnswer | ChannelRoiAnswer | StoresAnswer;

export const answerers: Record<Question, (db: Db, merchantId: string, query: AnalyticsQuery) => Promise<Answer>> = {
  funnel: answerFunnel,
  'store-visits': answerStoreVisits,
  'payment-mix': answerPaymentMix,
  repeat: answerRepeat,
  retention: answerRetention,
  'channel-roi': answerChannelRoi,
  stores: answerStores,
};

/**
 * What the API answers: the query checked first (a bad one reads and writes nothing), the
 * rollups brought up to date (so a person sees their own last action), then the answer.
 */
export async function answerQuestion(db: Db, merchantId: string, question: Question, query: AnalyticsQuery): Promise<Answer> {
  checkQuery(question, query);
  await refreshRollups(db, merchantId);
  return answerers[question](db, merchantId, query);
}
