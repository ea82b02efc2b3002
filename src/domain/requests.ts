// Requests carried out once: a replayed command or a submission sent twice finds its first outcome instead of creating again.
import { eq, lt, sql } from 'drizzle-orm';
import { prepared } from '../db/prepared.js';
import { type Db, isUniqueViolation, tables, transaction } from '../db/store.js';
import { ok, type Result } from './result.js';

/**
 * How long a request key is remembered. Slack retries and people double-click within seconds, and the
 * receiver refuses a signed request older than five minutes, so a day covers every replay that can
 * reach us with room to spare. Older keys are deleted when a new one is written, at most once a minute.
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

/** Old keys are swept at most once a minute per database in this process, not on every request: a day's keys are kept either way. */
const SWEEP_EVERY_MS = 60_000;
const lastSweep = new WeakMap<Db, number>();

function sweepDue(db: Db, now: number): boolean {
  const last = lastSweep.get(db);
  if (last !== undefined && now - last < SWEEP_EVERY_MS && now >= last) return false;
  lastSweep.set(db, now);
  return true;
}

/**
 * Runs `create` at most once per `key`. The key is written in the same transaction as what `create`
 * writes (`create` receives that transaction's handle and writes through it), so a crash leaves both or
 * neither; a refusal writes nothing, so a corrected retry runs again. Without a key (Slack did not send one)
 * it simply creates.
 */
export async function createOnce<T extends { id: number }, R extends string>(
  db: Db,
  key: string | undefined,
  now: number,
  create: (tx: Db) => Promise<Result<T, R>>,
): Promise<Result<Once<T>, R>> {
  if (!key) {
    const result = await create(db);
    return result.ok ? ok({ replay: false, value: result.value }) : result;
  }
  const seen = async (handle: Db) => {
    const found = await prepared(handle, 'requestSeen', (d) => {
      const { requestsSeen } = tables(d);
      return d
        .select()
        .from(requestsSeen)
        .where(eq(requestsSeen.key, sql.placeholder('key')))
        .prepare();
    }).execute({ key });
    const row = found[0];
    return row ? ok({ replay: true as const, createdId: row.createdId }) : undefined;
  };
  try {
    return await transaction(db, async (tx): Promise<Result<Once<T>, R>> => {
      // A replay is rare: it is found when its key cannot be written (below), not by a read on every request.
      const result = await create(tx);
      // A refusal may only be a replay meeting what the first request created (its pull counted to the limit).
      if (!result.ok) return (await seen(tx)) ?? result;
      if (sweepDue(db, now)) {
        const { requestsSeen } = tables(tx);
        await tx.delete(requestsSeen).where(lt(requestsSeen.seenAt, now - REQUEST_KEPT_MS));
      }
      // A replay, or another instance writing the same key at once, makes this insert fail (on PostgreSQL it
      // waits for that transaction to commit first), which rolls back everything `create` wrote.
      await prepared(tx, 'requestSeenInsert', (d) =>
        d
          .insert(tables(d).requestsSeen)
          .values({
            key: sql.placeholder('key'),
            createdId: sql.placeholder('createdId'),
            seenAt: sql.placeholder('seenAt'),
          })
          .prepare(),
      ).execute({ key, createdId: result.value.id, seenAt: now });
      return ok({ replay: false as const, value: result.value });
    });
  } catch (error) {
    // Another instance recorded the same key first: its transaction won, ours rolled back whole. Read its
    // outcome outside ours (rolled back, and on PostgreSQL unusable after the failed statement).
    const earlier = isUniqueViolation(error) ? await seen(db) : undefined;
    if (earlier) return earlier;
    throw error;
  }
}
