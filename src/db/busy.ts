// Waiting for another writer without freezing the process: short synchronous waits, retried asynchronously.
//
// better-sqlite3 is synchronous: while SQLite waits out `busy_timeout` for another process's write lock, the
// event loop stands still — no acks, no /healthz. So each attempt waits only BUSY_TIMEOUT_MS, and a write
// that meets a lock is tried again after a pause in which the process serves everyone else.

/** How long one attempt may hold the event loop waiting for another writer's lock. */
export const BUSY_TIMEOUT_MS = 50;
/** How long a request waits in all for a busy database before the person is told to try again. */
export const BUSY_PATIENCE_MS = 1500;

/** The SQLite error code of `error` or of one of its causes (drizzle wraps driver errors). */
export function sqliteCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_')) return code;
  }
  return undefined;
}

export function isBusy(error: unknown): boolean {
  const code = sqliteCode(error) ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a database step, trying again while another writer holds the lock, for up to `patienceMs`. Each try
 * blocks for at most BUSY_TIMEOUT_MS; between tries the process serves other requests. Errors other than a
 * busy database, and a database still busy at the end, are thrown as they are.
 */
export async function whenNotBusy<T>(step: () => T | Promise<T>, patienceMs = BUSY_PATIENCE_MS): Promise<T> {
  const deadline = Date.now() + patienceMs;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await step();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      await pause(Math.min(10 * 2 ** attempt, 200, Math.max(1, deadline - Date.now())));
    }
  }
}
