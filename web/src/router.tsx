import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/*
 * A tiny client-side router: the address bar is the state. The server answers every page
 * address with the same index.html, so any path here can be opened, reloaded and shared.
 */

/** What a page may hand to the next one without putting it in the address. */
export interface RouteState {
  notice?: 'session_expired' | 'signed_out';
}

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

/** The current path, without a trailing slash (the server ignores one too). */
export function usePath(): string {
  return useSyncExternalStore(subscribe, () => location.pathname.replace(/(.)\/+$/, '$1'));
}

export function navigate(to: string, options: { replace?: boolean; state?: RouteState } = {}): void {
  const state = options.state ?? null;
  if (options.replace) history.replaceState(state, '', to);
  else history.pushState(state, '', to);
  window.scrollTo(0, 0);
  for (const listener of listeners) listener();
}

export function routeState(): RouteState {
  const state: unknown = history.state;
  return typeof state === 'object' && state !== null ? (state as RouteState) : {};
}

/** An in-app link: a plain <a> (so it can be opened in a new tab) that navigates without a reload. */
export function Link({ to, onClick, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={follow} {...rest} />;
}
