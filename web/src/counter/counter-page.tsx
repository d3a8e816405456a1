import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { BUILT_IN_PAYMENT_METHODS } from '../../../src/orders/payment-methods.js';
import * as api from '../api.js';
import { navigate } from '../router.js';
import { Loading } from '../ui/auth-layout.js';
import { Mark } from '../ui/brand.js';
import { ErrorMessage } from '../ui/error-message.js';
import { LanguageSwitch } from '../ui/language-switch.js';
import { useTitle } from '../ui/use-title.js';
import * as counter from './api.js';
import { checkCode } from './code.js';
import { couponDiscount, money, newRequestId, parseAmount, termsText } from './format.js';
import { canScan, Scanner } from './scan.js';
import './counter.css';

const STORE_KEY = 'reservoir.counter.store';
const PROBLEMS = [
  'invalid_coupon_code',
  'too_many_wrong_codes',
  'coupon_already_redeemed',
  'coupon_not_yet_valid',
  'coupon_expired',
  'coupon_not_valid_here',
  'minimum_spend_not_met',
  'undo_window_passed',
  'redemption_already_undone',
  'redemption_other_store',
  'store_not_allowed',
  'order_total_mismatch',
] as const;
type Problem = (typeof PROBLEMS)[number];
const isProblem = (code: string | null): code is Problem => (PROBLEMS as readonly (string | null)[]).includes(code);

function useProblemWords(): Record<string, string> {
  const { t } = useTranslation();
  return Object.fromEntries(PROBLEMS.map((code) => [code, t(`counter.problems.${code}`)]));
}

function savedStore(): string | null {
  try {
    return localStorage.getItem(STORE_KEY);
  } catch {
    return null;
  }
}

function saveStore(storeId: string | null): void {
  try {
    if (storeId) localStorage.setItem(STORE_KEY, storeId);
    else localStorage.removeItem(STORE_KEY);
  } catch {
    // Private windows: the clerk picks the store again next time.
  }
}

/**
 * The counter, for a clerk's phone: pick the store once, type or scan a code, see the offer
 * and the (masked) customer, confirm with one big button, undo within the window, and
 * optionally record the sale.
 */
export function CounterPage() {
  const { t } = useTranslation();
  useTitle(t('counter.title'));
  const [me, setMe] = useState<api.Me | null>(null);
  const [stores, setStores] = useState<api.Store[] | null>(null);
  const [storeId, setStoreId] = useState<string | null>(savedStore);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    Promise.all([api.me(), api.listStores()])
      .then(([who, list]) => {
        if (!live) return;
        setMe(who);
        setStores(list.filter((s) => !s.archived));
      })
      .catch((caught: unknown) => {
        if (!live) return;
        if (caught instanceof api.ApiError && caught.status === 401) navigate('/signin', { replace: true });
        else setError(caught);
      });
    return () => {
      live = false;
    };
  }, []);

  const choose = (id: string | null) => {
    saveStore(id);
    setStoreId(id);
  };

  if (error) {
    return (
      <main className="page">
        <ErrorMessage error={error} />
      </main>
    );
  }
  if (!me || !stores) return <Loading />;

  // The remembered store must still be one this clerk may use; one store needs no choosing.
  const store = stores.find((s) => s.id === storeId) ?? (stores.length === 1 ? stores[0] : undefined);

  return (
    <div className="counter">
      <header className="counter-top">
        <span className="brand">
          <Mark />
          <span className="merchant-name">{me.merchant.name}</span>
        </span>
        {me.role !== 'clerk' && (
          <a className="counter-back" href="/">
            {t('counter.dashboard')}
          </a>
        )}
        <LanguageSwitch />
      </header>
      <main className="counter-main">
        <h1 className="visually-hidden">{t('counter.title')}</h1>
        {stores.length === 0 ? (
          <p className="message info">{t('counter.noStores')}</p>
        ) : !store ? (
          <StorePicker stores={stores} onPick={choose} />
        ) : (
          <>
            <div className="counter-store">
              <span>
                <span className="visually-hidden">{t('counter.store')}: </span>
                <strong>{store.name}</strong>
              </span>
              {stores.length > 1 && (
                <button className="button quiet small" type="button" onClick={() => choose(null)}>
                  {t('counter.changeStore')}
                </button>
              )}
            </div>
            <Till key={store.id} store={store} />
          </>
        )}
      </main>
    </div>
  );
}

function StorePicker({ stores, onPick }: { stores: api.Store[]; onPick: (id: string) => void }) {
  const { t } = useTranslation();
  return (
    <section className="counter-card" aria-labelledby="pick-store">
      <h2 id="pick-store">{t('counter.chooseStore')}</h2>
      <div className="counter-stores">
        {stores.map((s) => (
          <button key={s.id} className="button big" type="button" onClick={() => onPick(s.id)}>
            {s.name}
          </button>
        ))}
      </div>
    </section>
  );
}

type Step =
  | { at: 'input' }
  | { at: 'found'; lookup: counter.Lookup; requestId: string }
  | { at: 'redeemed'; lookup: counter.Lookup; redemption: counter.Redemption }
  | { at: 'undone'; lookup: counter.Lookup };

