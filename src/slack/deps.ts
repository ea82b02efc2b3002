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
  /** On a request's own Deps (saving.ts, `requestDeps`): how many of its writes `saving` has kept. */
  kept?: { count: number };
  /** On a request's own Deps: the app's, which per-app state (the Home refresh queue) is kept by. */
  app?: Deps;
}
