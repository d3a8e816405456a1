/*
 * What this phone remembers for the customer pages, in localStorage: the visitor id a short
 * link brought (so a claim is credited to the tap, even when the cookie did not survive), and
 * the verified-phone token per merchant ("add to my coupons"). Storage may be off (private
 * windows): everything then lasts for this page only.
 */

const VISITOR_KEY = 'reservoir.vid';
const tokenKey = (merchantId: string) => `reservoir.phone.${merchantId}`;
const VISITOR = /^vis_[0-9A-HJKMNP-TV-Z]{26}$/;

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // See above.
  }
}

/**
 * Takes `?vid=` off the address (so a shared or bookmarked address does not carry this
 * visitor's id) and keeps it. Returns the visitor id to send with a claim, if any.
 */
export function takeVisitorId(): string | null {
  const url = new URL(location.href);
  const fromLink = url.searchParams.get('vid');
  if (fromLink !== null) {
    if (VISITOR.test(fromLink)) write(VISITOR_KEY, fromLink);
    url.searchParams.delete('vid');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  }
  return visitorId();
}

export function visitorId(): string | null {
  const saved = read(VISITOR_KEY);
  return saved !== null && VISITOR.test(saved) ? saved : null;
}

export interface SavedPhone {
  token: string;
  /** Masked, to show whose coupons these are. */
  phone: string;
  expiresAt: string;
}

export function savedPhone(merchantId: string): SavedPhone | null {
  const raw = read(tokenKey(merchantId));
  if (raw === null) return null;
  try {
    const saved = JSON.parse(raw) as SavedPhone;
    if (typeof saved.token === 'string' && typeof saved.phone === 'string' && Date.parse(saved.expiresAt) > Date.now()) return saved;
  } catch {
    // Unreadable: forget it below.
  }
  write(tokenKey(merchantId), null);
  return null;
}

export function savePhone(merchantId: string, saved: SavedPhone): void {
  write(tokenKey(merchantId), JSON.stringify(saved));
}

export function forgetPhone(merchantId: string): void {
  write(tokenKey(merchantId), null);
}

const merchantKey = (merchantId: string) => `reservoir.merchant.${merchantId}`;

/** The business name seen last, for pages whose answer does not carry it (My coupons). */
export function rememberMerchantName(merchantId: string, name: string): void {
  write(merchantKey(merchantId), name);
}

export function merchantName(merchantId: string): string | null {
  return read(merchantKey(merchantId));
}
