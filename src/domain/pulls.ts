// Pulls: a contributor's tracked request for their manager's input, from open to resolved.
import { and, asc, count, desc, eq, gt, gte, inArray, isNotNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { prepared } from '../db/prepared.js';
import { OPEN, PULL_KINDS, type Pull, type PullKind, type PullStatus } from '../db/schema.js';
import { type Db, serialize, tables, transaction } from '../db/store.js';
import { rowId } from './ids.js';
import { getMember } from './members.js';
import { fail, ok, type Result } from './result.js';
import { typedLength, withinTyped } from './text.js';

export const NEED_MAX = 3000;
export const CONTEXT_MAX = 3000;
export const NOTE_MAX = 3000;
/** Keep in step with `OPEN` in db/schema.ts, the same statuses as SQL text for the partial indexes. */
export const UNRESOLVED: PullStatus[] = ['open', 'acknowledged'];

const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/);

export const newPullSchema = z.object({
  teamId: z.string().optional(),
  requesterId: slackUserId,
  managerId: slackUserId,
  need: z.string().trim().min(1, 'empty').refine(withinTyped(NEED_MAX), 'too-long'),
  context: z
    .string()
    .trim()
    .refine(withinTyped(CONTEXT_MAX), 'too-long')
    .optional()
    .transform((v) => (v ? v : undefined)),
  kind: z.enum(PULL_KINDS).default('decision'),
  neededBy: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  pushId: rowId.optional(),
});
export type NewPull = z.input<typeof newPullSchema>;

export type OpenPullRefusal =
  | 'need-empty'
  | 'need-too-long'
  | 'context-too-long'
  | 'self'
  | 'bot'
  | 'too-many'
  | 'invalid';

/** What is wrong with a pull's words, read from the first zod issue: the same refusal wherever they are written. */
export function wordingRefusal(
  error: z.ZodError,
): 'need-too-long' | 'need-empty' | 'context-too-long' | 'invalid' {
  const issue = error.issues[0];
  const field = issue?.path[0];
  if (field === 'need') return issue?.message === 'too-long' ? 'need-too-long' : 'need-empty';
  if (field === 'context') return 'context-too-long';
  return 'invalid';
}

/**
 * Opens a pull. With `dmOnItsWay` (a listener that posts the manager's DM right after its ack) the pull is
 * written already marked as having a DM that may land unseen (see `markManagerDmUnknown`): the same mark
 * the post would set first, in the transaction that creates the pull rather than a write of its own.
 */
export async function openPull(
  db: Db,
  input: NewPull,
  now: number,
  options: { dmOnItsWay?: boolean } = {},
): Promise<Result<Pull, OpenPullRefusal>> {
  const parsed = newPullSchema.safeParse(input);
  if (!parsed.success) return fail(wordingRefusal(parsed.error));
  const p = parsed.data;
  if (p.requesterId === p.managerId) return fail('self');
  if ((await getMember(db, p.managerId))?.isBot) return fail('bot');
  // The limit and the insert are one transaction (inside createOnce's, this joins it): the pull is handed back
  // only once its COMMIT succeeded, so a commit that fails (a full disk, a file gone read-only) is thrown rather
  // than leave the caller holding a row that was never stored.
  // Serialized per requester: on PostgreSQL two instances could otherwise both count nine and insert a tenth.
  return transaction(db, async (tx) => {
    await serialize(tx, `pulls-of:${p.requesterId}`);
    if (await pullLimitReached(tx, p.requesterId, now)) return fail('too-many' as const);
    const inserted = await prepared(tx, 'insertPull', (d) =>
      d
        .insert(tables(d).pulls)
        .values({
          teamId: sql.placeholder('teamId'),
          requesterId: sql.placeholder('requesterId'),
          managerId: sql.placeholder('managerId'),
          need: sql.placeholder('need'),
          context: sql.placeholder('context'),
          kind: sql.placeholder('kind'),
          neededBy: sql.placeholder('neededBy'),
          pushId: sql.placeholder('pushId'),
          createdAt: sql.placeholder('createdAt'),
          managerDmUnknownAt: sql.placeholder('managerDmUnknownAt'),
        })
        .returning()
        .prepare(),
    ).execute({
      teamId: p.teamId ?? null,
      requesterId: p.requesterId,
      managerId: p.managerId,
      need: p.need,
      context: p.context ?? null,
      kind: p.kind,
      neededBy: p.neededBy ?? null,
      pushId: p.pushId ?? null,
      createdAt: now,
      managerDmUnknownAt: options.dmOnItsWay ? now : null,
    });
    return ok(inserted[0] as Pull);
  });
}

