import { useTranslation } from 'react-i18next';
import { Link } from '../router.js';
import { AuthLayout } from '../ui/auth-layout.js';
import { useTitle } from '../ui/use-title.js';

export function NotFoundPage() {
  const { t } = useTranslation();
  useTitle(t('notFound.title'));
  return (
    <AuthLayout title={t('notFound.title')} intro={t('notFound.body')}>
      <Link className="button" to="/">
        {t('notFound.home')}
      </Link>
    </AuthLayout>
  );
}
