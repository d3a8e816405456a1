import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import { Field, formValues } from '../ui/field.js';
import { useAction } from '../ui/use-action.js';
import { useTitle } from '../ui/use-title.js';
import * as dash from './api.js';
import { addDays, toCents, useFormat, zonedDayStart } from './format.js';
import { useSession } from './session.js';
import { Empty, Loaded, PageHeader, Success, useLoad } from './ui.js';

export const PAYMENT_METHODS = ['wechat_pay', 'alipay', 'cash', 'bank_card', 'unionpay', 'stored_value', 'other'] as const;
const STATUSES: dash.OrderStatus[] = ['completed', 'partially_refunded', 'refunded', 'void'];

interface Filter {
  storeId: string;
  status: string;
  paymentMethod: string;
  from: string;
  to: string;
}


export function OrdersPage() {
  const { t } = useTranslation();
  useTitle(t('orders.title'));
  const f = useFormat();
  const me = useSession();
  // Days are the business's days, wherever the reader's browser is: the merchant's time zone.
  const dayStart = (day: string) => zonedDayStart(day, me.merchant.timezone);
  const [filter, setFilter] = useState<Filter>({ storeId: '', status: '', paymentMethod: '', from: '', to: '' });
  const [more, setMore] = useState<{ rows: dash.OrderSummary[]; cursor: string | null } | null>(null);
  const stores = useLoad(() => dash.listStores(true), []);
  const query: dash.OrderQuery = {
    ...(filter.storeId ? { storeId: filter.storeId } : {}),
    ...(filter.status ? { status: filter.status as dash.OrderStatus } : {}),
    ...(filter.paymentMethod ? { paymentMethod: filter.paymentMethod } : {}),
    ...(filter.from ? { from: dayStart(filter.from) } : {}),
    ...(filter.to ? { to: dayStart(addDays(filter.to, 1)) } : {}),
    limit: 50,
  };
  const state = useLoad(() => dash.listOrders(query), [JSON.stringify(filter)]);
  const storeName = (id: string) => stores.data?.find((s) => s.id === id)?.name ?? id;

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = formValues(event.currentTarget);
    setMore(null);
    setFilter({ storeId: value('storeId'), status: value('status'), paymentMethod: value('paymentMethod'), from: value('from'), to: value('to') });
  };
  const loadMore = async (cursor: string) => {
    const page = await dash.listOrders({ ...query, cursor });
    setMore((was) => ({ rows: [...(was?.rows ?? []), ...page.data], cursor: page.nextCursor }));
  };
  const filtered = Object.values(filter).some(Boolean);

  return (
    <>
      <PageHeader title={t('orders.title')} intro={t('orders.intro')} />
      <section className="card panel">
        <form className="filters" onSubmit={apply} aria-label={t('orders.filter')}>
          <div className="field">
            <label htmlFor="order-store">{t('orders.store')}</label>
            <select id="order-store" name="storeId" defaultValue={filter.storeId}>
              <option value="">{t('dash.allStores')}</option>
              {stores.data?.map((store) => (
                <option key={store.id} value={store.id}>
                  {store.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="order-status">{t('orders.status')}</label>
            <select id="order-status" name="status" defaultValue={filter.status}>
              <option value="">{t('orders.anyStatus')}</option>
              {STATUSES.map((status) => (
                <option key={status} value={status}>
                  {t(`orders.statuses.${status}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="order-method">{t('orders.paymentMethod')}</label>
            <select id="order-method" name="paymentMethod" defaultValue={filter.paymentMethod}>
              <option value="">{t('orders.anyMethod')}</option>
              {PAYMENT_METHODS.map((method) => (
                <option key={method} value={method}>
                  {t(`orders.methods.${method}`)}
                </option>
              ))}
            </select>
          </div>
          <Field label={t('orders.from')} name="from" type="date" defaultValue={filter.from} />
          <Field label={t('orders.to')} name="to" type="date" defaultValue={filter.to} />
          <button className="button" type="submit">
            {t('orders.apply')}
          </button>
        </form>
        <p className="hint">{t('orders.daysIn', { zone: me.merchant.timezone })}</p>
        <Loaded state={state}>
          {(page) => {
            const rows = [...page.data, ...(more?.rows ?? [])];
            const cursor = more ? more.cursor : page.nextCursor;
            return rows.length === 0 ? (
              <Empty title={filtered ? t('orders.noMatchTitle') : t('orders.emptyTitle')}>
                <p>{filtered ? t('orders.noMatch') : t('orders.empty')}</p>
              </Empty>
            ) : (
              <>
                <div className="table-wrap">
                  <table className="table">
                    <thead>
                      <tr>
                        <th>{t('orders.when')}</th>
                        <th>{t('orders.store')}</th>
                        <th>{t('orders.paymentMethod')}</th>
                        <th>{t('orders.status')}</th>
                        <th className="num">{t('orders.total')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {rows.map((order) => (
                        <tr key={order.id}>
                          <td className="nowrap">
                            <Link to={`/orders/${order.id}`}>{f.shortDateTime(order.occurredAt)}</Link>
                          </td>
                          <td>{storeName(order.storeId)}</td>
                          <td>{t(`orders.methods.${order.paymentMethod}` as 'orders.methods.other', { defaultValue: order.paymentMethod })}</td>
                          <td>
                            <span className={`badge status-${order.status}`}>{t(`orders.statuses.${order.status}`)}</span>
                          </td>
                          <td className="num">
                            {f.money(order.totalCents, order.currency)}
                            {order.refundedCents > 0 && <div className="hint">−{f.money(order.refundedCents, order.currency)}</div>}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                {cursor && (
                  <button type="button" className="button quiet" onClick={() => void loadMore(cursor)}>
                    {t('orders.more')}
                  </button>
                )}
              </>
            );
          }}
        </Loaded>
      </section>
    </>
  );
}

export function OrderPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const state = useLoad(async () => {
    const [order, stores, channels] = await Promise.all([dash.getOrder(id), dash.listStores(true), dash.listChannels(true)]);
    const channel = order.attribution ? channels.find((c) => c.id === order.attribution?.channelId) : undefined;
    return { order, storeName: stores.find((s) => s.id === order.storeId)?.name ?? order.storeId, channelName: channel?.name ?? order.attribution?.channelId ?? null };
  }, [id]);
  useTitle(t('orders.detailTitle'));
  return (
    <>
      <p className="crumbs">
        <Link to="/orders">{t('orders.title')}</Link>
      </p>
      <Loaded state={state}>
        {({ order, storeName, channelName }) => (
          <>
            <PageHeader
              title={t('orders.detailHeading', { amount: f.money(order.totalCents, order.currency) })}
              intro={`${f.dateTime(order.occurredAt)} · ${storeName}`}
              actions={<span className={`badge status-${order.status}`}>{t(`orders.statuses.${order.status}`)}</span>}
            />
            <div className="grid">
              <section className="card panel" aria-labelledby="items-title">
                <h2 id="items-title">{t('orders.items')}</h2>
                <div className="table-wrap">
                  <table className="table">
                    <tbody>
                      {order.items.map((item) => (
                        <tr key={item.line}>
                          <td>{item.name}</td>
                          <td className="num">× {item.quantity}</td>
                          <td className="num">{f.money(item.amountCents, order.currency)}</td>
                        </tr>
                      ))}
                    </tbody>
                    <tfoot>
                      {order.discountCents > 0 && (
                        <tr>
                          <td colSpan={2}>{t('orders.discount')}</td>
                          <td className="num">−{f.money(order.discountCents, order.currency)}</td>
                        </tr>
                      )}
                      <tr>
                        <th colSpan={2}>{t('orders.total')}</th>
                        <th className="num">{f.money(order.totalCents, order.currency)}</th>
                      </tr>
                      {order.refundedCents > 0 && (
                        <tr>
                          <td colSpan={2}>{t('orders.refunded')}</td>
                          <td className="num" data-refunded>
                            −{f.money(order.refundedCents, order.currency)}
                          </td>
                        </tr>
                      )}
                    </tfoot>
                  </table>
                </div>
                <dl className="facts">
                  <dt>{t('orders.paymentMethod')}</dt>
                  <dd>{t(`orders.methods.${order.paymentMethod}` as 'orders.methods.other', { defaultValue: order.paymentMethod })}</dd>
                  <dt>{t('orders.member')}</dt>
                  <dd>{order.member ? <Link to={`/members/${order.member.id}`}>{order.member.name ?? order.member.phone ?? order.member.id}</Link> : t('orders.noMember')}</dd>
                  <dt>{t('orders.coupons')}</dt>
                  <dd className="mono">{order.coupons.length ? order.coupons.map((c) => c.code).join(', ') : '—'}</dd>
                  <dt>{t('orders.attribution')}</dt>
                  <dd>{channelName ?? t('members.direct')}</dd>
                  <dt>{t('orders.externalId')}</dt>
                  <dd className="mono">{order.externalId ?? '—'}</dd>
                </dl>
              </section>
              <div className="stack">
                <Refunds order={order} onChange={(changed) => state.setData((d) => d && { ...d, order: changed })} />
              </div>
            </div>
          </>
        )}
      </Loaded>
    </>
  );
}

function Refunds({ order, onChange }: { order: dash.Order; onChange: (order: dash.Order) => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { busy, error, setError, run } = useAction();
  const [done, setDone] = useState<string | null>(null);
  const left = order.totalCents - order.refundedCents;
  const refundable = order.status !== 'void' && left > 0;

  const refund = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const value = formValues(form);
    const text = value('amount').trim();
    const amountCents = text ? toCents(text) : undefined;
    if (amountCents === null) {
      setError(new Error(t('dash.badAmount')));
      return;
    }
    setDone(null);
    void run(async () => {
      const result = await dash.refundOrder(order.id, { reason: value('reason').trim(), ...(amountCents !== undefined ? { amountCents } : {}) });
      onChange(result.order);
      setDone(t('orders.refundDone', { amount: f.money(result.refund.amountCents, order.currency) }));
      form.reset();
    });
  };
  const voidIt = () => {
    const reason = window.prompt(t('orders.voidReason'));
    if (!reason?.trim()) return;
    setDone(null);
    void run(async () => {
      onChange(await dash.voidOrder(order.id, reason.trim()));
      setDone(t('orders.voided'));
    });
  };

  return (
    <section className="card panel" aria-labelledby="refunds-title">
      <h2 id="refunds-title">{t('orders.refundsTitle')}</h2>
      {order.refunds.length === 0 ? (
        <p className="hint">{t('orders.noRefunds')}</p>
      ) : (
        <ul className="plain-list">
          {order.refunds.map((r) => (
            <li key={r.id}>
              <span>
                <strong>{r.kind === 'void' ? t('orders.void') : f.money(r.amountCents, order.currency)}</strong> · {r.reason}
              </span>
              <span className="hint">{f.dateTime(r.createdAt)}</span>
            </li>
          ))}
        </ul>
      )}
      {refundable && (
        <form className="form" onSubmit={refund} aria-label={t('orders.refund')}>
          <Field label={t('orders.refundAmount', { currency: order.currency })} hint={t('orders.refundAmountHint', { left: f.money(left, order.currency) })} name="amount" inputMode="decimal" />
          <Field label={t('orders.reason')} name="reason" required maxLength={500} />
          <button className="button primary" type="submit" disabled={busy}>
            {t('orders.refund')}
          </button>
        </form>
      )}
      {order.refunds.length === 0 && order.status !== 'void' && (
        <button type="button" className="button quiet" onClick={voidIt} disabled={busy}>
          {t('orders.voidButton')}
        </button>
      )}
      {done && <Success>{done}</Success>}
      <ErrorMessage error={error} fields={{ amountCents: t('orders.refundAmount', { currency: order.currency }), reason: t('orders.reason') }} overrides={{ refund_exceeds_remaining: t('orders.refundTooMuch') }} />
    </section>
  );
}
