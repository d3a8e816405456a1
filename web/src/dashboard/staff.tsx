import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type * as api from '../api.js';
import { ErrorMessage } from '../ui/error-message.js';
import { Field, formValues } from '../ui/field.js';
import { useAction } from '../ui/use-action.js';
import { useTitle } from '../ui/use-title.js';
import * as dash from './api.js';
import { useFormat } from './format.js';
import { useSession } from './session.js';
import { Loaded, PageHeader, Success, useLoad } from './ui.js';

export function StaffPage() {
  const { t } = useTranslation();
  useTitle(t('staff.title'));
  const state = useLoad(async () => {
    const [staff, stores] = await Promise.all([dash.listStaff(), dash.listStores()]);
    return { staff, stores };
  }, []);
  return (
    <>
      <PageHeader title={t('staff.title')} intro={t('staff.intro')} />
      <Loaded state={state}>
        {({ staff, stores }) => (
          <div className="grid">
            <section className="card panel" aria-labelledby="staff-list-title">
              <h2 id="staff-list-title">{t('staff.listTitle')}</h2>
              <ul className="card-list">
                {staff.map((person) => (
                  <Person key={person.id} person={person} stores={stores} onSaved={(saved) => state.setData((d) => d && { ...d, staff: d.staff.map((s) => (s.id === saved.id ? saved : s)) })} />
                ))}
              </ul>
              {staff.length === 1 && <p className="hint">{t('staff.aloneHint')}</p>}
            </section>
            <NewPerson stores={stores} onAdded={(person) => state.setData((d) => d && { ...d, staff: [...d.staff, person] })} />
          </div>
        )}
      </Loaded>
    </>
  );
}

function Person({ person, stores, onSaved }: { person: api.StaffMember; stores: api.Store[]; onSaved: (person: api.StaffMember) => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const { busy, error, run } = useAction();
  const self = person.id === me.staff?.id;
  const storeNames = person.storeIds.map((id) => stores.find((s) => s.id === id)?.name ?? id).join(', ');
  const toggle = () => void run(async () => onSaved(await dash.updateStaff(person.id, { disabled: !person.disabled })));
  return (
    <li className={person.disabled ? 'inactive' : undefined}>
      <div className="item-head">
        <div>
          <p className="store-name">
            {person.name} <span className="badge">{t(`roles.${person.role}`)}</span> {person.disabled && <span className="badge muted">{t('staff.disabled')}</span>}
          </p>
          <p className="hint">{person.email}</p>
          {person.role === 'clerk' && <p className="hint">{storeNames || t('staff.noStores')}</p>}
          <p className="hint">{t('staff.since', { date: f.date(person.createdAt) })}</p>
        </div>
        {!self && (
          <button type="button" className="button small quiet" onClick={toggle} disabled={busy}>
            {person.disabled ? t('staff.enable') : t('staff.disable')}
          </button>
        )}
      </div>
      <ErrorMessage error={error} />
    </li>
  );
}

function NewPerson({ stores, onAdded }: { stores: api.Store[]; onAdded: (person: api.StaffMember) => void }) {
  const { t } = useTranslation();
  const me = useSession();
  const [role, setRole] = useState<api.Role>('clerk');
  const [added, setAdded] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const roles: api.Role[] = me.role === 'owner' ? ['clerk', 'manager', 'owner'] : ['clerk'];
  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const value = formValues(form);
    const storeIds = new FormData(form).getAll('storeIds').map(String);
    setAdded(null);
    void run(async () => {
      const person = await dash.createStaff({ name: value('name').trim(), email: value('email').trim(), password: value('password'), role, ...(role === 'clerk' ? { storeIds } : {}) });
      onAdded(person);
      setAdded(person.name);
      form.reset();
    });
  };
  const fields = { name: t('staff.name'), email: t('signin.email'), password: t('staff.password') };
  return (
    <section className="card panel" aria-labelledby="new-staff-title">
      <h2 id="new-staff-title">{t('staff.add')}</h2>
      <form className="form" onSubmit={add}>
        <Field label={fields.name} name="name" required maxLength={200} />
        <Field label={fields.email} name="email" type="email" required maxLength={254} autoComplete="off" />
        <Field label={fields.password} hint={t('staff.passwordHint')} name="password" type="password" required minLength={10} maxLength={200} autoComplete="new-password" />
        <div className="field">
          <label htmlFor="staff-role">{t('staff.role')}</label>
          <select id="staff-role" name="role" value={role} onChange={(event) => setRole(event.target.value as api.Role)}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
          <p className="hint">{t(`staff.roleHelp.${role}`)}</p>
        </div>
        {role === 'clerk' && (
          <fieldset className="field">
            <legend>{t('staff.stores')}</legend>
            <div className="checks">
              {stores.map((store) => (
                <label key={store.id} className="check-field">
                  <input type="checkbox" name="storeIds" value={store.id} defaultChecked={stores.length === 1} /> {store.name}
                </label>
              ))}
            </div>
          </fieldset>
        )}
        <ErrorMessage error={error} fields={fields} overrides={{ email_taken: t('staff.emailTaken') }} />
        {added && <Success>{t('staff.added', { name: added })}</Success>}
        <button className="button primary" type="submit" disabled={busy}>
          {t('staff.add')}
        </button>
      </form>
    </section>
  );
}
