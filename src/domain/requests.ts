// Requests carried out once: a replayed command or a submission sent twice finds its first outcome instead of creating again.
import { eq, lt } from 'drizzle-orm';
import { sqliteCode } from '../db/busy.js';
import type { Db } from '../db/client.js';
import { requestsSeen } from '../db/schema.js';
import { ok, type Result } from './result.js';

/**
 * How long a request key is remembered. Slack retries and people double-click within seconds, and the
 * receiver refuses a signed request older than five minutes, so a day covers every replay that can
 * reach us with room to spare. Older keys are deleted whenever a new one is written (an indexed delete).
 */
export const REQUEST_KEPT_MS = 24 * 60 * 60 * 1000;

/** The key a slash command is known by: Slack sends a fresh `trigger_id` per invocation, a replay carries the same. */
export const commandKey = (triggerId: string) => `command:${triggerId}`;

/**
 * The key a view submission is known by: its view id and hash. Submitting the same modal twice (a double
 * click, a retry) repeats both; Slack changes the hash whenever the view changes.
 */
export const submissionKey = (viewId: string, hash: string) => `view:${viewId}:${hash}`;

/** What came of a request: freshly created, or seen before (with the id of what it created then). */
export type Once<T> = { replay: false; value: T } | { replay: true; createdId: number | null };

function isDuplicateKey(error: unknown): boolean {
  const code = sqliteCode(error);
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * Runs `create` at most once per `key`. The key is written in the same transaction as what `create`
 * writes, so a crash leaves both or neither; a refusal writes nothing, so a corrected retry runs again.
 * Without a key (Slack did not send one) it simply creates.
 */
export function createOnce<T extends { id: number }, R extends string>(
  db: Db,
  key: string | undefined,
  now: number,
  create: () => Result<T, R>,
): Result<Once<T>, R> {
  if (!key) {
    const result = create();
    return result.ok ? ok({ replay: false, value: result.value }) : result;
  }
  const seen = () => {
    const row = db.select().from(requestsSeen).where(eq(requestsSeen.key, key)).get();
    return row ? ok({ replay: true as const, createdId: row.createdId }) : undefined;
  };
  try {
    return db.transaction(
      (tx) => {
        const earlier = seen();
        if (earlier) return earlier;
        const result = create();
        if (!result.ok) return result;
        tx.delete(requestsSeen)
          .where(lt(requestsSeen.seenAt, now - REQUEST_KEPT_MS))
          .run();
        tx.insert(requestsSeen).values({ key, createdId: result.value.id, seenAt: now }).run();
        return ok({ replay: false as const, value: result.value });
      },
      { behavior: 'immediate' },
    );
  } catch (error) {
    // Another instance recorded the same key first: its transaction won, ours rolled back whole.
    const earlier = isDuplicateKey(error) ? seen() : undefined;
    if (earlier) return earlier;
    throw error;
  }
}
