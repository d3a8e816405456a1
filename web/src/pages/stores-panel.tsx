import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api.js';
import { Loading } from '../ui/auth-layout.js';
import { ErrorMessage } from '../ui/error-message.js';
import { Field, formValues } from '../ui/field.js';
import { useAction } from '../ui/use-action.js';

export function StoresPanel({ step, canAdd }: { step: number; canAdd: boolean }) {
  const { t } = useTranslation();
  const [stores, setStores] = useState<api.Store[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [added, setAdded] = useState<string | null>(null);
  const { busy, error, run } = useAction();

  useEffect(() => {
    let live = true;
    api.listStores().then(
      (found) => live && setStores(found),
      (caught: unknown) => live && setLoadError(caught),
    );
    return () => {
      live = false;
    };
  }, []);

  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const value = formValues(form);
    setAdded(null);
    void run(async () => {
      const address = value('address').trim();
      const store = await api.createStore({ name: value('name').trim(), ...(address ? { address } : {}) });
      setStores((list) => [...(list ?? []), store]);
      setAdded(store.name);
      form.reset();
    });
  };

  const empty = stores !== null && stores.length === 0;
  return (
    <section className="card panel" aria-labelledby="stores-title">
      <h2 id="stores-title">
        <span className="step">{step}</span>
        {t('stores.title')}
      </h2>
      {loadError ? <ErrorMessage error={loadError} /> : stores === null && <Loading />}
      {empty && (
        <div className="empty">
          <p className="empty-title">{t('stores.emptyTitle')}</p>
          <p>{canAdd ? t('stores.empty') : t('stores.clerkEmpty')}</p>
        </div>
      )}
      {stores !== null && stores.length > 0 && (
        <ul className="store-list">
          {stores.map((store) => (
            <li key={store.id}>
              <span className="store-name">{store.name}</span>
              <span className="store-address">{store.address || t('stores.noAddress')}</span>
            </li>
          ))}
        </ul>
      )}
      {added && (
        <p className="message success" role="status">
          {t('stores.added', { name: added })}
        </p>
      )}
      {canAdd && stores !== null && (
        <form className="form inline-form" onSubmit={add} aria-label={empty ? t('stores.add') : t('stores.addAnother')}>
          {!empty && <p className="form-title">{t('stores.addAnother')}</p>}
          <div className="row">
            <Field label={t('stores.name')} name="name" required maxLength={200} placeholder={t('stores.namePlaceholder')} />
            <Field label={t('stores.address')} name="address" maxLength={500} autoComplete="street-address" />
          </div>
          <ErrorMessage error={error} fields={{ name: t('stores.name'), address: t('stores.address') }} />
          <button className="button primary" type="submit" disabled={busy}>
            {busy ? t('stores.adding') : t('stores.add')}
          </button>
        </form>
      )}
    </section>
  );
}
