import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, navigate } from '../router.js';
import { ErrorMessage } from '../ui/error-message.js';
import { Field, formValues } from '../ui/field.js';
import { useAction } from '../ui/use-action.js';
import { useTitle } from '../ui/use-title.js';
import * as dash from './api.js';
import { useFormat } from './format.js';
import { useSession } from './session.js';
import { Empty, Loaded, PageHeader, Success, useLoad } from './ui.js';

/** The search term in the address, so a search can be reloaded and shared. */
function queryOfAddress(): string {
  return new URLSearchParams(location.search).get('q') ?? '';
}

export function MembersPage() {
  const { t } = useTranslation();
  useTitle(t('members.title'));
  const f = useFormat();
  const [q, setQ] = useState(queryOfAddress);
  const state = useLoad(() => dash.searchMembers(q ? { q, limit: 50 } : { limit: 50 }), [q]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const next = formValues(event.currentTarget)('q').trim();
    navigate(next ? `/members?q=${encodeURIComponent(next)}` : '/members', { replace: true });
    setQ(next);
  };

  return (
    <>
      <PageHeader title={t('members.title')} intro={t('members.intro')} />
      <section className="card panel">
        <form className="search-form" role="search" onSubmit={submit}>
          <Field label={t('members.search')} hint={t('members.searchHint')} name="q" type="search" defaultValue={q} maxLength={300} />
          <button className="button primary" type="submit">
            {t('members.searchButton')}
          </button>
        </form>
        <Loaded state={state}>
          {(members) =>
            members.length === 0 ? (
              <Empty title={q ? t('members.noMatchTitle') : t('members.emptyTitle')}>
                <p>{q ? t('members.noMatch', { q }) : t('members.empty')}</p>
              </Empty>
            ) : (
              <div className="table-wrap">
                <table className="table">
                  <caption className="visually-hidden">{q ? t('members.results') : t('members.newest')}</caption>
                  <thead>
                    <tr>
                      <th>{t('members.name')}</th>
                      <th>{t('members.phone')}</th>
                      <th>{t('members.email')}</th>
                      <th>{t('members.tags')}</th>
                      <th>{t('members.lastTouch')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {members.map((member) => (
                      <tr key={member.id}>
                        <td>
                          <Link to={`/members/${member.id}`}>{member.name ?? t('members.noName')}</Link>
                        </td>
                        <td className="mono">{member.phone ?? '—'}</td>
                        <td>{member.email ?? '—'}</td>
                        <td>
                          {member.tags.map((tag) => (
                            <span key={tag} className="badge muted">
                              {tag}
                            </span>
                          ))}
                        </td>
                        <td>{f.dateTime(member.lastTouchAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </Loaded>
      </section>
    </>
  );
}

export function MemberPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const state = useLoad(async () => {
    const [profile, stores, offers, channels] = await Promise.all([dash.getMember(id), dash.listStores(true), dash.listOffers(), dash.listChannels(true)]);
    return { profile, names: new Map<string, string>([...stores, ...offers, ...channels].map((x) => [x.id, x.name])) };
  }, [id]);
  const profile = state.data?.profile;
  useTitle(profile?.name ?? t('members.title'));
  return (
    <>
      <p className="crumbs">
        <Link to="/members">{t('members.title')}</Link>
      </p>
      <Loaded state={state}>
        {({ profile, names }) => (
          <>
            <PageHeader title={profile.name ?? profile.identities.find((i) => i.kind === 'phone' || i.kind === 'email')?.value ?? t('members.noName')} intro={profile.id} />
            <div className="grid">
              <Timeline entries={profile.timeline} names={names} />
              <div className="stack">
                <Identities profile={profile} />
                <Tags profile={profile} onChange={(tags) => state.setData((d) => d && { ...d, profile: { ...d.profile, tags } })} />
                <Merges profile={profile} onMerged={(merged) => state.setData((d) => d && { ...d, profile: merged })} />
              </div>
            </div>
          </>
        )}
      </Loaded>
    </>
  );
}

function Identities({ profile }: { profile: dash.MemberProfile }) {
  const { t } = useTranslation();
  const f = useFormat();
  const touch = (which: 'firstTouch' | 'lastTouch') => {
    const found = profile[which];
    return found ? `${found.channelName ?? found.channelId} · ${found.slug ?? found.linkId}${found.isScan ? ` (${t('links.scans')})` : ''} · ${f.dateTime(found.at)}` : t('members.direct');
  };
  return (
    <section className="card panel" aria-labelledby="identities-title">
      <h2 id="identities-title">{t('members.identities')}</h2>
      <ul className="plain-list">
        {profile.identities.map((identity) => (
          <li key={`${identity.kind}:${identity.value}`}>
            <span>
              <span className="badge muted">{t(`members.kinds.${identity.kind}`)}</span> <span className="mono">{identity.value}</span>
            </span>
            <span className="hint">{f.date(identity.firstSeenAt)}</span>
          </li>
        ))}
      </ul>
      <dl className="facts">
        <dt>{t('members.firstTouch')}</dt>
        <dd>{touch('firstTouch')}</dd>
        <dt>{t('members.lastTouch')}</dt>
        <dd>{touch('lastTouch')}</dd>
        <dt>{t('members.since')}</dt>
        <dd>{f.dateTime(profile.createdAt)}</dd>
      </dl>
    </section>
  );
}

function Tags({ profile, onChange }: { profile: dash.MemberProfile; onChange: (tags: string[]) => void }) {
  const { t } = useTranslation();
  const { busy, error, run } = useAction();
  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const tag = formValues(form)('tag').trim();
    if (!tag) return;
    void run(async () => {
      onChange((await dash.addTag(profile.id, tag)).tags);
      form.reset();
    });
  };
  const remove = (tag: string) => void run(async () => onChange((await dash.removeTag(profile.id, tag)).tags));
  return (
    <section className="card panel" aria-labelledby="tags-title">
      <h2 id="tags-title">{t('members.tags')}</h2>
      {profile.tags.length === 0 ? (
        <p className="hint">{t('members.noTags')}</p>
      ) : (
        <p className="tag-list">
          {profile.tags.map((tag) => (
            <span key={tag} className="badge">
              {tag}
              <button type="button" className="tag-remove" aria-label={t('members.removeTag', { tag })} onClick={() => remove(tag)} disabled={busy}>
                ×
              </button>
            </span>
          ))}
        </p>
      )}
      <form className="search-form" onSubmit={add}>
        <Field label={t('members.addTag')} name="tag" maxLength={50} pattern="[^/]+" />
        <button className="button" type="submit" disabled={busy}>
          {t('members.addTagButton')}
        </button>
      </form>
      <ErrorMessage error={error} />
    </section>
  );
}

function Merges({ profile, onMerged }: { profile: dash.MemberProfile; onMerged: (profile: dash.MemberProfile) => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { busy, error, run } = useAction();
  const [done, setDone] = useState(false);
  const merge = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const other = formValues(form)('memberId').trim();
    if (!window.confirm(t('members.mergeConfirm'))) return;
    setDone(false);
    void run(async () => {
      const merged = await dash.mergeMember(profile.id, other);
      form.reset();
      setDone(true);
      if (merged.id !== profile.id) navigate(`/members/${merged.id}`, { replace: true });
      else onMerged(merged);
    });
  };
  return (
    <section className="card panel" aria-labelledby="merges-title">
      <h2 id="merges-title">{t('members.merges')}</h2>
      {profile.merges.length === 0 ? (
        <p className="hint">{t('members.noMerges')}</p>
      ) : (
        <ul className="plain-list">
          {profile.merges.map((merge) => (
            <li key={merge.id}>
              <span className="mono">{merge.mergedId}</span>
              <span className="hint">
                {merge.reason} · {f.date(merge.at)}
              </span>
            </li>
          ))}
        </ul>
      )}
      <form className="form" onSubmit={merge}>
        <Field label={t('members.mergeOther')} hint={t('members.mergeHint')} name="memberId" required pattern="mbr_[0-9A-Za-z]{26}" />
        <button className="button" type="submit" disabled={busy}>
          {t('members.mergeButton')}
        </button>
      </form>
      {done && <Success>{t('members.merged')}</Success>}
      <ErrorMessage error={error} />
    </section>
  );
}

function Timeline({ entries, names }: { entries: dash.TimelineEntry[]; names: Map<string, string> }) {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useSession();
  const describe = (entry: dash.TimelineEntry): string => {
    switch (entry.kind) {
      case 'click':
        return t(entry.isScan ? 'members.timeline.scan' : 'members.timeline.click', { channel: entry.channelName ?? entry.channelId ?? '', link: entry.slug ?? entry.linkId ?? '' });
      case 'claim':
        return t('members.timeline.claim', { offer: names.get(entry.offerId ?? '') ?? entry.offerId ?? '' });
      case 'visit':
        return t('members.timeline.visit', { store: names.get(entry.storeId ?? '') ?? entry.storeId ?? '' });
      case 'order':
        return t('members.timeline.order', {
          amount: f.money(entry.totalCents ?? 0, me.merchant.currency),
          method: entry.paymentMethod ? t(`orders.methods.${entry.paymentMethod}` as 'orders.methods.other', { defaultValue: entry.paymentMethod }) : '',
          store: names.get(entry.storeId ?? '') ?? '',
        });
      case 'event':
        return t('members.timeline.event', { name: entry.name ?? entry.type ?? '' });
    }
  };
  return (
    <section className="card panel" aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t('members.timelineTitle')}</h2>
      {entries.length === 0 ? (
        <p className="hint">{t('members.noTimeline')}</p>
      ) : (
        <ol className="timeline">
          {entries.map((entry) => (
            <li key={`${entry.kind}:${entry.id}`} className={`tl-${entry.kind}`}>
              <span className="tl-dot" aria-hidden="true" />
              <div>
                <p>
                  {entry.kind === 'order' ? <Link to={`/orders/${entry.id}`}>{describe(entry)}</Link> : describe(entry)}
                </p>
                <p className="hint">{f.dateTime(entry.at)}</p>
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
