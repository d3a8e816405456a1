import { lazy, Suspense } from 'react';
import { dashboardRoute } from './dashboard/paths.js';
import { NotFoundPage } from './pages/not-found.js';
import { SetupPage } from './pages/setup.js';
import { SignInPage } from './pages/sign-in.js';
import { usePath } from './router.js';
import { Loading } from './ui/auth-layout.js';

// The staff dashboard is its own chunk: sign-in and the customer pages do not download it.
const Dashboard = lazy(() => import('./dashboard/index.js').then((module) => ({ default: module.Dashboard })));
// The counter (for clerks' phones) is a chunk of its own too: no dashboard code in it.
const Counter = lazy(() => import('./counter/counter-page.js').then((module) => ({ default: module.CounterPage })));

/*
 * Every page by its path. The staff dashboard lives under `/`; pages for customers (such as
 * /o/:offer) will sit beside it and, unlike the dashboard, never ask who is signed in.
 */
export function App() {
  const path = usePath();
  switch (path) {
    case '/setup':
      return <SetupPage />;
    case '/signin':
      return <SignInPage />;
    case '/counter':
      return (
        <Suspense fallback={<Loading />}>
          <Counter />
        </Suspense>
      );
    default:
      if (dashboardRoute(path)) {
        return (
          <Suspense fallback={<Loading />}>
            <Dashboard path={path} />
          </Suspense>
        );
      }
      return <NotFoundPage />;
  }
}