export async function getPull(db: Db, id: number): Promise<Pull | undefined> {
  const found = await prepared(db, 'getPull', (d) => {
    const { pulls } = tables(d);
    return d
      .select()
      .from(pulls)
      .where(eq(pulls.id, sql.placeholder('id')))
      .prepare();
  }).execute({ id });
  return found[0];
}

export async function recordManagerMessage(db: Db, id: number, channel: string, ts: string): Promise<void> {
  await prepared(db, 'recordManagerMessage', (d) => {
    const { pulls } = tables(d);
    return d
      .update(pulls)
      .set({
        managerChannel: sql`${sql.placeholder('channel')}`,
        managerTs: sql`${sql.placeholder('ts')}`,
        managerDmUnknownAt: null,
      })
      .where(eq(pulls.id, sql.placeholder('id')))
      .prepare();
  }).execute({ id, channel, ts });
}

/**
 * The manager's DM is being posted, or was posted and Slack never answered: until its place is saved it may
 * have landed unseen, so each later step looks for it before doing anything that needs it.
 */
export async function markManagerDmUnknown(db: Db, id: number, now: number): Promise<void> {
  await prepared(db, 'markManagerDmUnknown', (d) => {
    const { pulls } = tables(d);
    return d
      .update(pulls)
      .set({ managerDmUnknownAt: sql`${sql.placeholder('now')}` })
      .where(eq(pulls.id, sql.placeholder('id')))
      .prepare();
  }).execute({ id, now });
}

/** Slack refused the manager's DM outright: nothing landed, so there is nothing to look for. */
export async function clearManagerDmUnknown(db: Db, id: number): Promise<void> {
  const { pulls } = tables(db);
  await db.update(pulls).set({ managerDmUnknownAt: null }).where(eq(pulls.id, id));
}

export type StepRefusal =
  | 'not-found'
  | 'not-manager'
  | 'not-requester'
  | 'closed'
  | 'already-acknowledged'
  | 'note-required'
  | 'note-too-long'
  | 'not-this-answer';

/** The answers a manager gives with a button; `agreed` is only ever reached through the define-success handshake. */
export const ANSWERS = ['your-call', 'input', 'decision', 'talk'] as const;
export type Answer = (typeof ANSWERS)[number];

/** The answers that leave the decision elsewhere need no words; the ones that carry the manager's view do. */
export const NOTE_REQUIRED: Record<Answer, boolean> = {
  'your-call': false,
  input: true,
  decision: true,
  talk: false,
};

export const resolutionSchema = z.enum(ANSWERS);

/**
 * The one-shot answers a pull of this kind takes. Someone who asks their manager to define success is asking
 * for the goal, not for a call: "Your call" would hand back the very thing they asked for, and a Decision or
 * Input would skip the repeat-it-back that earns them the room to run. The handshake answers it; Let's talk
 * stays, for a goal that needs a conversation first.
 */
export function answersFor(kind: PullKind): readonly Answer[] {
  return kind === 'define-success' ? ['talk'] : ANSWERS;
}