/** One customer at a time: code → coupon → confirmed (→ undone) → next. */
function Till({ store }: { store: api.Store }) {
  const { t, i18n } = useTranslation();
  const words = useProblemWords();
  const inputId = useId();
  const [text, setText] = useState('');
  const [step, setStep] = useState<Step>({ at: 'input' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<string | null>(null);
  const [scanning, setScanning] = useState(false);
  const [scanFailed, setScanFailed] = useState(false);
  const [sold, setSold] = useState(false);

  const check = checkCode(text);

  const look = useCallback(
    async (typed: string) => {
      const judged = checkCode(typed);
      setError(null);
      if (judged.state !== 'ok') {
        // Caught here, before the server: a typo never counts as a wrong code against the till.
        setLocal(judged.state === 'typo' ? t('counter.codeTypo') : judged.state === 'long' ? t('counter.codeLong') : t('counter.codeEmpty'));
        return;
      }
      setLocal(null);
      setBusy(true);
      try {
        const lookup = await counter.lookup(judged.code, store.id);
        setStep({ at: 'found', lookup, requestId: newRequestId() });
      } catch (caught) {
        setError(caught);
      } finally {
        setBusy(false);
      }
    },
    [store.id, t],
  );

  const onScanned = useCallback(
    (code: string) => {
      setScanning(false);
      setText(code);
      void look(code);
    },
    [look],
  );
  const onScanFail = useCallback(() => {
    setScanning(false);
    setScanFailed(true);
  }, []);

  const next = () => {
    setStep({ at: 'input' });
    setSold(false);
    setText('');
    setError(null);
    setLocal(null);
  };

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  if (step.at === 'input') {
    const submit = (event: FormEvent) => {
      event.preventDefault();
      void look(text);
    };
    return (
      <section className="counter-card">
        <form className="form" onSubmit={submit} noValidate>
          <label htmlFor={inputId} className="counter-label">
            {t('counter.code')}
          </label>
          <input
            id={inputId}
            name="code"
            className={`counter-code ${check.state === 'typo' ? 'bad' : check.state === 'ok' ? 'good' : ''}`}
            autoComplete="off"
            autoCapitalize="characters"
            autoCorrect="off"
            spellCheck={false}
            inputMode="text"
            maxLength={40}
            placeholder="XXXX-XXXX-XXXX"
            aria-describedby={`${inputId}-hint`}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setLocal(null);
              setError(null);
            }}
          />
          <p className="hint" id={`${inputId}-hint`} aria-live="polite">
            {check.state === 'short' ? t('counter.codeShort', { count: check.symbols }) : check.state === 'typo' ? t('counter.codeTypo') : t('counter.codeHint')}
          </p>
          {local && (
            <p className="message error" role="alert">
              {local}
            </p>
          )}
          <ErrorMessage error={error} overrides={words} />
          <button className="button primary big" type="submit" disabled={busy}>
            {busy ? t('counter.lookingUp') : t('counter.lookUp')}
          </button>
        </form>
        {canScan() && (
          <div className="counter-scan">
            {scanning ? (
              <>
                <Scanner onCode={onScanned} onFail={onScanFail} />
                <button className="button quiet" type="button" onClick={() => setScanning(false)}>
                  {t('counter.stopScan')}
                </button>
              </>
            ) : (
              <button
                className="button big"
                type="button"
                onClick={() => {
                  setScanFailed(false);
                  setScanning(true);
                }}
              >
                {t('counter.scan')}
              </button>
            )}
            {scanFailed && (
              <p className="message error" role="alert">
                {t('counter.scanFailed')}
              </p>
            )}
          </div>
        )}
      </section>
    );
  }

  const { lookup } = step;
  const coupon = lookup.coupon;
  const language = i18n.resolvedLanguage ?? 'en';
  const terms = termsText(coupon.terms, t, language);

  return (
    <section className="counter-card" aria-labelledby="coupon-found">
      <div className="counter-coupon">
        <p className="counter-terms">{terms}</p>
        <h2 id="coupon-found">{lookup.offer.name}</h2>
        <p className="counter-codeline">
          <code>{coupon.code}</code>
          {step.at === 'redeemed' ? <span className="pill">{t('counter.usedNow')}</span> : <span className={`pill ${coupon.status}`}>{t(`counter.status.${coupon.status}`)}</span>}
        </p>
        <dl className="counter-facts">
          <dt>{t('counter.customer')}</dt>
          <dd>{[lookup.member.name, lookup.member.phone ?? t('counter.noPhone')].filter(Boolean).join(' · ')}</dd>
          {coupon.terms.minSpendCents !== null && coupon.terms.minSpendCents > 0 && (
            <>
              <dt>{t('counter.minSpend')}</dt>
              <dd>{money(coupon.terms.minSpendCents, coupon.terms.currency, language)}</dd>
            </>
          )}
          <dt>{t('counter.validUntil')}</dt>
          {/* validUntil is exclusive: the coupon is good through the day before that instant. */}
          <dd>{new Intl.DateTimeFormat(language, { dateStyle: 'medium' }).format(new Date(Date.parse(coupon.validUntil) - 1))}</dd>
        </dl>
      </div>

      {step.at === 'found' &&
        (coupon.redeemable ? (
          <>
            <ErrorMessage error={error} overrides={words} />
            <button
              className="button primary huge"
              type="button"
              disabled={busy}
              onClick={() => void act(async () => setStep({ at: 'redeemed', lookup, redemption: await counter.redeem(coupon.code, store.id, step.requestId) }))}
            >
              {busy ? t('counter.confirming') : t('counter.confirm')}
            </button>
          </>
        ) : (
          <p className="message error" role="alert">
            {isProblem(coupon.problem) ? words[coupon.problem] : t(`counter.status.${coupon.status}`)}
          </p>
        ))}

      {step.at === 'redeemed' && (
        <>
          <p className="message success" role="status">
            {t('counter.redeemed', { terms })}
          </p>
          {/* Once the sale is recorded with the coupon, the redemption belongs to the order (refund it there). */}
          {!sold && (
            <UndoButton
              redemption={step.redemption}
              busy={busy}
              onUndo={() =>
                void act(async () => {
                  await counter.undo(step.redemption.id, store.id);
                  setStep({ at: 'undone', lookup });
                })
              }
            />
          )}
          <ErrorMessage error={error} overrides={words} />
          <QuickOrder store={store} lookup={lookup} code={coupon.code} redemptionId={step.redemption.id} onRecorded={() => setSold(true)} />
        </>
      )}

      {step.at === 'undone' && (
        <p className="message info" role="status">
          {t('counter.undone')}
        </p>
      )}

      <button className="button big" type="button" onClick={next}>
        {t('counter.next')}
      </button>
    </section>
  );
}

