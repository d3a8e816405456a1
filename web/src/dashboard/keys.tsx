import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../ui/error-message.js';
import { Field, formValues } from '../ui/field.js';
import { useAction } from '../ui/use-action.js';
import { useTitle } from '../ui/use-title.js';
import * as dash from './api.js';
import { useFormat } from './format.js';
import { CopyButton, Empty, Loaded, PageHeader, useLoad } from './ui.js';

export function KeysPage() {
  const { t } = useTranslation();
  useTitle(t('keys.title'));
  const f = useFormat();
  const state = useLoad(dash.listKeys, []);
  const [shown, setShown] = useState<dash.CreatedApiKey | null>(null);
  const { busy, error, run } = useAction();
  const [kind, setKind] = useState<'publishable' | 'secret'>('publishable');

  const create = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const value = formValues(form);
    void run(async () => {
      const created = await dash.createKey({ kind, name: value('name').trim(), ...(kind === 'secret' ? { role: value('role') as 'manager' | 'owner' } : {}) });
      setShown(created);
      state.setData((list) => [created.key, ...(list ?? [])]);
      form.reset();
    });
  };
  const revoke = (id: string) => {
    if (!window.confirm(t('keys.revokeConfirm'))) return;
    void run(async () => {
      const revoked = await dash.revokeKey(id);
      state.setData((list) => list && list.map((k) => (k.id === id ? revoked : k)));
    });
  };

  return (
    <>
      <PageHeader title={t('keys.title')} intro={t('keys.intro')} />
      <div className="grid">
        <section className="card panel" aria-labelledby="key-list-title">
          <h2 id="key-list-title">{t('keys.listTitle')}</h2>
          {shown && (
            <div className="message success" role="status">
              <p>{t('keys.shownOnce')}</p>
              <p className="token-row">
                <code className="token">{shown.token}</code>
                <CopyButton text={shown.token} label={t('links.copy')} />
              </p>
            </div>
          )}
          <Loaded state={state}>
            {(keys) =>
              keys.length === 0 ? (
                <Empty title={t('keys.emptyTitle')}>
                  <p>{t('keys.empty')}</p>
                </Empty>
              ) : (
                <div className="table-wrap">
                  <table className="table">
                    <thead>
                      <tr>
                        <th>{t('keys.name')}</th>
                        <th>{t('keys.kind')}</th>
                        <th>{t('keys.lastUsed')}</th>
                        <th />
                      </tr>
                    </thead>
                    <tbody>
                      {keys.map((key) => (
                        <tr key={key.id} className={key.revokedAt ? 'inactive' : undefined}>
                          <td>
                            {key.name}
                            <div className="hint mono">{key.hint}</div>
                          </td>
                          <td>
                            {t(`keys.kinds.${key.kind}`)}
                            {key.role && <div className="hint">{t(`roles.${key.role}`)}</div>}
                          </td>
                          <td>{key.revokedAt ? t('keys.revoked', { date: f.date(key.revokedAt) }) : f.dateTime(key.lastUsedAt)}</td>
                          <td className="num">
                            {!key.revokedAt && (
                              <button type="button" className="button small quiet" onClick={() => revoke(key.id)} disabled={busy}>
                                {t('keys.revoke')}
                              </button>
                            )}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )
            }
          </Loaded>
        </section>
        <section className="card panel" aria-labelledby="new-key-title">
          <h2 id="new-key-title">{t('keys.add')}</h2>
          <form className="form" onSubmit={create}>
            <Field label={t('keys.name')} name="name" required maxLength={200} placeholder={t('keys.namePlaceholder')} />
            <div className="field">
              <label htmlFor="key-kind">{t('keys.kind')}</label>
              <select id="key-kind" value={kind} onChange={(event) => setKind(event.target.value as 'publishable' | 'secret')}>
                <option value="publishable">{t('keys.kinds.publishable')}</option>
                <option value="secret">{t('keys.kinds.secret')}</option>
              </select>
              <p className="hint">{t(`keys.kindHelp.${kind}`)}</p>
            </div>
            {kind === 'secret' && (
              <div className="field">
                <label htmlFor="key-role">{t('staff.role')}</label>
                <select id="key-role" name="role" defaultValue="manager">
                  <option value="manager">{t('roles.manager')}</option>
                  <option value="owner">{t('roles.owner')}</option>
                </select>
              </div>
            )}
            <ErrorMessage error={error} />
            <button className="button primary" type="submit" disabled={busy}>
              {t('keys.add')}
            </button>
          </form>
        </section>
      </div>
    </>
  );
}
