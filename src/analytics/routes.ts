import { MANAGERS, principalOf } from '../auth/principal.js';
import type { Context } from '../platform/context.js';
import type { App } from '../platform/http.js';
import { withErrors } from '../platform/schemas.js';
import { answerQuestion } from './answers.js';
import { answerCsv, csvFilename } from './csv.js';
import { startRefreshTimer } from './timer.js';
import {
  ChannelRoiAnswer,
  ChannelRoiQuery,
  FunnelAnswer,
  FunnelQuery,
  PaymentMixAnswer,
  PaymentMixQuery,
  RepeatAnswer,
  RepeatQuery,
  RetentionAnswer,
  RetentionQuery,
  StoresAnswer,
  StoresQuery,
  StoreVisitsAnswer,
  StoreVisitsQuery,
  type AnalyticsQuery,
  type Question,
} from './schemas.js';
import type { TSchema } from 'typebox';

const QUESTIONS: { question: Question; summary: string; query: TSchema; answer: TSchema }[] = [
  { question: 'funnel', summary: 'Funnel: people entering in the period → claimed → visited a store → purchased → repeat', query: FunnelQuery, answer: FunnelAnswer },
  { question: 'store-visits', summary: 'Store-visit rate (到店率): coupons claimed in the period, redeemed ÷ claimed, days to redemption', query: StoreVisitsQuery, answer: StoreVisitsAnswer },
  { question: 'payment-mix', summary: 'Payment mix: purchases in the period per payment method (count, gross, refunded, net, share)', query: PaymentMixQuery, answer: PaymentMixAnswer },
  { question: 'repeat', summary: 'Repeat rate within 30/60/90 days of the first purchase', query: RepeatQuery, answer: RepeatAnswer },
  { question: 'retention', summary: 'Cohort retention by week or month of the first store visit', query: RetentionQuery, answer: RetentionAnswer },
  { question: 'channel-roi', summary: 'Channel ROI: new members, first- and last-touch orders and revenue, cost', query: ChannelRoiQuery, answer: ChannelRoiAnswer },
  { question: 'stores', summary: 'Store comparison: visits, new and returning, purchases, revenue, store-visit rate', query: StoresQuery, answer: StoresAnswer },
];

/**
 * Answers (docs/metrics.md): owners and managers only — they show the whole business. Each
 * question answers JSON, or the rows as a CSV download with `format=csv`.
 */
export async function analyticsRoutes(app: App, { config, database: { db } }: Context): Promise<void> {
  const timer = startRefreshTimer(db, config.analyticsRefreshSeconds, app.log);
  app.addHook('onClose', async () => timer.stop());

  for (const { question, summary, query, answer } of QUESTIONS) {
    app.get(
      `/api/analytics/${question}`,
      { config: { auth: MANAGERS }, schema: { tags: ['Answers'], summary, querystring: query, response: withErrors({ 200: answer }) } },
      async (request, reply) => {
        const { format, ...rest } = request.query as AnalyticsQuery & { format?: 'json' | 'csv' };
        const result = await answerQuestion(db, principalOf(request).merchantId, question, rest);
        if (format !== 'csv') return result;
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${csvFilename(question, rest.from, rest.to)}"`)
          .header('cache-control', 'private, no-store')
          .send(answerCsv(result));
      },
    );
  }
}
