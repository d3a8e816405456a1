import { inDirectory, type Db } from '../platform/db.js';
import { startPeriodic } from '../platform/periodic.js';
import { refreshRollups } from './refresh.js';

export interface RefreshTimer {
  stop(): Promise<void>;
}

/**
 * Keeps every merchant's rollups fresh in the background, so that a dashboard load rarely finds
 * much to do. One pass at a time; a pass that fails is logged and the next one tries again.
 * Several processes may run it: the refresh of a merchant takes an advisory lock.
 */
export function startRefreshTimer(db: Db, seconds: number, log: { warn(fields: object, message: string): void }): RefreshTimer {
  return startPeriodic(
    seconds,
    async (stopped) => {
      // The logins directory is the one cross-tenant list of merchants.
      const merchants = await inDirectory(db, (tx) => tx.selectFrom('logins').select('merchant_id').distinct().execute());
      for (const { merchant_id } of merchants) {
        if (stopped()) return;
        await refreshRollups(db, merchant_id);
      }
    },
    (error) => log.warn({ err: error }, 'analytics refresh failed; the next pass retries'),
  );
}
