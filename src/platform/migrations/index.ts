import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_foundation.js';
import * as m0002 from './0002_taps_members_events.js';
import * as m0005 from './0005_outbox_and_visits.js';
import * as m0006 from './0006_offers.js';
import * as m0007 from './0007_orders.js';
import * as m0008 from './0008_analytics.js';
import * as m0009 from './0009_tenant_statistics.js';
import * as m0010 from './0010_narrow_rollups.js';

/** The one migration set, in order. Append; never edit or reorder a migration that has landed. */
const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_taps_members_events': m0002,
  '0005_outbox_and_visits': m0005,
  '0006_offers': m0006,
  '0007_orders': m0007,
  '0008_analytics': m0008,
  '0009_tenant_statistics': m0009,
  '0010_narrow_rollups': m0010,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
