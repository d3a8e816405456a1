import { HomePage } from './pages/home.js';
import { NotFoundPage } from './pages/not-found.js';
import { SetupPage } from './pages/setup.js';
import { SignInPage } from './pages/sign-in.js';
import { usePath } from './router.js';

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
    default:
      return <NotFoundPage />;
  }
}