export function stepRefusalOf(
  pull: Pull | undefined,
  actorId: string,
  role: 'manager' | 'requester',
): StepRefusal | undefined {
  if (!pull) return 'not-found';
  if (role === 'manager' && pull.managerId !== actorId) return 'not-manager';
  if (role === 'requester' && pull.requesterId !== actorId) return 'not-requester';
  if (!UNRESOLVED.includes(pull.status)) return 'closed';
  return undefined;
}

/** Checks that `actorId` may answer this pull now, without changing anything (used before opening a modal). */
export async function mayAnswer(
  db: Db,
  id: number,
  actorId: string,
  answer?: Answer,
): Promise<Result<Pull, StepRefusal>> {
  const pull = await getPull(db, id);
  const refusal = stepRefusalOf(pull, actorId, 'manager');
  if (refusal) return fail(refusal);
  if (answer && !answersFor((pull as Pull).kind).includes(answer)) return fail('not-this-answer');
  return ok(pull as Pull);
}

/*
 * The steps below check the pull, then change it with an update whose WHERE repeats what the check found (the
 * status it needs, and who may take the step): of two presses racing (a double click, a replay, another
 * instance) exactly one matches, on either dialect, and a pull sent on to a deputy in between is left to them.
 * Each update runs in a transaction so its row is handed back only after the COMMIT succeeded.
 */

/**
 * Changes pull `id` as `change` says, only while it is still in one of the statuses `from` and still `by` the
 * person taking the step; the row is handed back once its COMMIT succeeded, undefined when nothing matched.
 */
async function takeStep(
  db: Db,
  id: number,
  by: { managerId: string } | { requesterId: string },
  from: readonly PullStatus[],
  change: Partial<Pull>,
): Promise<Pull | undefined> {
  return transaction(db, async (tx) => {
    const { pulls } = tables(tx);
    const actor =
      'managerId' in by ? eq(pulls.managerId, by.managerId) : eq(pulls.requesterId, by.requesterId);
    const [row] = await tx
      .update(pulls)
      .set(change)
      .where(and(eq(pulls.id, id), actor, inArray(pulls.status, [...from])))
      .returning();
    return row;
  });
}

export async function acknowledgePull(
  db: Db,
  id: number,
  actorId: string,
  now: number,
): Promise<Result<Pull, StepRefusal>> {
  const pull = await getPull(db, id);
  const refusal = stepRefusalOf(pull, actorId, 'manager');
  if (refusal) return fail(refusal);
  // A second press (a double click, a replay, a racing instance) changes nothing, and nobody is told twice.
  if (pull?.status === 'acknowledged') return fail('already-acknowledged');
  const row = await takeStep(db, id, { managerId: actorId }, ['open'], {
    status: 'acknowledged',
    acknowledgedAt: now,
  });
  if (row) return ok(row);
  return (await getPull(db, id))?.status === 'acknowledged' ? fail('already-acknowledged') : fail('closed');
}

export async function resolvePull(
  db: Db,
  id: number,
  actorId: string,
  resolution: Answer,
  note: string | undefined,
  now: number,
): Promise<Result<Pull, StepRefusal>> {
  const allowed = await mayAnswer(db, id, actorId, resolution);
  if (!allowed.ok) return allowed;
  const text = note?.trim() ?? '';
  if (NOTE_REQUIRED[resolution] && text === '') return fail('note-required');
  if (typedLength(text) > NOTE_MAX) return fail('note-too-long');
  const row = await takeStep(db, id, { managerId: actorId }, UNRESOLVED, {
    status: 'resolved',
    resolution,
    resolutionNote: text || null,
    resolvedAt: now,
  });
  return row ? ok(row) : fail('closed');
}

export async function withdrawPull(
  db: Db,
  id: number,
  actorId: string,
  now: number,
): Promise<Result<Pull, StepRefusal>> {
  const pull = await getPull(db, id);
  const refusal = stepRefusalOf(pull, actorId, 'requester');
  if (refusal) return fail(refusal);
  const row = await takeStep(db, id, { requesterId: actorId }, UNRESOLVED, {
    status: 'withdrawn',
    withdrawnAt: now,
  });
  return row ? ok(row) : fail('closed');
}

