import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type * as api from '../api.js';
import { Link, navigate } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import { Field, formValues } from '../ui/field.js';
import { useAction } from '../ui/use-action.js';
import { useTitle } from '../ui/use-title.js';
import * as dash from './api.js';
import { localToday, toCents, useFormat, zonedInstant } from './format.js';
import { useSession } from './session.js';
import { Empty, Loaded, PageHeader, Success, useLoad } from './ui.js';

/** The customer's page of an offer (web/src/customer), where a link to the offer should lead. */
export function offerPagePath(merchantId: string, offerId: string): string {
  return `/m/${merchantId}/o/${offerId}`;
}

const KINDS: dash.OfferKind[] = ['amount_off', 'percent_off', 'free_item', 'booking'];
// Counts move while customers claim: the open page asks again now and then.
const LIVE_COUNTS_MS = 15_000;

export function OffersPage() {
  const { t } = useTranslation();
  useTitle(t('offers.title'));
  const state = useLoad(dash.listOffers, []);
  return (
    <>
      <PageHeader
        title={t('offers.title')}
        intro={t('offers.intro')}
        actions={
          <Link className="button primary" to="/offers/new">
            {t('offers.new')}
          </Link>
        }
      />
      <section className="card panel">
        <Loaded state={state}>
          {(offers) =>
            offers.length === 0 ? (
              <Empty title={t('offers.emptyTitle')}>
                <p>{t('offers.empty')}</p>
              </Empty>
            ) : (
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th>{t('offers.name')}</th>
                      <th>{t('offers.state')}</th>
                      <th className="num">{t('offers.claimed')}</th>
                      <th className="num">{t('offers.redeemed')}</th>
                      <th className="num">{t('offers.remaining')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {offers.map((offer) => (
                      <tr key={offer.id}>
                        <td>
                          <Link to={`/offers/${offer.id}`}>{offer.name}</Link>
                          <div className="hint">{t(`offers.kinds.${offer.kind}`)}</div>
                        </td>
                        <td>
                          <StateBadge state={offer.state} />
                        </td>
                        <td className="num">{offer.claimed}</td>
                        <td className="num">{offer.redeemed}</td>
                        <td className="num">{offer.remaining ?? t('offers.unlimited')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </Loaded>
      </section>
    </>
  );
}

function StateBadge({ state }: { state: dash.OfferState }) {
  const { t } = useTranslation();
  return <span className={`badge state-${state}`}>{t(`offers.states.${state}`)}</span>;
}

/** A new offer (`/offers/new`) or one offer: its terms, its state, its live counts, its customer page. */
export function OfferPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const isNew = id === 'new';
  const state = useLoad(async () => {
    const [offer, stores] = await Promise.all([isNew ? Promise.resolve(null) : dash.getOffer(id), dash.listStores()]);
    return { offer, stores };
  }, [id]);
  useTitle(state.data?.offer?.name ?? t('offers.new'));

  // Live counts: refreshed quietly while the page is open.
  const { setData } = state;
  useEffect(() => {
    if (isNew) return;
    const timer = window.setInterval(() => {
      dash.getOffer(id).then(
        (offer) => setData((d) => d && { ...d, offer }),
        () => undefined,
      );
    }, LIVE_COUNTS_MS);
    return () => window.clearInterval(timer);
  }, [id, isNew, setData]);

  return (
    <>
      <p className="crumbs">
        <Link to="/offers">{t('offers.title')}</Link>
      </p>
      <Loaded state={state}>
        {({ offer, stores }) => (
          <>
            <PageHeader title={offer ? offer.name : t('offers.new')} intro={offer ? undefined : t('offers.newIntro')} actions={offer && <StateBadge state={offer.state} />} />
            <div className="grid">
              <OfferForm offer={offer} stores={stores} onSaved={(saved) => setData((d) => d && { ...d, offer: saved })} />
              {offer && (
                <div className="stack">
                  <Counts offer={offer} />
                  <StatePanel offer={offer} onChanged={(saved) => setData((d) => d && { ...d, offer: saved })} />
                  {offer.kind === 'booking' && <SlotsPanel offer={offer} stores={stores} />}
                  <Preview offer={offer} stores={stores} />
                </div>
              )}
            </div>
          </>
        )}
      </Loaded>
    </>
  );
}

function Counts({ offer }: { offer: dash.Offer }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <section className="card panel" aria-labelledby="counts-title">
      <h2 id="counts-title">{t('offers.countsTitle')}</h2>
      <dl className="stat-row big">
        <div>
          <dt>{t('offers.claimed')}</dt>
          <dd data-count="claimed">{f.number(offer.claimed)}</dd>
        </div>
        <div>
          <dt>{t('offers.redeemed')}</dt>
          <dd data-count="redeemed">{f.number(offer.redeemed)}</dd>
        </div>
        <div>
          <dt>{t('offers.remaining')}</dt>
          <dd data-count="remaining">{offer.remaining === null ? t('offers.unlimited') : f.number(offer.remaining)}</dd>
        </div>
      </dl>
      {offer.budgetCents !== null && <p className="hint">{t('offers.budgetUsed', { used: f.money(offer.budgetUsedCents), budget: f.money(offer.budgetCents) })}</p>}
    </section>
  );
}

function StatePanel({ offer, onChanged }: { offer: dash.Offer; onChanged: (offer: dash.Offer) => void }) {
  const { t } = useTranslation();
  const { busy, error, run } = useAction();
  const moves: ('live' | 'paused' | 'ended')[] = offer.state === 'draft' ? ['live'] : offer.state === 'live' ? ['paused', 'ended'] : offer.state === 'paused' ? ['live', 'ended'] : [];
  const label = (to: 'live' | 'paused' | 'ended') => (to === 'live' ? (offer.state === 'draft' ? t('offers.publish') : t('offers.resume')) : to === 'paused' ? t('offers.pause') : t('offers.end'));
  const move = (to: 'live' | 'paused' | 'ended') => {
    if (to === 'ended' && !window.confirm(t('offers.endConfirm'))) return;
    void run(async () => onChanged(await dash.changeOfferState(offer.id, to)));
  };
  return (
    <section className="card panel" aria-labelledby="state-title">
      <h2 id="state-title">{t('offers.stateTitle')}</h2>
      <p className="hint">{t(`offers.stateHelp.${offer.state}`)}</p>
      {moves.length > 0 && (
        <p className="links">
          {moves.map((to) => (
            <button key={to} type="button" className={`button${to === 'live' ? ' primary' : ''}`} disabled={busy} onClick={() => move(to)}>
              {label(to)}
            </button>
          ))}
        </p>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}

/** The time slots of an appointment offer, per store: each a time with a number of places. */
function SlotsPanel({ offer, stores }: { offer: dash.Offer; stores: api.Store[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const slots = useLoad(() => dash.listSlots(offer.id), [offer.id]);
  const { busy, error, setError, run } = useAction();
  const zone = me.merchant.timezone;
  const places = offer.storeIds.length === 0 ? stores : stores.filter((s) => offer.storeIds.includes(s.id));
  const storeName = (id: string) => stores.find((s) => s.id === id)?.name ?? id;
  const ended = offer.state === 'ended';

  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const value = formValues(form);
    const day = value('day');
    if (value('endsAt') <= value('startsAt')) {
      setError(new Error(t('slots.endBeforeStart')));
      return;
    }
    void run(async () => {
      await dash.addSlot(offer.id, {
        storeId: value('storeId'),
        startsAt: zonedInstant(day, value('startsAt'), zone),
        endsAt: zonedInstant(day, value('endsAt'), zone),
        capacity: Number(value('capacity')),
      });
      slots.reload();
    });
  };
  const remove = (slotId: string) =>
    void run(async () => {
      await dash.removeSlot(offer.id, slotId);
      slots.reload();
    });

  return (
    <section className="card panel" aria-labelledby="slots-title">
      <h2 id="slots-title">{t('slots.title')}</h2>
      <p className="hint">{t('slots.intro', { zone })}</p>
      <Loaded state={slots}>
        {(list) =>
          list.length === 0 ? (
            <Empty title={t('slots.emptyTitle')}>
              <p>{t('slots.empty')}</p>
            </Empty>
          ) : (
            <ul className="plain-list">
              {[...list]
                .sort((a, b) => storeName(a.storeId).localeCompare(storeName(b.storeId)) || a.startsAt.localeCompare(b.startsAt))
                .map((slot) => (
                  <li key={slot.id}>
                    <span>
                      <strong>
                        {f.dateTime(slot.startsAt)} – {f.time(slot.endsAt)}
                      </strong>
                      <span className="hint">
                        {' '}
                        · {storeName(slot.storeId)} · {t('slots.bookedOf', { booked: slot.booked, capacity: slot.capacity })}
                      </span>
                    </span>
                    {slot.booked === 0 ? (
                      <button type="button" className="button quiet small" disabled={busy} onClick={() => remove(slot.id)} aria-label={t('slots.removeOne', { when: f.dateTime(slot.startsAt) })}>
                        {t('dash.remove')}
                      </button>
                    ) : (
                      <span className="hint">{t('slots.keep')}</span>
                    )}
                  </li>
                ))}
            </ul>
          )
        }
      </Loaded>
      {ended ? null : places.length === 0 ? (
        <p className="hint">{t('offers.noStores')}</p>
      ) : (
        <form className="form" onSubmit={add} aria-label={t('slots.add')}>
          <div className="row">
            <div className="field">
              <label htmlFor="slot-store">{t('slots.store')}</label>
              <select id="slot-store" name="storeId">
                {places.map((store) => (
                  <option key={store.id} value={store.id}>
                    {store.name}
                  </option>
                ))}
              </select>
            </div>
            <Field label={t('slots.day')} name="day" type="date" required defaultValue={localToday(zone)} />
          </div>
          <div className="row">
            <Field label={t('slots.startsAt')} name="startsAt" type="time" required defaultValue="10:00" />
            <Field label={t('slots.endsAt')} name="endsAt" type="time" required defaultValue="11:00" />
            <Field label={t('slots.capacity')} name="capacity" type="number" min={1} max={100000} required defaultValue={1} />
          </div>
          <ErrorMessage
            error={error}
            fields={{ storeId: t('slots.store'), startsAt: t('slots.startsAt'), endsAt: t('slots.endsAt'), capacity: t('slots.capacity') }}
            overrides={{ conflict: t('slots.booked409'), invalid_reference: t('slots.storeGone') }}
          />
          <button className="button" type="submit" disabled={busy}>
            {t('slots.add')}
          </button>
        </form>
      )}
    </section>
  );
}

/** What the customer sees, in short, and the real page (in a new tab: our pages refuse to be framed). */
function Preview({ offer, stores }: { offer: dash.Offer; stores: api.Store[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const where = offer.storeIds.length === 0 ? t('offers.allStores') : stores.filter((s) => offer.storeIds.includes(s.id)).map((s) => s.name).join(', ');
  const headline =
    offer.kind === 'amount_off' && offer.amountOffCents !== null
      ? t('offers.headline.amount_off', { amount: f.money(offer.amountOffCents) })
      : offer.kind === 'percent_off' && offer.percentOff !== null
        ? t('offers.headline.percent_off', { percent: offer.percentOff })
        : offer.freeItem ?? t(`offers.kinds.${offer.kind}`);
  return (
    <section className="card panel" aria-labelledby="preview-title">
      <h2 id="preview-title">{t('offers.previewTitle')}</h2>
      <div className="phone-preview" aria-hidden="true">
        <p className="hint">{me.merchant.name}</p>
        <p className="preview-headline">{headline}</p>
        <p className="preview-name">{offer.name}</p>
        {offer.description && <p className="hint">{offer.description}</p>}
        {offer.minSpendCents !== null && <p className="hint">{t('offers.minSpendNote', { amount: f.money(offer.minSpendCents) })}</p>}
        <p className="hint">{where}</p>
        <span className="button primary small">{t('offers.previewClaim')}</span>
      </div>
      <p className="hint">{offer.state === 'live' ? t('offers.previewLive') : t('offers.previewNotLive')}</p>
      <a className="button" href={offerPagePath(me.merchant.id, offer.id)} target="_blank" rel="noopener">
        {t('offers.openCustomerPage')}
      </a>
    </section>
  );
}

function OfferForm({ offer, stores, onSaved }: { offer: dash.Offer | null; stores: api.Store[]; onSaved: (offer: dash.Offer) => void }) {
  const { t } = useTranslation();
  const me = useSession();
  const f = useFormat();
  const [kind, setKind] = useState<dash.OfferKind>(offer?.kind ?? 'amount_off');
  const [validity, setValidity] = useState<'days' | 'dates'>(offer?.validFrom ? 'dates' : 'days');
  const [saved, setSaved] = useState(false);
  const { busy, error, setError, run } = useAction();
  const ended = offer?.state === 'ended';
  const currency = me.merchant.currency;
  const units = (cents: number | null | undefined) => (cents === null || cents === undefined ? '' : String(cents / 100));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const value = formValues(form);
    const data = new FormData(form);
    const money = (name: string): number | null => {
      const text = value(name).trim();
      if (!text) return null;
      const cents = toCents(text);
      if (cents === null) throw new Error(t('dash.badAmountIn', { field: t(`offers.fields.${name}` as 'offers.fields.amountOff') }));
      return cents;
    };
    const whole = (name: string): number | null => (value(name).trim() ? Number(value(name)) : null);
    let terms: dash.UpdateOfferBody;
    try {
      terms = {
        name: value('name').trim(),
        description: value('description').trim(),
        amountOffCents: kind === 'amount_off' ? money('amountOff') : null,
        percentOff: kind === 'percent_off' ? whole('percentOff') : null,
        maxDiscountCents: kind === 'percent_off' ? money('maxDiscount') : null,
        freeItem: kind === 'free_item' || kind === 'booking' ? value('freeItem').trim() || null : null,
        itemValueCents: kind === 'free_item' || kind === 'booking' ? money('itemValue') : null,
        minSpendCents: money('minSpend'),
        storeIds: data.getAll('storeIds').map(String),
        perPersonLimit: whole('perPersonLimit') ?? 1,
        totalQuantity: whole('totalQuantity'),
        budgetCents: money('budget'),
        ...(kind === 'booking' ? {} : validity === 'dates' ? { validFrom: value('validFrom') || null, validUntil: value('validUntil') || null } : { validDays: whole('validDays') }),
      };
    } catch (caught) {
      setError(caught);
      return;
    }
    setSaved(false);
    void run(async () => {
      if (offer) {
        onSaved(await dash.updateOffer(offer.id, terms));
        setSaved(true);
      } else {
        const created = await dash.createOffer({ ...terms, name: terms.name ?? '', kind });
        navigate(`/offers/${created.id}`, { replace: true });
      }
    });
  };

  const fields = {
    name: t('offers.name'),
    description: t('offers.description'),
    amountOffCents: t('offers.fields.amountOff'),
    percentOff: t('offers.fields.percentOff'),
    maxDiscountCents: t('offers.fields.maxDiscount'),
    freeItem: kind === 'booking' ? t('offers.fields.booked') : t('offers.fields.freeItem'),
    itemValueCents: t('offers.fields.itemValue'),
    minSpendCents: t('offers.fields.minSpend'),
    validFrom: t('offers.validFrom'),
    validUntil: t('offers.validUntil'),
    validDays: t('offers.validDays'),
    perPersonLimit: t('offers.perPersonLimit'),
    totalQuantity: t('offers.totalQuantity'),
    budgetCents: t('offers.fields.budget'),
  };

  return (
    <section className="card panel" aria-labelledby="terms-title">
      <h2 id="terms-title">{t('offers.termsTitle')}</h2>
      {offer && offer.claimed > 0 && <p className="hint">{t('offers.editNote')}</p>}
      <form className="form" onSubmit={submit}>
        <fieldset disabled={ended} className="plain">
          <div className="form">
            <Field label={fields.name} name="name" required maxLength={200} defaultValue={offer?.name} placeholder={t('offers.namePlaceholder')} />
            <div className="field">
              <label htmlFor="offer-description">{fields.description}</label>
              <textarea id="offer-description" name="description" maxLength={2000} rows={3} defaultValue={offer?.description} />
            </div>
            <div className="field">
              <label htmlFor="offer-kind">{t('offers.kind')}</label>
              <select id="offer-kind" name="kind" value={kind} disabled={Boolean(offer)} onChange={(event) => setKind(event.target.value as dash.OfferKind)}>
                {KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`offers.kinds.${k}`)}
                  </option>
                ))}
              </select>
              {offer && <p className="hint">{t('offers.kindFixed')}</p>}
            </div>
            {kind === 'amount_off' && <Field label={`${fields.amountOffCents} (${currency})`} name="amountOff" inputMode="decimal" required defaultValue={units(offer?.amountOffCents)} />}
            {kind === 'percent_off' && (
              <div className="row">
                <Field label={fields.percentOff} name="percentOff" type="number" min={1} max={100} required defaultValue={offer?.percentOff ?? ''} />
                <Field label={`${fields.maxDiscountCents} (${currency})`} hint={t('offers.maxDiscountHint')} name="maxDiscount" inputMode="decimal" defaultValue={units(offer?.maxDiscountCents)} />
              </div>
            )}
            {(kind === 'free_item' || kind === 'booking') && (
              <div className="row">
                <Field label={fields.freeItem} name="freeItem" maxLength={200} required={kind === 'free_item'} defaultValue={offer?.freeItem ?? ''} />
                <Field label={`${fields.itemValueCents} (${currency})`} hint={t('offers.itemValueHint')} name="itemValue" inputMode="decimal" defaultValue={units(offer?.itemValueCents)} />
              </div>
            )}
            <Field label={`${fields.minSpendCents} (${currency})`} hint={t('offers.minSpendHint')} name="minSpend" inputMode="decimal" defaultValue={units(offer?.minSpendCents)} />
            <fieldset className="field">
              <legend>{t('offers.stores')}</legend>
              {stores.length === 0 ? (
                <p className="hint">{t('offers.noStores')}</p>
              ) : (
                <div className="checks">
                  {stores.map((store) => (
                    <label key={store.id} className="check-field">
                      <input type="checkbox" name="storeIds" value={store.id} defaultChecked={offer?.storeIds.includes(store.id) ?? false} /> {store.name}
                    </label>
                  ))}
                </div>
              )}
              <p className="hint">{t('offers.storesHint')}</p>
            </fieldset>
            {kind === 'booking' ? (
              <p className="hint">{t('offers.bookingValidity')}</p>
            ) : (
              <fieldset className="field">
                <legend>{t('offers.validity')}</legend>
                <div className="checks">
                  <label className="check-field">
                    <input type="radio" name="validityMode" checked={validity === 'days'} onChange={() => setValidity('days')} /> {t('offers.validityDays')}
                  </label>
                  <label className="check-field">
                    <input type="radio" name="validityMode" checked={validity === 'dates'} onChange={() => setValidity('dates')} /> {t('offers.validityDates')}
                  </label>
                </div>
                {validity === 'days' ? (
                  <Field label={fields.validDays} hint={t('offers.validDaysHint')} name="validDays" type="number" min={1} max={3650} required defaultValue={offer?.validDays ?? 30} />
                ) : (
                  <div className="row">
                    <Field label={fields.validFrom} name="validFrom" type="date" required defaultValue={offer?.validFrom ?? ''} />
                    <Field label={fields.validUntil} name="validUntil" type="date" required defaultValue={offer?.validUntil ?? ''} />
                  </div>
                )}
              </fieldset>
            )}
            <div className="row">
              <Field label={fields.perPersonLimit} name="perPersonLimit" type="number" min={1} max={1000} required defaultValue={offer?.perPersonLimit ?? 1} />
              <Field label={fields.totalQuantity} hint={t('offers.totalQuantityHint')} name="totalQuantity" type="number" min={0} defaultValue={offer?.totalQuantity ?? ''} />
            </div>
            <Field label={`${fields.budgetCents} (${currency})`} hint={t('offers.budgetHint')} name="budget" inputMode="decimal" defaultValue={units(offer?.budgetCents)} />
          </div>
        </fieldset>
        <ErrorMessage error={error} fields={fields} />
        {saved && <Success>{t('dash.saved')}</Success>}
        {ended ? (
          <p className="hint">{t('offers.endedNote')}</p>
        ) : (
          <button className="button primary" type="submit" disabled={busy}>
            {offer ? t('dash.save') : t('offers.create')}
          </button>
        )}
        {offer && offer.budgetCents !== null && <p className="hint">{t('offers.budgetUsed', { used: f.money(offer.budgetUsedCents), budget: f.money(offer.budgetCents) })}</p>}
      </form>
    </section>
  );
}
