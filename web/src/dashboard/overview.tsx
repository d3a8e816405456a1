import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import { useTitle } from '../ui/use-title.js';
import * as dash from './api.js';
import { Chart, type ChartOption } from './chart.js';
import { addDays, localToday, useFormat } from './format.js';
import { useSession } from './session.js';
import { Empty, PageHeader, useLoad } from './ui.js';

type Preset = '7d' | '30d' | '90d' | 'thisMonth' | 'lastMonth' | 'custom';
const PRESETS: Preset[] = ['7d', '30d', '90d', 'thisMonth', 'lastMonth', 'custom'];

function periodOf(preset: Preset, today: string): { from: string; to: string } {
  const monthStart = `${today.slice(0, 8)}01`;
  switch (preset) {
    case '7d':
      return { from: addDays(today, -6), to: today };
    case '30d':
    case 'custom':
      return { from: addDays(today, -29), to: today };
    case '90d':
      return { from: addDays(today, -89), to: today };
    case 'thisMonth':
      return { from: monthStart, to: today };
    case 'lastMonth': {
      const lastDay = addDays(monthStart, -1);
      return { from: `${lastDay.slice(0, 8)}01`, to: lastDay };
    }
  }
}

/** The owner's answers for a period and a store: funnel, visits, members, revenue, payment mix, retention, channel ROI. */
export function OverviewPage() {
  const { t } = useTranslation();
  useTitle(t('overview.title'));
  const me = useSession();
  const today = localToday(me.merchant.timezone);
  const [preset, setPreset] = useState<Preset>('30d');
  const [period, setPeriod] = useState(() => periodOf('30d', today));
  const [storeId, setStoreId] = useState('');
  const stores = useLoad(() => dash.listStores(true), []);

  const choose = (next: Preset) => {
    setPreset(next);
    if (next !== 'custom') setPeriod(periodOf(next, today));
  };
  const base = useMemo(() => ({ from: period.from, to: period.to }), [period]);
  const withStore = useMemo(() => (storeId ? { ...base, storeId } : base), [base, storeId]);
  const valid = period.from <= period.to;

  const answers = useLoad(async () => {
    if (!valid) return null;
    const [funnel, visits, payments, retention, roi, perStore] = await Promise.all([
      dash.analyticsAnswer('funnel', base),
      dash.analyticsAnswer('store-visits', withStore),
      dash.analyticsAnswer('payment-mix', withStore),
      dash.analyticsAnswer('retention', { ...base, unit: 'week' }),
      dash.analyticsAnswer('channel-roi', { ...base, groupBy: 'channel' }),
      dash.analyticsAnswer('stores', withStore),
    ]);
    return { funnel, visits, payments, retention, roi, perStore };
  }, [base, withStore, valid]);

  const storeName = storeId ? stores.data?.find((s) => s.id === storeId)?.name : undefined;

  return (
    <>
      <PageHeader title={t('overview.title')} intro={t('overview.intro')} />
      <section className="card panel controls" aria-label={t('overview.controls')}>
        <div className="presets" role="group" aria-label={t('overview.period')}>
          {PRESETS.map((key) => (
            <button key={key} type="button" className="chip" aria-pressed={preset === key} onClick={() => choose(key)}>
              {t(`overview.presets.${key}`)}
            </button>
          ))}
        </div>
        <div className="control-fields">
          <div className="field">
            <label htmlFor="period-from">{t('overview.from')}</label>
            <input id="period-from" type="date" value={period.from} max={period.to} onChange={(e) => { setPreset('custom'); setPeriod((p) => ({ ...p, from: e.target.value || p.from })); }} />
          </div>
          <div className="field">
            <label htmlFor="period-to">{t('overview.to')}</label>
            <input id="period-to" type="date" value={period.to} min={period.from} onChange={(e) => { setPreset('custom'); setPeriod((p) => ({ ...p, to: e.target.value || p.to })); }} />
          </div>
          <div className="field">
            <label htmlFor="overview-store">{t('orders.store')}</label>
            <select id="overview-store" value={storeId} onChange={(e) => setStoreId(e.target.value)}>
              <option value="">{t('dash.allStores')}</option>
              {stores.data?.map((store) => (
                <option key={store.id} value={store.id}>
                  {store.name}
                </option>
              ))}
            </select>
          </div>
        </div>
        {!valid && <p className="message error">{t('overview.badPeriod')}</p>}
      </section>
      {answers.error ? (
        <ErrorMessage error={answers.error} />
      ) : !answers.data ? (
        valid && <p className="loading">{t('app.loading')}</p>
      ) : (
        <Answers data={answers.data} base={base} withStore={withStore} storeName={storeName} />
      )}
    </>
  );
}

