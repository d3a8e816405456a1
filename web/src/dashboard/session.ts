import { createContext, useContext } from 'react';
import type { Me } from '../api.js';

/** Who is signed in, for every page of the dashboard; the shell loads it once. */
export const SessionContext = createContext<Me | null>(null);

export function useSession(): Me {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useSession outside the dashboard shell');
  return me;
}