/** A list as far as it is shown, and how many there are in all. */
export interface Page<T> {
  shown: T[];
  total: number;
}

/** Whose pulls a list is of: the manager they wait on, or the person who sent them. */
type Side = 'managerId' | 'requesterId';

/** Unresolved pulls of one person, by `side`, oldest first; a partial index holds exactly these. */
async function openPulls(db: Db, side: Side, userId: string, limit?: number): Promise<Pull[]> {
  const { pulls } = tables(db);
  const query = db
    .select()
    .from(pulls)
    .where(and(eq(pulls[side], userId), OPEN))
    .orderBy(asc(pulls.createdAt), asc(pulls.id))
    .$dynamic();
  return limit === undefined ? await query : await query.limit(limit);
}

async function countOpen(db: Db, side: Side, userId: string): Promise<number> {
  const { pulls } = tables(db);
  const counted = await db
    .select({ n: count() })
    .from(pulls)
    .where(and(eq(pulls[side], userId), OPEN));
  return counted[0]?.n ?? 0;
}

/** Pulls waiting on this manager, oldest first: the longest wait deserves the first look. */
export function pullsAwaiting(db: Db, managerId: string, limit?: number): Promise<Pull[]> {
  return openPulls(db, 'managerId', managerId, limit);
}

export function pullsSent(db: Db, requesterId: string, limit?: number): Promise<Pull[]> {
  return openPulls(db, 'requesterId', requesterId, limit);
}

/** The first `shown` pulls awaiting this manager and how many await in all: a list reads only what it shows. */
export async function awaitingPage(db: Db, managerId: string, shown: number): Promise<Page<Pull>> {
  return {
    shown: await pullsAwaiting(db, managerId, shown),
    total: await countOpen(db, 'managerId', managerId),
  };
}

export async function sentPage(db: Db, requesterId: string, shown: number): Promise<Page<Pull>> {
  return {
    shown: await pullsSent(db, requesterId, shown),
    total: await countOpen(db, 'requesterId', requesterId),
  };
}

export async function pullsResolvedSince(db: Db, managerId: string, since: number): Promise<Pull[]> {
  const { pulls } = tables(db);
  return db
    .select()
    .from(pulls)
    .where(and(eq(pulls.managerId, managerId), isNotNull(pulls.resolvedAt), gte(pulls.resolvedAt, since)))
    .orderBy(desc(pulls.resolvedAt), desc(pulls.id));
}

/**
 * How many pulls one person may open in a rolling minute. Each pull interrupts someone with a DM: thirty in a
 * burst at one colleague is spam, not thirty requests, while ten a minute is more than anyone typing pulls by
 * hand will send.
 */
/** What writers deciding on one pull serialize on (see `serialize`). */
export const pullKey = (id: number): string => `pull:${id}`;

export const PULLS_PER_MINUTE = 10;
const MINUTE_MS = 60_000;

/**
 * True when this person has opened PULLS_PER_MINUTE pulls in the minute before `now`. Counted from the pulls
 * table (withdrawn ones too: their DM went out), so it holds across restarts and instances.
 */
export async function pullLimitReached(db: Db, requesterId: string, now: number): Promise<boolean> {
  const counted = await prepared(db, 'pullLimitReached', (d) => {
    const { pulls } = tables(d);
    return d
      .select({ opened: count() })
      .from(pulls)
      .where(
        and(
          eq(pulls.requesterId, sql.placeholder('requesterId')),
          gt(pulls.createdAt, sql.placeholder('since')),
        ),
      )
      .prepare();
  }).execute({ requesterId, since: now - MINUTE_MS });
  return (counted[0]?.opened ?? 0) >= PULLS_PER_MINUTE;
}
