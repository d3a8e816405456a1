import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

export function useTitle(title: string): void {
  const { t } = useTranslation();
  const app = t('app.name');
  useEffect(() => {
    document.title = `${title} · ${app}`;
  }, [title, app]);
}
