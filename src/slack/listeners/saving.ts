// Writing before the ack. A busy database is waited out without freezing the process (db/busy.ts); a database
// that cannot take the write (a full disk, a read-only or missing file, a PostgreSQL server out of reach)
// becomes an answer the person sees at once — never "Pulled in" for something that was not kept, never Slack's
// own failure after 3 seconds.
import { isBusy, sqliteCode, whenNotBusy } from '../../db/busy.js';
import { isConnectionTrouble } from '../../db/postgres.js';
import { errorCode } from '../../db/store.js';
import { couldNotSave } from '../copy.js';
import type { Deps } from '../deps.js';

export type Saved<T> = { ok: true; value: T } | { ok: false; message: string };

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
    return { ok: false, message: couldNotSave(false) };
  }
  try {
    return { ok: true, value: await whenNotBusy(write) };
  } catch (error) {
    if (isConnectionTrouble(error)) {
      // The server restarting, a dropped connection, no pooled connection in time: nothing was kept, and a
      // moment later the same request is likely to go through, so the person is asked to try again.
      deps.logger.error(
        `could not save ${what}: the database server could not be reached; nothing was kept`,
        {
          ...context,
          error: errorCode(error) ?? (error instanceof Error ? error.message : String(error)),
        },
      );
      return { ok: false, message: couldNotSave(true) };
    }
    const code = sqliteCode(error);
    if (!code) throw error;
    deps.logger.error(`could not save ${what}; the person was told nothing was kept`, {
      ...context,
      error: code,
    });
    return { ok: false, message: couldNotSave(isBusy(error)) };
  }
}
