// Writing before the ack. A busy database is waited out without freezing the process (db/busy.ts); a database
// that cannot take the write (a full disk, a read-only or missing file, a PostgreSQL server out of reach)
// becomes an answer the person sees at once — never "Pulled in" for something that was not kept, never Slack's
// own failure after 3 seconds.
import { isBusy, sqliteCode, whenNotBusy } from '../../db/busy.js';
import { isConnectionTrouble } from '../../db/postgres.js';
import { errorCode, isLockWait, LOCK_WAIT_CAUSES } from '../../db/store.js';
import { COULD_NOT_SAVE, DATABASE_OUT_OF_REACH } from '../copy.js';
import type { Deps } from '../deps.js';

export type Saved<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * The Deps one request's handler is given: the app's, with a count of the writes `saving` keeps during that
 * request, so that a failure later in the same request can be told apart: nothing kept (asking to try again
 * is true), or something kept (trying again would do it twice). Counted on the request's own Deps rather than
 * tracked through the async flow (AsyncLocalStorage hooks every promise in the process).
 */
export function requestDeps(deps: Deps): Deps & { kept: { count: number } } {
  return { ...deps, app: deps.app ?? deps, kept: { count: 0 } };
}

/**
 * A database error that is likely to pass by itself: SQLite's write lock held by another process past our
 * patience (or this process's queue for it longer than LOCK_WAIT_MS), or a PostgreSQL server down, restarting
 * or out of connections. Nothing was done, and the same
 * request a moment later is likely to go through, so the person is asked to try again (DATABASE_OUT_OF_REACH).
 */
export function isDatabaseOutOfReach(error: unknown): boolean {
  return isConnectionTrouble(error) || isBusy(error) || isLockWait(error);
}

/** What to log of a database error: its driver code, or its message when it has none (a pool timeout). */
export function databaseErrorSummary(error: unknown): string {
  // Its code alone would not say what to look for.
  if (isLockWait(error)) return `PUSHPULL_LOCK_WAIT (${LOCK_WAIT_CAUSES})`;
  return errorCode(error) ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Runs the writes a listener must make before it acknowledges, and waits for them. A database error is
 * logged once, here, with `context`, and handed back as the message to show; any other error is thrown as
 * it is.
 */
export async function saving<T>(
  deps: Deps,
  what: string,
  context: Record<string, unknown>,
  write: () => Promise<T>,
): Promise<Saved<T>> {
  if (deps.databaseIsThere && !deps.databaseIsThere()) {
    deps.logger.error(`could not save ${what}: the database file is missing or was replaced`, context);
    return { ok: false, message: COULD_NOT_SAVE };
  }
  try {
    const value = await whenNotBusy(write);
    if (deps.kept) deps.kept.count += 1;
    return { ok: true, value };
  } catch (error) {
    if (isConnectionTrouble(error)) {
      // The server restarting, a dropped connection, no pooled connection in time: nothing was kept, and a
      // moment later the same request is likely to go through, so the person is asked to try again.
      deps.logger.error(
        `could not save ${what}: the database server could not be reached; nothing was kept`,
        { ...context, error: databaseErrorSummary(error) },
      );
      return { ok: false, message: DATABASE_OUT_OF_REACH };
    }
    // SQLite refused, or this process's queue for its lock did not drain: nothing was kept either way.
    if (!sqliteCode(error) && !isLockWait(error)) throw error;
    deps.logger.error(`could not save ${what}; the person was told nothing was kept`, {
      ...context,
      error: databaseErrorSummary(error),
    });
    return { ok: false, message: isDatabaseOutOfReach(error) ? DATABASE_OUT_OF_REACH : COULD_NOT_SAVE };
  }
}