interface AnswersData {
  funnel: dash.AnalyticsAnswers['funnel'];
  visits: dash.AnalyticsAnswers['store-visits'];
  payments: dash.AnalyticsAnswers['payment-mix'];
  retention: dash.AnalyticsAnswers['retention'];
  roi: dash.AnalyticsAnswers['channel-roi'];
  perStore: dash.AnalyticsAnswers['stores'];
}

function Answers({ data, base, withStore, storeName }: { data: AnswersData; base: dash.AnalyticsQuery; withStore: dash.AnalyticsQuery; storeName: string | undefined }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { funnel, visits, payments, retention, roi, perStore } = data;
  const nothing = funnel.totals.visitors === 0 && visits.totals.claimed === 0 && payments.totals.orders === 0 && perStore.totals.visits === 0;
  const allStoresNote = storeName ? t('overview.allStoresNote') : undefined;
  const method = (m: string) => t(`orders.methods.${m}` as 'orders.methods.other', { defaultValue: m });

  const funnelSteps = [
    ['visitors', funnel.totals.visitors, null],
    ['claimed', funnel.totals.claimed, funnel.totals.claimedRate],
    ['visited', funnel.totals.visited, funnel.totals.visitedRate],
    ['purchased', funnel.totals.purchased, funnel.totals.purchasedRate],
    ['repeat', funnel.totals.repeat, funnel.totals.repeatRate],
  ] as const;
  const funnelOption: ChartOption = {
    tooltip: { trigger: 'item' },
    series: [
      {
        type: 'funnel',
        sort: 'none',
        minSize: '6%',
        left: '4%',
        width: '58%',
        gap: 2,
        // Beside the shape, so a small last step keeps a readable label.
        label: { position: 'right', color: '#1d2a2f', formatter: '{b}  {c}' },
        labelLine: { show: true, length: 12 },
        data: funnelSteps.map(([key, value]) => ({ name: t(`overview.steps.${key}`), value })),
      },
    ],
  };
  const paymentOption: ChartOption = {
    tooltip: { trigger: 'item', valueFormatter: (v: number) => f.money(v) },
    legend: { bottom: 0, type: 'scroll' },
    series: [
      {
        type: 'pie',
        radius: ['40%', '68%'],
        center: ['50%', '45%'],
        label: { formatter: '{b}\n{d}%' },
        data: payments.rows.map((row) => ({ name: method(row.paymentMethod), value: row.netCents })),
      },
    ],
  };
  const weeks = Math.max(0, ...retention.rows.map((row) => row.active.length));
  const heat: [number, number, number][] = [];
  retention.rows.forEach((row, y) => row.rates.forEach((rate, x) => heat.push([x, y, rate === null ? 0 : Math.round(rate * 1000) / 10])));
  const retentionOption: ChartOption = {
    tooltip: { formatter: (p: { value: [number, number, number] }) => `${retention.rows[p.value[1]]?.cohort ?? ''} +${p.value[0]}: ${p.value[2]}%` },
    grid: { left: 90, right: 16, top: 10, bottom: 44 },
    xAxis: { type: 'category', data: Array.from({ length: weeks }, (_, i) => `+${i}`), name: t('overview.weeksAfter'), nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'category', data: retention.rows.map((row) => row.cohort), inverse: true },
    // The cells carry their percentages; the colour scale itself needs no legend.
    visualMap: { show: false, min: 0, max: 100, inRange: { color: ['#eef6f6', '#0d6a73'] } },
    series: [{ type: 'heatmap', data: heat, label: { show: weeks <= 12, formatter: (p: { value: [number, number, number] }) => `${p.value[2]}%` } }],
  };
  const buckets = (['sameDay', 'day1', 'days2to3', 'days4to7', 'days8to14', 'days15to30', 'over30'] as const).map((key) => [key, visits.totals[key]] as const);
  const visitOption: ChartOption = {
    tooltip: { trigger: 'axis' },
    grid: { left: 40, right: 16, top: 16, bottom: 40, containLabel: true },
    xAxis: { type: 'category', data: buckets.map(([key]) => t(`overview.buckets.${key}`)), axisLabel: { interval: 0, rotate: 30, fontSize: 11 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', name: t('offers.redeemed'), barMaxWidth: 40, data: buckets.map(([, count]) => count) }],
  };
  const memberOption: ChartOption = {
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0 },
    grid: { left: 40, right: 16, top: 16, bottom: 48, containLabel: true },
    xAxis: { type: 'category', data: perStore.rows.map((row) => row.label) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { type: 'bar', name: t('overview.newMembers'), stack: 'v', barMaxWidth: 56, data: perStore.rows.map((row) => row.newMembers) },
      { type: 'bar', name: t('overview.returningVisits'), stack: 'v', barMaxWidth: 56, data: perStore.rows.map((row) => row.returningVisits) },
    ],
  };

  return (
    <>
      {nothing && (
        <Empty title={t('overview.emptyTitle')}>
          <p>{t('overview.empty')}</p>
          <p className="links">
            <Link className="button small" to="/channels">
              {t('home.next.channel')}
            </Link>
            <Link className="button small" to="/offers">
              {t('home.next.offer')}
            </Link>
          </p>
        </Empty>
      )}
      <dl className="kpis">
        <div className="card">
          <dt>{t('overview.revenue')}</dt>
          <dd data-kpi="revenue">{f.money(payments.totals.netCents)}</dd>
          <p className="hint">{t('overview.revenueNote', { orders: payments.totals.orders, refunded: f.money(payments.totals.refundedCents) })}</p>
        </div>
        <div className="card">
          <dt>{t('overview.visitRate')}</dt>
          <dd data-kpi="visit-rate">{f.percent(visits.totals.rate)}</dd>
          <p className="hint">{t('overview.visitRateNote', { redeemed: visits.totals.redeemed, claimed: visits.totals.claimed })}</p>
        </div>
        <div className="card">
          <dt>{t('overview.newMembers')}</dt>
          <dd data-kpi="new-members">{f.number(perStore.totals.newMembers)}</dd>
          <p className="hint">{t('overview.returningNote', { visits: perStore.totals.returningVisits })}</p>
        </div>
        <div className="card">
          <dt>{t('overview.storeVisits')}</dt>
          <dd data-kpi="visits">{f.number(perStore.totals.visits)}</dd>
          <p className="hint">{t('overview.purchasesNote', { purchases: perStore.totals.purchases })}</p>
        </div>
      </dl>
      <div className="chart-grid">
        <ChartCard
          id="funnel"
          title={t('overview.funnelTitle')}
          note={allStoresNote ?? t('overview.funnelNote')}
          csv={dash.analyticsPath('funnel', base, 'csv')}
          chart={<Chart option={funnelOption} label={t('overview.funnelTitle')} />}
          table={
            <NumberTable
              head={[t('overview.step'), t('overview.people'), t('overview.stepRate')]}
              rows={funnelSteps.map(([key, value, rate]) => [t(`overview.steps.${key}`), f.number(value), rate === null ? '—' : f.percent(rate)])}
            />
          }
        />
        <ChartCard
          id="payment-mix"
          title={t('overview.paymentTitle')}
          csv={dash.analyticsPath('payment-mix', withStore, 'csv')}
          chart={payments.rows.length ? <Chart option={paymentOption} label={t('overview.paymentTitle')} /> : <p className="hint chart-empty">{t('overview.noOrders')}</p>}
          table={
            <NumberTable
              head={[t('orders.paymentMethod'), t('overview.orders'), t('overview.net'), t('overview.share')]}
              rows={payments.rows.map((row) => [method(row.paymentMethod), f.number(row.orders), f.money(row.netCents), f.percent(row.share)])}
            />
          }
        />
        <ChartCard
          id="store-visits"
          title={t('overview.visitTitle')}
          note={
            visits.totals.medianDays === null
              ? t('overview.visitNote')
              : visits.totals.medianDays === 0
                ? t('overview.visitMedianSameDay')
                : t('overview.visitMedian', { days: visits.totals.medianDays })
          }
          csv={dash.analyticsPath('store-visits', withStore, 'csv')}
          chart={visits.totals.redeemed ? <Chart option={visitOption} label={t('overview.visitTitle')} /> : <p className="hint chart-empty">{t('overview.noRedemptions')}</p>}
          table={
            <NumberTable
              head={[t('overview.timeToVisit'), t('offers.redeemed')]}
              rows={[...buckets.map(([key, count]) => [t(`overview.buckets.${key}`), f.number(count)]), [t('overview.claimedTotal'), f.number(visits.totals.claimed)], [t('overview.visitRate'), f.percent(visits.totals.rate)]]}
            />
          }
        />
        <ChartCard
          id="members"
          title={t('overview.membersTitle')}
          csv={dash.analyticsPath('stores', withStore, 'csv')}
          chart={perStore.rows.length ? <Chart option={memberOption} label={t('overview.membersTitle')} /> : <p className="hint chart-empty">{t('overview.noVisits')}</p>}
          table={
            <NumberTable
              head={[t('orders.store'), t('overview.storeVisits'), t('overview.newMembers'), t('overview.returningVisits'), t('overview.net'), t('overview.visitRate')]}
              rows={perStore.rows.map((row) => [row.label, f.number(row.visits), f.number(row.newMembers), f.number(row.returningVisits), f.money(row.netCents), f.percent(row.storeVisitRate)])}
            />
          }
        />
        <ChartCard
          id="retention"
          wide
          title={t('overview.retentionTitle')}
          note={allStoresNote ?? t('overview.retentionNote')}
          csv={dash.analyticsPath('retention', { ...base, unit: 'week' }, 'csv')}
          chart={retention.rows.length ? <Chart option={retentionOption} label={t('overview.retentionTitle')} height={Math.max(220, 90 + retention.rows.length * 28)} /> : <p className="hint chart-empty">{t('overview.noVisits')}</p>}
          table={
            <NumberTable
              head={[t('overview.cohort'), t('overview.people'), ...Array.from({ length: weeks }, (_, i) => `+${i}`)]}
              rows={retention.rows.map((row) => [row.cohort, f.number(row.size), ...Array.from({ length: weeks }, (_, i) => (row.active[i] === undefined ? '' : `${row.active[i]} (${f.percent(row.rates[i] ?? null)})`))])}
            />
          }
        />
      </div>
      <section className="card panel" aria-labelledby="roi-title">
        <div className="card-head">
          <h2 id="roi-title">{t('overview.roiTitle')}</h2>
          <a className="button small quiet" href={dash.analyticsPath('channel-roi', { ...base, groupBy: 'channel' }, 'csv')} download>
            {t('overview.csv')}
          </a>
        </div>
        <p className="hint">{allStoresNote ? `${t('overview.roiNote')} ${allStoresNote}` : t('overview.roiNote')}</p>
        <NumberTable
          head={[t('overview.channel'), t('overview.newMembers'), t('overview.cost'), t('overview.costPerMember'), t('overview.firstTouch'), t('overview.lastTouch'), t('overview.roas')]}
          rows={roi.rows.map((row) => [
            row.key === null ? t('members.direct') : row.label,
            f.number(row.newMembers),
            row.costCents === null ? '—' : f.money(row.costCents),
            row.costPerNewMemberCents === null ? '—' : f.money(Math.round(row.costPerNewMemberCents)),
            `${f.money(row.firstTouchNetCents)} · ${row.firstTouchOrders}`,
            `${f.money(row.lastTouchNetCents)} · ${row.lastTouchOrders}`,
            row.lastTouchRevenuePerCost === null ? '—' : `${row.lastTouchRevenuePerCost.toFixed(2)}×`,
          ])}
          empty={t('overview.noChannels')}
        />
      </section>
      <p className="hint refreshed">{t('overview.refreshed', { at: f.dateTime(funnel.refreshedAt), zone: funnel.period.timezone })}</p>
    </>
  );
}

/** A chart with its numbers one click away and its CSV. */
function ChartCard({ id, title, note, csv, chart, table, wide = false }: { id: string; title: string; note?: string; csv: string; chart: ReactNode; table: ReactNode; wide?: boolean }) {
  const { t } = useTranslation();
  const [showTable, setShowTable] = useState(false);
  return (
    <section className={`card panel chart-card${wide ? ' wide' : ''}`} aria-labelledby={`${id}-title`}>
      <div className="card-head">
        <h2 id={`${id}-title`}>{title}</h2>
        <div className="links">
          <button type="button" className="button small quiet" aria-pressed={showTable} onClick={() => setShowTable((was) => !was)}>
            {showTable ? t('overview.showChart') : t('overview.showTable')}
          </button>
          <a className="button small quiet" href={csv} download>
            {t('overview.csv')}
          </a>
        </div>
      </div>
      {note && <p className="hint">{note}</p>}
      {showTable ? table : chart}
    </section>
  );
}

function NumberTable({ head, rows, empty }: { head: string[]; rows: string[][]; empty?: string }) {
  const { t } = useTranslation();
  if (rows.length === 0) return <p className="hint">{empty ?? t('overview.noRows')}</p>;
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            {head.map((cell, i) => (
              <th key={i} className={i > 0 ? 'num' : undefined}>
                {cell}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={r}>
              {row.map((cell, i) => (
                <td key={i} className={i > 0 ? 'num' : undefined}>
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
