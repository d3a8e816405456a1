import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, navigate } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import { Field, formValues } from '../ui/field.js';
import { useAction } from '../ui/use-action.js';
import { useTitle } from '../ui/use-title.js';
import * as dash from './api.js';
import { addDays, localToday, toCents, useFormat, zonedDayStart, zonedParts } from './format.js';
import { offerPagePath } from './offers.js';
import { useSession } from './session.js';
import { CopyButton, Empty, Loaded, PageHeader, Success, useLoad } from './ui.js';

export const CHANNEL_KINDS: dash.ChannelKind[] = ['social', 'marketplace', 'search', 'forum', 'offline_print', 'ad', 'referral', 'other'];

/** Channels (where customers come from) with what each cost, and the links of each. */
export function ChannelsPage() {
  const { t } = useTranslation();
  useTitle(t('channels.title'));
  const state = useLoad(async () => {
    const [channels, links] = await Promise.all([dash.listChannels(true), dash.listLinks()]);
    return { channels, links };
  }, []);

  return (
    <>
      <PageHeader title={t('channels.title')} intro={t('channels.intro')} />
      <div className="grid">
        <section className="card panel" aria-labelledby="channel-list-title">
          <h2 id="channel-list-title">{t('channels.listTitle')}</h2>
          <Loaded state={state}>
            {({ channels, links }) =>
              channels.length === 0 ? (
                <Empty title={t('channels.emptyTitle')}>
                  <p>{t('channels.empty')}</p>
                </Empty>
              ) : (
                <div className="table-wrap">
                  <table className="table">
                    <thead>
                      <tr>
                        <th>{t('channels.name')}</th>
                        <th>{t('channels.kind')}</th>
                        <th className="num">{t('channels.links')}</th>
                        <th className="num">{t('links.clicks')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {channels.map((channel) => {
                        const own = links.filter((link) => link.channelId === channel.id);
                        return (
                          <tr key={channel.id}>
                            <td>
                              <Link to={`/channels/${channel.id}`}>{channel.name}</Link>
                              {channel.archived && <span className="badge muted">{t('channels.archived')}</span>}
                            </td>
                            <td>{t(`channels.kinds.${channel.kind}`)}</td>
                            <td className="num">{own.length}</td>
                            <td className="num">{own.reduce((sum, link) => sum + link.clicks + link.scans, 0)}</td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
              )
            }
          </Loaded>
        </section>
        <NewChannel />
      </div>
    </>
  );
}

function NewChannel() {
  const { t } = useTranslation();
  const { busy, error, run } = useAction();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = formValues(event.currentTarget);
    void run(async () => {
      const channel = await dash.createChannel({ name: value('name').trim(), kind: value('kind') as dash.ChannelKind });
      navigate(`/channels/${channel.id}`);
    });
  };
  return (
    <section className="card panel" aria-labelledby="new-channel-title">
      <h2 id="new-channel-title">{t('channels.add')}</h2>
      <form className="form" onSubmit={submit}>
        <Field label={t('channels.name')} name="name" required maxLength={200} placeholder={t('channels.namePlaceholder')} />
        <KindSelect />
        <ErrorMessage error={error} fields={{ name: t('channels.name') }} overrides={{ channel_name_taken: t('channels.nameTaken') }} />
        <button className="button primary" type="submit" disabled={busy}>
          {t('channels.add')}
        </button>
      </form>
    </section>
  );
}

function KindSelect({ value }: { value?: dash.ChannelKind }) {
  const { t } = useTranslation();
  return (
    <div className="field">
      <label htmlFor="channel-kind">{t('channels.kind')}</label>
      <select id="channel-kind" name="kind" defaultValue={value ?? 'social'}>
        {CHANNEL_KINDS.map((kind) => (
          <option key={kind} value={kind}>
            {t(`channels.kinds.${kind}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** One channel: its name and kind, its costs, its links with their numbers. */
export function ChannelPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const state = useLoad(async () => {
    const [channels, costs, links, offers] = await Promise.all([dash.listChannels(true), dash.listCosts(id), dash.listLinks(id), dash.listOffers()]);
    const channel = channels.find((c) => c.id === id);
    return { channel, channels, costs, links, offers };
  }, [id]);
  useTitle(state.data?.channel?.name ?? t('channels.title'));

  return (
    <Loaded state={state}>
      {({ channel, channels, costs, links, offers }) =>
        !channel ? (
          <Empty title={t('dash.notFound')}>
            <Link to="/channels">{t('channels.back')}</Link>
          </Empty>
        ) : (
          <>
            <p className="crumbs">
              <Link to="/channels">{t('channels.title')}</Link>
            </p>
            <PageHeader title={channel.name} intro={t(`channels.kinds.${channel.kind}`)} />
            <div className="grid">
              <div className="stack">
                <LinksPanel channel={channel} channels={channels} links={links} offers={offers} onChange={state.reload} />
              </div>
              <div className="stack">
                <CostsPanel channelId={channel.id} costs={costs} onChange={state.reload} />
                <EditChannel channel={channel} onSaved={(saved) => state.setData((d) => d && { ...d, channel: saved })} />
              </div>
            </div>
          </>
        )
      }
    </Loaded>
  );
}

function EditChannel({ channel, onSaved }: { channel: dash.Channel; onSaved: (channel: dash.Channel) => void }) {
  const { t } = useTranslation();
  const { busy, error, run } = useAction();
  const [saved, setSaved] = useState(false);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = formValues(event.currentTarget);
    setSaved(false);
    void run(async () => {
      onSaved(await dash.updateChannel(channel.id, { name: value('name').trim(), kind: value('kind') as dash.ChannelKind, archived: value('archived') === 'on' }));
      setSaved(true);
    });
  };
  return (
    <section className="card panel" aria-labelledby="edit-channel-title">
      <h2 id="edit-channel-title">{t('channels.edit')}</h2>
      <form className="form" onSubmit={submit}>
        <Field label={t('channels.name')} name="name" required maxLength={200} defaultValue={channel.name} />
        <KindSelect value={channel.kind} />
        <label className="check-field">
          <input type="checkbox" name="archived" defaultChecked={channel.archived} /> {t('channels.archive')}
        </label>
        <ErrorMessage error={error} overrides={{ channel_name_taken: t('channels.nameTaken') }} />
        {saved && <Success>{t('dash.saved')}</Success>}
        <button className="button" type="submit" disabled={busy}>
          {t('dash.save')}
        </button>
      </form>
    </section>
  );
}

function CostsPanel({ channelId, costs, onChange }: { channelId: string; costs: dash.ChannelCost[]; onChange: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const { busy, error, setError, run } = useAction();
  const [editing, setEditing] = useState<string | null>(null);
  const today = localToday(me.merchant.timezone);
  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const body = costBody(form, () => setError(new Error(t('dash.badAmount'))));
    if (!body) return;
    void run(async () => {
      await dash.addCost(channelId, body);
      form.reset();
      onChange();
    });
  };
  const remove = (costId: string) => void run(async () => {
    await dash.removeCost(channelId, costId);
    onChange();
  });
  return (
    <section className="card panel" aria-labelledby="costs-title">
      <h2 id="costs-title">{t('costs.title')}</h2>
      <p className="hint">{t('costs.intro')}</p>
      {costs.length === 0 ? (
        <Empty title={t('costs.emptyTitle')}>
          <p>{t('costs.empty')}</p>
        </Empty>
      ) : (
        <ul className="plain-list">
          {costs.map((cost) =>
            editing === cost.id ? (
              <li key={cost.id} className="editing">
                <EditCost
                  channelId={channelId}
                  cost={cost}
                  onDone={(changed) => {
                    setEditing(null);
                    if (changed) onChange();
                  }}
                />
              </li>
            ) : (
              <li key={cost.id}>
                <span>
                  <strong>{f.money(cost.amountCents, cost.currency)}</strong> · {cost.startsOn} – {cost.endsOn}
                  {cost.note && <span className="hint"> · {cost.note}</span>}
                </span>
                <span className="row-actions">
                  <button type="button" className="button quiet small" onClick={() => setEditing(cost.id)} disabled={busy} aria-label={t('costs.editOne', { amount: f.money(cost.amountCents, cost.currency) })}>
                    {t('dash.edit')}
                  </button>
                  <button type="button" className="button quiet small" onClick={() => remove(cost.id)} disabled={busy}>
                    {t('dash.remove')}
                  </button>
                </span>
              </li>
            ),
          )}
        </ul>
      )}
      <form className="form" onSubmit={add} aria-label={t('costs.add')}>
        <CostFields defaults={{ startsOn: addDays(today, -29), endsOn: today }} />
        <ErrorMessage error={error} fields={costFieldNames(t, me.merchant.currency)} />
        <button className="button" type="submit" disabled={busy}>
          {t('costs.add')}
        </button>
      </form>
    </section>
  );
}

function costFieldNames(t: ReturnType<typeof useTranslation>['t'], currency: string) {
  return { amountCents: t('costs.amount', { currency }), startsOn: t('costs.startsOn'), endsOn: t('costs.endsOn'), note: t('costs.note') };
}

/** The cost fields of a form, or null (after `onBadAmount`) when the amount is not a number. */
function costBody(form: HTMLFormElement, onBadAmount: () => void): dash.CreateCostBody | null {
  const value = formValues(form);
  const amountCents = toCents(value('amount'));
  if (amountCents === null) {
    onBadAmount();
    return null;
  }
  return { amountCents, startsOn: value('startsOn'), endsOn: value('endsOn'), note: value('note').trim() };
}

function CostFields({ defaults }: { defaults: { amount?: string; note?: string; startsOn: string; endsOn: string } }) {
  const { t } = useTranslation();
  const me = useSession();
  return (
    <>
      <div className="row">
        <Field label={t('costs.amount', { currency: me.merchant.currency })} name="amount" required inputMode="decimal" placeholder="500" defaultValue={defaults.amount} />
        <Field label={t('costs.note')} name="note" maxLength={500} defaultValue={defaults.note} />
      </div>
      <div className="row">
        <Field label={t('costs.startsOn')} name="startsOn" type="date" required defaultValue={defaults.startsOn} />
        <Field label={t('costs.endsOn')} name="endsOn" type="date" required defaultValue={defaults.endsOn} />
      </div>
    </>
  );
}

/** A cost corrected in place (the same entry, so the return on spend never counts it twice). */
function EditCost({ channelId, cost, onDone }: { channelId: string; cost: dash.ChannelCost; onDone: (changed: boolean) => void }) {
  const { t } = useTranslation();
  const me = useSession();
  const { busy, error, setError, run } = useAction();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body = costBody(event.currentTarget, () => setError(new Error(t('dash.badAmount'))));
    if (!body) return;
    void run(async () => {
      await dash.updateCost(channelId, cost.id, body);
      onDone(true);
    });
  };
  return (
    <form className="form" onSubmit={submit} aria-label={t('costs.edit')}>
      <CostFields defaults={{ amount: String(cost.amountCents / 100), note: cost.note, startsOn: cost.startsOn, endsOn: cost.endsOn }} />
      <ErrorMessage error={error} fields={costFieldNames(t, me.merchant.currency)} />
      <p className="links">
        <button className="button primary small" type="submit" disabled={busy}>
          {t('dash.save')}
        </button>
        <button className="button quiet small" type="button" onClick={() => onDone(false)}>
          {t('dash.cancel')}
        </button>
      </p>
    </form>
  );
}

function LinksPanel({ channel, channels, links, offers, onChange }: { channel: dash.Channel; channels: dash.Channel[]; links: dash.ShortLink[]; offers: dash.Offer[]; onChange: () => void }) {
  const { t } = useTranslation();
  const me = useSession();
  const { busy, error, run } = useAction();
  const [created, setCreated] = useState<string | null>(null);
  const [moved, setMoved] = useState<{ slug: string; channel: dash.Channel } | null>(null);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const value = formValues(form);
    const slug = value('slug').trim();
    const campaign = value('campaign').trim();
    setCreated(null);
    setMoved(null);
    void run(async () => {
      const link = await dash.createLink({ channelId: channel.id, destination: value('destination').trim(), ...(slug ? { slug } : {}), ...(campaign ? { campaign } : {}) });
      setCreated(link.shortUrl);
      form.reset();
      onChange();
    });
  };
  return (
    <section className="card panel" aria-labelledby="links-title">
      <h2 id="links-title">{t('links.title')}</h2>
      {links.length === 0 ? (
        <Empty title={t('links.emptyTitle')}>
          <p>{t('links.empty')}</p>
        </Empty>
      ) : (
        <ul className="link-list">
          {links.map((link) => (
            <LinkItem
              key={link.id}
              link={link}
              channels={channels}
              offers={offers}
              onChange={onChange}
              onMoved={(to) => {
                setMoved({ slug: link.slug, channel: to });
                onChange();
              }}
            />
          ))}
        </ul>
      )}
      {moved && (
        <Success>
          {t('links.moved', { slug: moved.slug, channel: moved.channel.name })} <Link to={`/channels/${moved.channel.id}`}>{t('links.openChannel', { channel: moved.channel.name })}</Link>
        </Success>
      )}
      <datalist id="link-destinations">
        {offers
          .filter((offer) => offer.state !== 'ended')
          .map((offer) => (
            <option key={offer.id} value={offerPagePath(me.merchant.id, offer.id)}>
              {offer.name}
            </option>
          ))}
      </datalist>
      {channel.archived ? (
        <p className="hint">{t('links.archivedChannel')}</p>
      ) : (
        <form className="form" onSubmit={submit} aria-label={t('links.add')}>
          <p className="form-title">{t('links.add')}</p>
          <div className="field">
            <label htmlFor="link-destination">{t('links.destination')}</label>
            <input id="link-destination" name="destination" required maxLength={2048} list="link-destinations" placeholder={t('links.destinationPlaceholder')} />
            <p className="hint">{t('links.destinationHint')}</p>
          </div>
          <div className="row">
            <Field label={t('links.slug')} hint={t('links.slugHint')} name="slug" pattern="[A-Za-z0-9_\-]{3,64}" maxLength={64} />
            <Field label={t('links.campaign')} hint={t('links.campaignHint')} name="campaign" maxLength={200} />
          </div>
          <ErrorMessage error={error} fields={{ destination: t('links.destination'), slug: t('links.slug'), campaign: t('links.campaign') }} overrides={{ slug_taken: t('links.slugTaken') }} />
          {created && <Success>{t('links.created', { url: created })}</Success>}
          <button className="button primary" type="submit" disabled={busy}>
            {t('links.add')}
          </button>
        </form>
      )}
    </section>
  );
}

function LinkItem({
  link,
  channels,
  offers,
  onChange,
  onMoved,
}: {
  link: dash.ShortLink;
  channels: dash.Channel[];
  offers: dash.Offer[];
  onChange: () => void;
  onMoved: (to: dash.Channel) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const stats = useLoad(() => dash.linkStats(link.id), [link.id, link.clicks, link.scans]);
  const { busy, error, run } = useAction();
  const [editing, setEditing] = useState(false);
  const lastDay = link.expiresAt ? lastDayOf(link.expiresAt, me.merchant.timezone) : null;
  const offer = offers.find((o) => link.destination.endsWith(`/${o.id}`));
  const toggle = () => void run(async () => {
    await dash.updateLink(link.id, { active: !link.active });
    onChange();
  });
  const s = stats.data;
  const numbers = [
    ['clicks', s?.clicks ?? link.clicks],
    ['scans', s?.scans ?? link.scans],
    ['claims', s?.claims],
    ['visits', s?.visits],
    ['orders', s?.orders],
  ] as const;
  return (
    <li className={`link-item${link.active ? '' : ' inactive'}`} aria-label={link.slug}>
      <div className="link-head">
        <input className="short-url" readOnly value={link.shortUrl} aria-label={t('links.shortUrl')} onFocus={(event) => event.currentTarget.select()} />
        <CopyButton text={link.shortUrl} label={t('links.copy')} />
      </div>
      <p className="hint link-dest">
        → {offer ? offer.name : link.destination}
        {link.campaign && <span className="badge muted">{link.campaign}</span>}
        {!link.active && <span className="badge warn">{t('links.inactive')}</span>}
        {lastDay && <span className={`badge${Date.parse(link.expiresAt ?? '') <= Date.now() ? ' warn' : ' muted'}`}>{t('links.until', { day: lastDay })}</span>}
      </p>
      <dl className="stat-row">
        {numbers.map(([key, value]) => (
          <div key={key}>
            <dt>{t(`links.${key}`)}</dt>
            <dd>{value === undefined ? '…' : f.number(value)}</dd>
          </div>
        ))}
        <div>
          <dt>{t('links.revenue')}</dt>
          <dd>{s ? f.money(s.revenueCents) : '…'}</dd>
        </div>
      </dl>
      <div className="link-actions">
        <a className="button small quiet" href={dash.linkQrPath(link.id, 'png')} download={`${link.slug}.png`}>
          {t('links.qrPng')}
        </a>
        <a className="button small quiet" href={dash.linkQrPath(link.id, 'svg')} download={`${link.slug}.svg`}>
          {t('links.qrSvg')}
        </a>
        <button type="button" className="button small quiet" onClick={toggle} disabled={busy}>
          {link.active ? t('links.deactivate') : t('links.activate')}
        </button>
        <button type="button" className="button small quiet" onClick={() => setEditing((was) => !was)} aria-expanded={editing}>
          {t('dash.edit')}
        </button>
      </div>
      {editing && (
        <EditLink
          link={link}
          channels={channels}
          lastDay={lastDay}
          onDone={(saved) => {
            setEditing(false);
            if (!saved) return;
            const to = saved.channelId !== link.channelId ? channels.find((c) => c.id === saved.channelId) : undefined;
            if (to) onMoved(to);
            else onChange();
          }}
        />
      )}
      <ErrorMessage error={error ?? stats.error} />
    </li>
  );
}

/** The last day a link works, in the merchant's days (`expiresAt` is the first moment it does not). */
function lastDayOf(expiresAt: string, timeZone: string): string {
  return zonedParts(new Date(Date.parse(expiresAt) - 1).toISOString(), timeZone).day;
}

/**
 * A link changed in place: where it leads, its channel, campaign, last day and whether it works.
 * The short URL stays the same, so what was printed or posted keeps working.
 */
function EditLink({ link, channels, lastDay, onDone }: { link: dash.ShortLink; channels: dash.Channel[]; lastDay: string | null; onDone: (saved: dash.ShortLink | null) => void }) {
  const { t } = useTranslation();
  const me = useSession();
  const { busy, error, run } = useAction();
  const id = `edit-${link.id}`;
  // A link may stay on an archived channel, but only move to a live one.
  const choices = channels.filter((c) => !c.archived || c.id === link.channelId);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = formValues(event.currentTarget);
    const until = value('lastDay');
    void run(async () => {
      onDone(
        await dash.updateLink(link.id, {
          destination: value('destination').trim(),
          channelId: value('channelId'),
          campaign: value('campaign').trim() || null,
          expiresAt: until ? zonedDayStart(addDays(until, 1), me.merchant.timezone) : null,
          active: value('active') === 'on',
        }),
      );
    });
  };
  return (
    <form className="form link-edit" onSubmit={submit} aria-label={t('links.editOne', { slug: link.slug })}>
      <div className="field">
        <label htmlFor={`${id}-destination`}>{t('links.destination')}</label>
        <input id={`${id}-destination`} name="destination" required maxLength={2048} list="link-destinations" defaultValue={link.destination} />
      </div>
      <div className="row">
        <div className="field">
          <label htmlFor={`${id}-channel`}>{t('links.channel')}</label>
          <select id={`${id}-channel`} name="channelId" defaultValue={link.channelId}>
            {choices.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <Field label={t('links.campaign')} name="campaign" maxLength={200} defaultValue={link.campaign ?? ''} />
      </div>
      <Field label={t('links.lastDay')} hint={t('links.lastDayHint', { zone: me.merchant.timezone })} name="lastDay" type="date" defaultValue={lastDay ?? ''} />
      <label className="check-field">
        <input type="checkbox" name="active" defaultChecked={link.active} /> {t('links.works')}
      </label>
      <p className="hint">{t('links.editHint')}</p>
      <ErrorMessage error={error} fields={{ destination: t('links.destination'), channelId: t('links.channel'), campaign: t('links.campaign'), expiresAt: t('links.lastDay') }} overrides={{ invalid_reference: t('links.channelGone') }} />
      <p className="links">
        <button className="button primary small" type="submit" disabled={busy}>
          {t('dash.save')}
        </button>
        <button className="button quiet small" type="button" onClick={() => onDone(null)}>
          {t('dash.cancel')}
        </button>
      </p>
    </form>
  );
}
