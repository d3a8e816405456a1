import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api.js';
import { navigate, routeState } from '../router.js';
import { AuthLayout } from '../ui/auth-layout.js';
import { ErrorMessage } from '../ui/error-message.js';
import { Field, formValues } from '../ui/field.js';
import { useAction } from '../ui/use-action.js';
import { useTitle } from '../ui/use-title.js';

export function SignInPage() {
  const { t } = useTranslation();
  useTitle(t('signin.title'));
  const { busy, error, run } = useAction();
  const [notice] = useState(() => routeState().notice);

  useEffect(() => {
    let live = true;
    // A fresh install has nobody to sign in yet. If the check fails, the form is still right.
    api
      .getSetup()
      .then(({ needed }) => {
        if (live && needed) navigate('/setup', { replace: true });
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = formValues(event.currentTarget);
    void run(async () => {
      await api.signIn({ email: value('email').trim(), password: value('password') });
      navigate('/', { replace: true });
    });
  };

  return (
    <AuthLayout title={t('signin.title')} intro={t('signin.intro')}>
      {notice && !error && (
        <p className="message info" role="status">
          {notice === 'session_expired' ? t('signin.sessionExpired') : t('signin.signedOut')}
        </p>
      )}
      <form className="form" onSubmit={submit}>
        <Field label={t('signin.email')} name="email" type="email" required maxLength={254} autoComplete="username" autoFocus />
        <Field label={t('signin.password')} name="password" type="password" required maxLength={200} autoComplete="current-password" />
        <ErrorMessage error={error} fields={{ email: t('signin.email'), password: t('signin.password') }} />
        <button className="button primary" type="submit" disabled={busy}>
          {busy ? t('signin.submitting') : t('signin.submit')}
        </button>
      </form>
    </AuthLayout>
  );
}
