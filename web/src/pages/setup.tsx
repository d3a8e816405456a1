import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api.js';
import { Link, navigate } from '../router.js';
import { AuthLayout, Loading } from '../ui/auth-layout.js';
import { ErrorMessage } from '../ui/error-message.js';
import { Field, formValues, SelectField } from '../ui/field.js';
import { useAction } from '../ui/use-action.js';
import { useTitle } from '../ui/use-title.js';

const FALLBACK_ZONE = 'Asia/Shanghai';

/** First run: the business and its owner. Only reachable while no merchant exists. */
export function SetupPage() {
  const { t } = useTranslation();
  useTitle(t('setup.title'));
  const [checked, setChecked] = useState(false);
  const { busy, error, setError, run } = useAction();
  const zones = useMemo(timeZones, []);

  useEffect(() => {
    let live = true;
    api
      .getSetup()
      .then(({ needed }) => {
        if (!live) return;
        if (needed) setChecked(true);
        else navigate('/signin', { replace: true });
      })
      .catch((caught: unknown) => {
        if (!live) return;
        setError(caught); // Show the form anyway: submitting tells the truth.
        setChecked(true);
      });
    return () => {
      live = false;
    };
  }, [setError]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = formValues(event.currentTarget);
    void run(async () => {
      await api.setup({
        merchantName: value('merchantName').trim(),
        ownerName: value('ownerName').trim(),
        ownerEmail: value('ownerEmail').trim(),
        ownerPassword: value('ownerPassword'),
        timezone: value('timezone'),
      });
      navigate('/', { replace: true });
    });
  };

  const fields = {
    merchantName: t('setup.merchantName'),
    ownerName: t('setup.ownerName'),
    ownerEmail: t('setup.email'),
    ownerPassword: t('setup.password'),
    timezone: t('setup.timezone'),
  };

  return (
    <AuthLayout title={t('setup.title')} intro={t('setup.intro')}>
      {!checked ? (
        <Loading />
      ) : (
        <form className="form" onSubmit={submit}>
          <Field label={fields.merchantName} name="merchantName" required maxLength={200} placeholder={t('setup.merchantNamePlaceholder')} autoFocus />
          <Field label={fields.ownerName} name="ownerName" required maxLength={200} autoComplete="name" />
          <Field label={fields.ownerEmail} name="ownerEmail" type="email" required maxLength={254} autoComplete="email" />
          <Field
            label={fields.ownerPassword}
            hint={t('setup.passwordHint')}
            name="ownerPassword"
            type="password"
            required
            minLength={10}
            maxLength={200}
            autoComplete="new-password"
          />
          <SelectField label={fields.timezone} hint={t('setup.timezoneHint')} name="timezone" options={zones.list} defaultValue={zones.preferred} />
          <ErrorMessage error={error} fields={fields} />
          {error instanceof api.ApiError && error.code === 'setup_already_done' && <Link to="/signin">{t('setup.goSignIn')}</Link>}
          <button className="button primary" type="submit" disabled={busy}>
            {busy ? t('setup.submitting') : t('setup.submit')}
          </button>
        </form>
      )}
    </AuthLayout>
  );
}

/** The zones this browser knows, and the one to offer first: the browser's own, else Shanghai. */
function timeZones(): { list: string[]; preferred: string } {
  const list = Intl.supportedValuesOf('timeZone');
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const preferred = own && list.includes(own) ? own : FALLBACK_ZONE;
  return { list: list.includes(preferred) ? list : [preferred, ...list], preferred };
}
