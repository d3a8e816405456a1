import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api.js';
import { ErrorMessage } from '../ui/error-message.js';
import { Field, formValues } from '../ui/field.js';
import { useAction } from '../ui/use-action.js';

export function PasswordPanel() {
  const { t } = useTranslation();
  const [changed, setChanged] = useState(false);
  const [mismatch, setMismatch] = useState(false);
  const { busy, error, run } = useAction();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const value = formValues(form);
    setChanged(false);
    const mismatched = value('newPassword') !== value('confirm');
    setMismatch(mismatched);
    if (mismatched) return;
    void run(async () => {
      await api.changePassword({ currentPassword: value('currentPassword'), newPassword: value('newPassword') });
      setChanged(true);
      form.reset();
    });
  };

  return (
    <section className="card panel" aria-labelledby="password-title">
      <h2 id="password-title">{t('password.title')}</h2>
      <form className="form" onSubmit={submit}>
        <Field label={t('password.current')} name="currentPassword" type="password" required maxLength={200} autoComplete="current-password" />
        <Field label={t('password.new')} hint={t('password.hint')} name="newPassword" type="password" required minLength={10} maxLength={200} autoComplete="new-password" />
        <Field label={t('password.confirm')} name="confirm" type="password" required minLength={10} maxLength={200} autoComplete="new-password" />
        {mismatch && (
          <p className="message error" role="alert">
            {t('password.mismatch')}
          </p>
        )}
        <ErrorMessage
          error={error}
          overrides={{ invalid_credentials: t('password.currentWrong') }}
          fields={{ currentPassword: t('password.current'), newPassword: t('password.new') }}
        />
        {changed && (
          <p className="message success" role="status">
            {t('password.changed')}
          </p>
        )}
        <button className="button" type="submit" disabled={busy}>
          {busy ? t('password.submitting') : t('password.submit')}
        </button>
      </form>
    </section>
  );
}
