import type { Role } from '../api.js';

/*
 * Which addresses are the staff dashboard, and who may open each. Kept apart from the pages
 * themselves so the app can tell a dashboard address without loading the dashboard.
 */

export type Section = 'home' | 'overview' | 'channels' | 'offers' | 'members' | 'orders' | 'stores' | 'staff' | 'keys' | 'settings';

const MANAGERS: readonly Role[] = ['owner', 'manager'];
const EVERYONE: readonly Role[] = ['owner', 'manager', 'clerk'];

/** Each section with its base path and the roles that may open it (the API enforces the same). */
export const SECTIONS: Record<Section, { path: string; roles: readonly Role[] }> = {
  home: { path: '/', roles: EVERYONE },
  overview: { path: '/overview', roles: MANAGERS },
  channels: { path: '/channels', roles: MANAGERS },
  offers: { path: '/offers', roles: MANAGERS },
  members: { path: '/members', roles: MANAGERS },
  orders: { path: '/orders', roles: MANAGERS },
  stores: { path: '/stores', roles: MANAGERS },
  staff: { path: '/staff', roles: MANAGERS },
  keys: { path: '/keys', roles: ['owner'] },
  settings: { path: '/settings', roles: MANAGERS },
};

/** The section a path belongs to and the rest of it (`/offers/off_1` → offers, ['off_1']), or null. */
export function dashboardRoute(path: string): { section: Section; rest: string[] } | null {
  if (path === '/' || path === '') return { section: 'home', rest: [] };
  const [first = '', ...rest] = path.split('/').filter(Boolean);
  const section = (Object.keys(SECTIONS) as Section[]).find((key) => key !== 'home' && SECTIONS[key].path === `/${first}`);
  return section ? { section, rest } : null;
}

export function mayOpen(role: Role, section: Section): boolean {
  return SECTIONS[section].roles.includes(role);
}
