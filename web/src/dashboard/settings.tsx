import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../ui/error-message.js';
import { Field, formValues, SelectField } from '../ui/field.js';
import { useAction } from '../ui/use-action.js';
import { useTitle } from '../ui/use-title.js';
import * as dash from './api.js';
import { useSession } from './session.js';
import { Loaded, PageHeader, Success, useLoad } from './ui.js';

const CURRENCIES = ['CNY', 'HKD', 'TWD', 'MOP', 'SGD', 'JPY', 'KRW', 'USD', 'EUR', 'GBP'];

/** The business's settings (owners change them; managers read them) and how messages are sent. */
export function SettingsPage() {
  const { t } = useTranslation();
  useTitle(t('settings.title'));
  const state = useLoad(dash.getMerchant, []);
  return (
    <>
      <PageHeader title={t('settings.title')} intro={t('settings.intro')} />
      <Loaded state={state}>
        {(merchant) => (
          <div className="grid">
            <MerchantForm merchant={merchant} onSaved={(saved) => state.setData(saved)} />
            <section className="card panel" aria-labelledby="messages-title">
              <h2 id="messages-title">{t('settings.messagesTitle')}</h2>
              <dl className="facts">
                <dt>{t('settings.provider')}</dt>
                <dd data-provider={merchant.messageProvider}>
                  <span className={`badge${merchant.messageProvider === 'dev' ? ' warn' : ''}`}>{t(merchant.messageProvider === 'dev' ? 'settings.providerDev' : 'settings.providerHttp')}</span>
                </dd>
              </dl>
              <p className="hint">{t(merchant.messageProvider === 'dev' ? 'settings.providerDevHelp' : 'settings.providerHttpHelp')}</p>
              <p className="hint">{t('settings.providerWhere')}</p>
            </section>
          </div>
        )}
      </Loaded>
    </>
  );
}

function MerchantForm({ merchant, onSaved }: { merchant: dash.MerchantSettings; onSaved: (merchant: dash.MerchantSettings) => void }) {
  const { t } = useTranslation();
  const me = useSession();
  const owner = me.role === 'owner';
  const zones = useMemo(() => {
    const list = Intl.supportedValuesOf('timeZone');
    return list.includes(merchant.timezone) ? list : [merchant.timezone, ...list];
  }, [merchant.timezone]);
  const { busy, error, run } = useAction();
  const [saved, setSaved] = useState(false);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = formValues(event.currentTarget);
    setSaved(false);
    void run(async () => {
      onSaved(
        await dash.updateMerchant({
          name: value('name').trim(),
          timezone: value('timezone'),
          defaultRegion: value('defaultRegion').trim().toUpperCase(),
          currency: value('currency'),
          attributionWindowDays: Number(value('attributionWindowDays')),
        }),
      );
      setSaved(true);
    });
  };
  const fields = {
    name: t('setup.merchantName'),
    timezone: t('setup.timezone'),
    defaultRegion: t('settings.region'),
    currency: t('settings.currency'),
    attributionWindowDays: t('settings.window'),
  };
  return (
    <section className="card panel" aria-labelledby="merchant-title">
      <h2 id="merchant-title">{t('settings.businessTitle')}</h2>
      {!owner && <p className="message info">{t('settings.ownerOnly')}</p>}
      <form className="form" onSubmit={submit}>
        <fieldset disabled={!owner} className="plain">
          <div className="form">
            <Field label={fields.name} name="name" required maxLength={200} defaultValue={merchant.name} />
            <Field
              label={fields.attributionWindowDays}
              hint={t('settings.windowHint')}
              name="attributionWindowDays"
              type="number"
              min={1}
              max={365}
              required
              defaultValue={merchant.attributionWindowDays}
            />
            <SelectField label={fields.timezone} hint={t('settings.timezoneHint')} name="timezone" options={zones} defaultValue={merchant.timezone} />
            <div className="row">
              <Field label={fields.defaultRegion} hint={t('settings.regionHint')} name="defaultRegion" required pattern="[A-Za-z]{2}" maxLength={2} defaultValue={merchant.defaultRegion} />
              <SelectField
                label={fields.currency}
                hint={t('settings.currencyHint')}
                name="currency"
                options={CURRENCIES.includes(merchant.currency) ? CURRENCIES : [merchant.currency, ...CURRENCIES]}
                defaultValue={merchant.currency}
              />
            </div>
          </div>
        </fieldset>
        <ErrorMessage error={error} fields={fields} />
        {saved && <Success>{t('dash.saved')}</Success>}
        {owner && (
          <button className="button primary" type="submit" disabled={busy}>
            {t('dash.save')}
          </button>
        )}
      </form>
    </section>
  );
}
