import { usePath } from '../router.js';
import { CouponsPage } from './coupons-page.js';
import { useT } from './i18n/index.js';
import { OfferPage } from './offer-page.js';
import { StorePage } from './store-page.js';
import { Layout } from './ui.js';

/*
 * The customer pages, all under /m/:merchantId/ (the customer API needs the merchant, and a
 * link destination is a path of this server, so a link can point straight at any of them):
 *   /m/:merchantId/o/:offerId   an offer (where links usually land)
 *   /m/:merchantId/s/:storeId   a store
 *   /m/:merchantId/coupons      my coupons
 */
export function CustomerApp() {
  const path = usePath();
  const { t } = useT();
  const parts = path.split('/').slice(1).map(decodeURIComponent);
  const [m, merchantId, page, id] = parts;
  if (m === 'm' && merchantId) {
    if (page === 'o' && id && parts.length === 4) return <OfferPage key={id} merchantId={merchantId} offerId={id} />;
    if (page === 's' && id && parts.length === 4) return <StorePage key={id} merchantId={merchantId} storeId={id} />;
    if (page === 'coupons' && parts.length === 3) return <CouponsPage merchantId={merchantId} />;
  }
  return (
    <Layout merchantId={null} merchant={null} title={t('notFound')}>
      <p className="c-note">{t('notFound')}</p>
    </Layout>
  );
}
