import type { Config } from '../config.js';
import type { Db } from '../db/store.js';
import type { Logger } from '../logger.js';

/** What every listener is given: the database, the settings, a logger and the clock (tests set the clock). */
export interface Deps {
  db: Db;
  config: Config;
  logger: Logger;
  clock: () => number;
  /** False once the database file at DATABASE_URL is gone or replaced: writes then would be lost. */
  databaseIsThere?: () => boolean;
}
