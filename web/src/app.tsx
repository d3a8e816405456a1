import { lazy, Suspense } from 'react';
import { HomePage } from './pages/home.js';
import { NotFoundPage } from './pages/not-found.js';
import { SetupPage } from './pages/setup.js';
import { SignInPage } from './pages/sign-in.js';
import { usePath } from './router.js';
import { Loading } from './ui/auth-layout.js';

// The counter (for clerks' phones) is a chunk of its own: no dashboard code in it.
const Counter = lazy(() => import('./counter/counter-page.js').then((module) => ({ default: module.CounterPage })));

/*
 * Every page by its path. The staff dashboard lives under `/`; pages for customers (such as
 * /o/:offer) will sit beside it and, unlike the dashboard, never ask who is signed in.
 */
export function App() {
  const path = usePath();
  switch (path) {
    case '/':
      return <HomePage />;
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
      return <NotFoundPage />;
  }
}
