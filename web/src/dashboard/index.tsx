import { lazy, Suspense, useEffect, useState } from 'react';
import * as api from '../api.js';
import { navigate } from '../router.js';
import { Loading } from '../ui/auth-layout.js';
import { ErrorMessage } from '../ui/error-message.js';
import { ChannelPage, ChannelsPage } from './channels.js';
import { HomePage } from './home.js';
import { KeysPage } from './keys.js';
import { MemberPage, MembersPage } from './members.js';
import { OfferPage, OffersPage } from './offers.js';
import { OrderPage, OrdersPage } from './orders.js';
import { dashboardRoute, mayOpen } from './paths.js';
import { SessionContext } from './session.js';
import { SettingsPage } from './settings.js';
import { Shell, NotAllowed } from './shell.js';
import { StaffPage } from './staff.js';
import { StoresPage } from './stores.js';
import './dashboard.css';

// The charts (ECharts) load only when the overview is opened.
const OverviewPage = lazy(() => import('./overview.js').then((module) => ({ default: module.OverviewPage })));

/** The signed-in staff dashboard: who is signed in, then the page of the address. */
export function Dashboard({ path }: { path: string }) {
  const [me, setMe] = useState<api.Me | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    api
      .me()
      .then((found) => live && setMe(found))
      .catch(async (caught: unknown) => {
        if (!live) return;
        if (caught instanceof api.ApiError && caught.status === 401) await leave(caught.code);
        else setError(caught);
      });
    return () => {
      live = false;
    };
  }, []);

  if (error) {
    return (
      <main className="page">
        <ErrorMessage error={error} />
      </main>
    );
  }
  if (!me) return <Loading />;
  const route = dashboardRoute(path) ?? { section: 'home' as const, rest: [] };
  return (
    <SessionContext.Provider value={me}>
      <Shell section={route.section}>
        {mayOpen(me.role, route.section) ? (
          <Suspense fallback={<Loading />}>
            <Page section={route.section} id={route.rest[0]} />
          </Suspense>
        ) : (
          <NotAllowed section={route.section} />
        )}
      </Shell>
    </SessionContext.Provider>
  );
}

function Page({ section, id }: { section: NonNullable<ReturnType<typeof dashboardRoute>>['section']; id: string | undefined }) {
  switch (section) {
    case 'home':
      return <HomePage />;
    case 'overview':
      return <OverviewPage />;
    case 'channels':
      return id ? <ChannelPage key={id} id={id} /> : <ChannelsPage />;
    case 'offers':
      return id ? <OfferPage key={id} id={id} /> : <OffersPage />;
    case 'members':
      return id ? <MemberPage key={id} id={id} /> : <MembersPage />;
    case 'orders':
      return id ? <OrderPage key={id} id={id} /> : <OrdersPage />;
    case 'stores':
      return <StoresPage />;
    case 'staff':
      return <StaffPage />;
    case 'keys':
      return <KeysPage />;
    case 'settings':
      return <SettingsPage />;
  }
}

/** Not signed in (any more): to the sign-in page, or to set-up on a fresh install. */
async function leave(code: string): Promise<void> {
  const needed = await api.getSetup().then(
    (status) => status.needed,
    () => false,
  );
  if (needed) navigate('/setup', { replace: true });
  else navigate('/signin', { replace: true, ...(code === 'session_expired' ? { state: { notice: 'session_expired' } } : {}) });
}
