import type { Config } from './config.js';
import type { DatabaseHandle } from './db.js';

/** What every domain's routes are given: the configuration and the database. */
export interface Context {
  config: Config;
  database: DatabaseHandle;
}
