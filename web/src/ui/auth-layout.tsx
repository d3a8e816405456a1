import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Mark } from './brand.js';
import { LanguageSwitch } from './language-switch.js';

/** The frame of the pages seen before signing in: one card in the middle of a quiet page. */
export function AuthLayout({ title, intro, children }: { title: string; intro: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="auth">
      <header className="auth-top">
        <span className="brand">
          <Mark />
          {t('app.name')}
        </span>
        <LanguageSwitch />
      </header>
      <main className="card auth-card">
        <h1>{title}</h1>
        <p className="lead">{intro}</p>
        {children}
      </main>
      <footer className="auth-foot">{t('app.tagline')}</footer>
    </div>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status">
      {t('app.loading')}
    </p>
  );
}
