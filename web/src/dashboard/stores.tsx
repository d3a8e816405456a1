import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type * as api from '../api.js';
import { ErrorMessage } from '../ui/error-message.js';
import { Field, formValues } from '../ui/field.js';
import { useAction } from '../ui/use-action.js';
import { useTitle } from '../ui/use-title.js';
import * as dash from './api.js';
import { Empty, Loaded, PageHeader, Success, useLoad } from './ui.js';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** Hours as a person reads them: `mon 09:00–18:00`, days with the same hours together. */
function hoursText(hours: api.Store['openingHours'], dayName: (day: string) => string): string {
  const parts = WEEKDAYS.filter((day) => hours[day]?.length).map((day) => `${dayName(day)} ${hours[day]!.map(([open, close]) => `${open}–${close}`).join(', ')}`);
  return parts.join(' · ');
}

export function StoresPage() {
  const { t } = useTranslation();
  useTitle(t('storesPage.title'));
  const state = useLoad(() => dash.listStores(true), []);
  const replace = (store: api.Store) => state.setData((list) => list && list.map((s) => (s.id === store.id ? store : s)));
  return (
    <>
      <PageHeader title={t('storesPage.title')} intro={t('storesPage.intro')} />
      <div className="grid">
        <section className="card panel" aria-labelledby="store-list-title">
          <h2 id="store-list-title">{t('stores.title')}</h2>
          <Loaded state={state}>
            {(stores) =>
              stores.length === 0 ? (
                <Empty title={t('stores.emptyTitle')}>
                  <p>{t('stores.empty')}</p>
                </Empty>
              ) : (
                <ul className="card-list">
                  {stores.map((store) => (
                    <StoreItem key={store.id} store={store} onSaved={replace} />
                  ))}
                </ul>
              )
            }
          </Loaded>
        </section>
        <NewStore onAdded={(store) => state.setData((list) => [...(list ?? []), store])} />
      </div>
    </>
  );
}

function StoreItem({ store, onSaved }: { store: api.Store; onSaved: (store: api.Store) => void }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const { busy, error, run } = useAction();
  const dayName = (day: string) => t(`storesPage.days.${day}` as 'storesPage.days.mon');
  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = formValues(event.currentTarget);
    const open = value('open');
    const close = value('close');
    const days = WEEKDAYS.filter((day) => value(`day-${day}`) === 'on');
    const phone = value('phone').trim();
    void run(async () => {
      const saved = await dash.updateStore(store.id, {
        name: value('name').trim(),
        address: value('address').trim(),
        phone: phone || null,
        ...(open && close ? { openingHours: Object.fromEntries(days.map((day) => [day, [[open, close]]])) } : {}),
        archived: value('archived') === 'on',
      });
      onSaved(saved);
      setEditing(false);
    });
  };
  const first = WEEKDAYS.map((day) => store.openingHours[day]?.[0]).find(Boolean);
  return (
    <li className={store.archived ? 'inactive' : undefined}>
      <div className="item-head">
        <div>
          <p className="store-name">
            {store.name} {store.archived && <span className="badge muted">{t('channels.archived')}</span>}
          </p>
          <p className="hint">{store.address || t('stores.noAddress')}</p>
          <p className="hint">{hoursText(store.openingHours, dayName) || t('storesPage.noHours')}</p>
        </div>
        <button type="button" className="button small quiet" onClick={() => setEditing((was) => !was)} aria-expanded={editing}>
          {t('dash.edit')}
        </button>
      </div>
      {editing && (
        <form className="form" onSubmit={save}>
          <div className="row">
            <Field label={t('stores.name')} name="name" required maxLength={200} defaultValue={store.name} />
            <Field label={t('storesPage.phone')} name="phone" maxLength={40} defaultValue={store.phone ?? ''} />
          </div>
          <Field label={t('stores.address')} name="address" maxLength={500} defaultValue={store.address} />
          <fieldset className="field">
            <legend>{t('storesPage.hours')}</legend>
            <div className="checks">
              {WEEKDAYS.map((day) => (
                <label key={day} className="check-field">
                  <input type="checkbox" name={`day-${day}`} defaultChecked={Boolean(store.openingHours[day]?.length) || !first} /> {dayName(day)}
                </label>
              ))}
            </div>
            <div className="row">
              <Field label={t('storesPage.opens')} name="open" type="time" defaultValue={first?.[0] ?? '09:00'} />
              <Field label={t('storesPage.closes')} name="close" type="time" defaultValue={first?.[1] ?? '21:00'} />
            </div>
          </fieldset>
          <label className="check-field">
            <input type="checkbox" name="archived" defaultChecked={store.archived} /> {t('storesPage.archive')}
          </label>
          <ErrorMessage error={error} />
          <button className="button primary" type="submit" disabled={busy}>
            {t('dash.save')}
          </button>
        </form>
      )}
    </li>
  );
}

function NewStore({ onAdded }: { onAdded: (store: api.Store) => void }) {
  const { t } = useTranslation();
  const { busy, error, run } = useAction();
  const [added, setAdded] = useState<string | null>(null);
  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const value = formValues(form);
    setAdded(null);
    void run(async () => {
      const address = value('address').trim();
      const store = await dash.createStore({ name: value('name').trim(), ...(address ? { address } : {}) });
      onAdded(store);
      setAdded(store.name);
      form.reset();
    });
  };
  return (
    <section className="card panel" aria-labelledby="new-store-title">
      <h2 id="new-store-title">{t('stores.add')}</h2>
      <form className="form" onSubmit={add}>
        <Field label={t('stores.name')} name="name" required maxLength={200} placeholder={t('stores.namePlaceholder')} />
        <Field label={t('stores.address')} name="address" maxLength={500} />
        <ErrorMessage error={error} fields={{ name: t('stores.name'), address: t('stores.address') }} />
        {added && <Success>{t('stores.added', { name: added })}</Success>}
        <button className="button primary" type="submit" disabled={busy}>
          {t('stores.add')}
        </button>
      </form>
    </section>
  );
}