function UndoButton({ redemption, busy, onUndo }: { redemption: counter.Redemption; busy: boolean; onUndo: () => void }) {
  const { t } = useTranslation();
  const until = Date.parse(redemption.undoableUntil);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, Math.floor((until - now) / 1000));
  if (left === 0) return null;
  const time = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
  return (
    <button className="button quiet" type="button" disabled={busy} onClick={onUndo}>
      {busy ? t('counter.undoing') : t('counter.undo', { time })}
    </button>
  );
}

/** The sale the coupon was used on: what was paid and how, attached to the redemption. */
function QuickOrder({
  store,
  lookup,
  code,
  redemptionId,
  onRecorded,
}: {
  store: api.Store;
  lookup: counter.Lookup;
  code: string;
  redemptionId: string;
  onRecorded: () => void;
}) {
  const { t, i18n } = useTranslation();
  const words = useProblemWords();
  const id = useId();
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<string>('wechat_pay');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<counter.Order | null>(null);
  const language = i18n.resolvedLanguage ?? 'en';
  const currency = lookup.coupon.terms.currency;

  if (done) {
    return (
      <p className="message success" role="status">
        {t('counter.order.recorded', { amount: money(done.totalCents, done.currency, language), method: t(`counter.payment.${done.paymentMethod}` as 'counter.payment.cash') })}
      </p>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const paid = parseAmount(amount);
    if (paid === null) {
      setError(new api.ApiError(0, 'bad_amount', t('counter.order.badAmount')));
      return;
    }
    const discount = couponDiscount(lookup.coupon.terms, paid);
    setBusy(true);
    setError(null);
    try {
      const order = await counter.createOrder({
        storeId: store.id,
        // One sale per redemption: a retry answers the first order instead of recording two.
        externalId: `counter:${redemptionId}`,
        currency,
        items: [{ name: lookup.offer.name, quantity: 1, unitPriceCents: paid + discount }],
        discountCents: discount,
        totalCents: paid,
        paymentMethod: method,
        couponCodes: [code],
      });
      setDone(order);
      onRecorded();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form counter-order" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('counter.order.title')}</h3>
      <div className="field">
        <label htmlFor={`${id}-amount`}>{t('counter.order.amount')}</label>
        <input id={`${id}-amount`} name="amount" inputMode="decimal" autoComplete="off" value={amount} onChange={(e) => setAmount(e.target.value)} aria-describedby={`${id}-hint`} required />
        <p className="hint" id={`${id}-hint`}>
          {t('counter.order.amountHint')}
        </p>
      </div>
      <fieldset className="counter-methods">
        <legend>{t('counter.order.method')}</legend>
        {BUILT_IN_PAYMENT_METHODS.map((m) => (
          <label key={m} className={method === m ? 'chosen' : undefined}>
            <input type="radio" name="paymentMethod" value={m} checked={method === m} onChange={() => setMethod(m)} />
            {t(`counter.payment.${m}`)}
          </label>
        ))}
      </fieldset>
      <ErrorMessage error={error} overrides={{ ...words, bad_amount: t('counter.order.badAmount') }} />
      <button className="button primary big" type="submit" disabled={busy}>
        {busy ? t('counter.order.submitting') : t('counter.order.submit')}
      </button>
    </form>
  );
}
