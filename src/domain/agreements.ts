// The define-success handshake and the agreements it leaves: the manager says what success looks like, the
// requester says it back in their own words (and how they mean to get there), the manager says "That's it".
import { and, asc, count, desc, eq, gte, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Agreement, Pull } from '../db/schema.js';
import { type Db, isUniqueViolation, serialize, type Tables, tables, transaction } from '../db/store.js';
import { getPull, type Page, pullKey, type StepRefusal, stepRefusalOf, UNRESOLVED } from './pulls.js';
import { fail, ok, type Result } from './result.js';
import { typedLength, typedText } from './text.js';
import { calendarDate } from './time.js';

/** Each part of an agreement fits on a screen: a definition of success that needs more is not yet one. */
export const AGREEMENT_FIELD_MAX = 1000;

export type HandshakeRefusal =
  | StepRefusal
  | 'not-define-success'
  | 'already-defined'
  | 'not-defined'
  | 'not-your-turn'
  | 'success-empty'
  | 'words-empty'
  | 'field-too-long'
  | 'bad-date';

export interface Definition {
  success: string | undefined;
  byWhen?: string | undefined;
  guardrails?: string | undefined;
}

export interface SaidBack {
  ownWords: string | undefined;
  approach?: string | undefined;
}

/** A pull and its handshake, as each step sees them. */
export interface Handshake {
  pull: Pull;
  agreement: Agreement;
}

const optional = (text: string | undefined): string | null => text?.trim() || null;
const tooLong = (...texts: (string | null)[]) =>
  texts.some((t) => t !== null && typedLength(t) > AGREEMENT_FIELD_MAX);

export async function agreementForPull(db: Db, pullId: number): Promise<Agreement | undefined> {
  const { agreements } = tables(db);
  return (await db.select().from(agreements).where(eq(agreements.pullId, pullId)).limit(1))[0];
}

/** The handshakes of these pulls, by pull id: a list shows Define success only where success is not yet defined. */
export async function handshakesOf(db: Db, pullIds: number[]): Promise<Map<number, Agreement>> {
  if (pullIds.length === 0) return new Map();
  const { agreements } = tables(db);
  const rows = await db.select().from(agreements).where(inArray(agreements.pullId, pullIds));
  return new Map(rows.flatMap((row) => (row.pullId === null ? [] : [[row.pullId, row] as const])));
}

/** The handshakes of whichever of these pulls are define-success ones: what every list of pulls reads. */
export async function handshakesAmong(db: Db, listed: Pull[]): Promise<Map<number, Agreement>> {
  return handshakesOf(
    db,
    listed.flatMap((p) => (p.kind === 'define-success' ? [p.id] : [])),
  );
}

/** The manager may define success: their define-success pull, still open, not yet defined. */
export async function mayDefine(
  db: Db,
  pullId: number,
  actorId: string,
): Promise<Result<Pull, HandshakeRefusal>> {
  const pull = await getPull(db, pullId);
  const refusal = stepRefusalOf(pull, actorId, 'manager');
  if (refusal) return fail(refusal);
  if ((pull as Pull).kind !== 'define-success') return fail('not-define-success');
  if (await agreementForPull(db, pullId)) return fail('already-defined');
  return ok(pull as Pull);
}

/** Step 1: the manager's definition. The pull counts as acknowledged: the manager is on it. */
export async function defineSuccess(
  db: Db,
  pullId: number,
  actorId: string,
  definition: Definition,
  now: number,
): Promise<Result<Agreement, HandshakeRefusal>> {
  const success = optional(definition.success);
  const guardrails = optional(definition.guardrails);
  const byWhen = optional(definition.byWhen);
  if (!success) return fail('success-empty');
  if (tooLong(success, guardrails)) return fail('field-too-long');
  if (byWhen && !calendarDate(byWhen)) return fail('bad-date');
  const defining = transaction(db, async (tx) => {
    await serialize(tx, pullKey(pullId));
    const { agreements, pulls } = tables(tx);
    const allowed = await mayDefine(tx, pullId, actorId);
    if (!allowed.ok) return allowed;
    const pull = allowed.value;
    await tx
      .update(pulls)
      .set({ status: 'acknowledged', acknowledgedAt: now })
      .where(and(eq(pulls.id, pullId), eq(pulls.status, 'open')));
    const [row] = await tx
      .insert(agreements)
      .values({
        teamId: pull.teamId,
        pullId,
        requesterId: pull.requesterId,
        managerId: pull.managerId,
        pushId: pull.pushId,
        stage: 'repeat',
        success,
        byWhen,
        guardrails,
        createdAt: now,
      })
      .returning();
    return ok(row as Agreement);
  });
  try {
    return await defining;
  } catch (error) {
    // Another definition of the same pull committed first (on PostgreSQL both can pass `mayDefine` at once).
    if (isUniqueViolation(error)) return fail('already-defined');
    throw error;
  }
}

/** Whose step it is: the requester's at `repeat`, the manager's at `confirm`. */
async function handshakeAt(
  db: Db,
  pullId: number,
  actorId: string,
  role: 'manager' | 'requester',
  stage: Agreement['stage'],
): Promise<Result<Handshake, HandshakeRefusal>> {
  const pull = await getPull(db, pullId);
  const refusal = stepRefusalOf(pull, actorId, role);
  if (refusal) return fail(refusal);
  const agreement = await agreementForPull(db, pullId);
  if (!agreement) return fail('not-defined');
  if (agreement.stage !== stage) return fail('not-your-turn');
  return ok({ pull: pull as Pull, agreement });
}

/** The requester may say it back now (used before opening the modal, and again when it is sent). */
export async function mayRepeat(
  db: Db,
  pullId: number,
  actorId: string,
): Promise<Result<Handshake, HandshakeRefusal>> {
  return handshakeAt(db, pullId, actorId, 'requester', 'repeat');
}

/** The manager may answer what was said back: That's it, or Not quite. */
export async function mayConfirm(
  db: Db,
  pullId: number,
  actorId: string,
): Promise<Result<Handshake, HandshakeRefusal>> {
  return handshakeAt(db, pullId, actorId, 'manager', 'confirm');
}

/** Step 2: the requester's own words, and optionally how they mean to get there. */
export async function repeatBack(
  db: Db,
  pullId: number,
  actorId: string,
  said: SaidBack,
): Promise<Result<Agreement, HandshakeRefusal>> {
  const ownWords = optional(said.ownWords);
  const approach = optional(said.approach);
  if (!ownWords) return fail('words-empty');
  if (tooLong(ownWords, approach)) return fail('field-too-long');
  return transaction(db, async (tx) => {
    const { agreements } = tables(tx);
    const allowed = await mayRepeat(tx, pullId, actorId);
    if (!allowed.ok) return allowed;
    const [row] = await tx
      .update(agreements)
      .set({ stage: 'confirm', ownWords, approach, rounds: sql`${agreements.rounds} + 1` })
      .where(and(eq(agreements.id, allowed.value.agreement.id), eq(agreements.stage, 'repeat')))
      .returning();
    return row ? ok(row) : fail('not-your-turn' as const);
  });
}

/** Step 3, "That's it": the agreement is kept and the pull resolved as `agreed`. A second press changes nothing. */
export async function confirmAgreement(
  db: Db,
  pullId: number,
  actorId: string,
  now: number,
): Promise<Result<Handshake, HandshakeRefusal>> {
  return transaction(db, async (tx) => {
    const { agreements, pulls } = tables(tx);
    const allowed = await mayConfirm(tx, pullId, actorId);
    if (!allowed.ok) return allowed;
    const [agreement] = await tx
      .update(agreements)
      .set({ stage: 'agreed', agreedAt: now, notQuiteNote: null })
      .where(and(eq(agreements.id, allowed.value.agreement.id), eq(agreements.stage, 'confirm')))
      .returning();
    // Gone from `confirm` since it was read: another press committed first (PostgreSQL lets the two overlap).
    if (!agreement) return fail('not-your-turn' as const);
    const [pull] = await tx
      .update(pulls)
      .set({ status: 'resolved', resolution: 'agreed', resolvedAt: now })
      .where(and(eq(pulls.id, pullId), inArray(pulls.status, UNRESOLVED)))
      .returning();
    // Closed since it was read (withdrawn meanwhile): throwing rolls the agreement back with it.
    if (!pull) throw new Error(`pull ${pullId} was closed while its agreement was confirmed`);
    return ok({ pull, agreement });
  });
}

/** Step 3, "Not quite": the manager's note goes back to the requester, whose turn it is again. */
export async function notQuite(
  db: Db,
  pullId: number,
  actorId: string,
  note: string | undefined,
): Promise<Result<Agreement, HandshakeRefusal>> {
  const text = optional(note);
  if (!text) return fail('note-required');
  if (tooLong(text)) return fail('field-too-long');
  return transaction(db, async (tx) => {
    const { agreements } = tables(tx);
    const allowed = await mayConfirm(tx, pullId, actorId);
    if (!allowed.ok) return allowed;
    const [agreement] = await tx
      .update(agreements)
      .set({ stage: 'repeat', notQuiteNote: text })
      .where(and(eq(agreements.id, allowed.value.agreement.id), eq(agreements.stage, 'confirm')))
      .returning();
    return agreement ? ok(agreement) : fail('not-your-turn' as const);
  });
}

/** Where the requester's latest handshake DM is, so the next step updates it in place. */
export async function recordRequesterMessage(db: Db, id: number, channel: string, ts: string): Promise<void> {
  const { agreements } = tables(db);
  await db
    .update(agreements)
    .set({ requesterChannel: channel, requesterTs: ts })
    .where(eq(agreements.id, id));
}

/** Where the manager's side-by-side DM is. */
export async function recordConfirmMessage(db: Db, id: number, channel: string, ts: string): Promise<void> {
  const { agreements } = tables(db);
  await db.update(agreements).set({ confirmChannel: channel, confirmTs: ts }).where(eq(agreements.id, id));
}

/** Agreements are kept once agreed; a handshake still under way is the pull's business, not yet an agreement. */
const agreed = (agreements: Tables['agreements']) => isNotNull(agreements.agreedAt);

/** The newest `shown` agreements this person is part of (as requester or manager), and how many in all. */
export async function agreementsPage(db: Db, userId: string, shown: number): Promise<Page<Agreement>> {
  const { agreements } = tables(db);
  const side = async (column: typeof agreements.requesterId | typeof agreements.managerId) => ({
    rows: await db
      .select()
      .from(agreements)
      .where(and(eq(column, userId), agreed(agreements)))
      .orderBy(desc(agreements.agreedAt), desc(agreements.id))
      .limit(shown),
    total:
      (
        await db
          .select({ n: count() })
          .from(agreements)
          .where(and(eq(column, userId), agreed(agreements)))
      )[0]?.n ?? 0,
  });
  // Two index reads rather than one OR: each side comes off its own index in order, and stops at `shown`.
  const asRequester = await side(agreements.requesterId);
  const asManager = await side(agreements.managerId);
  const newest = [...asRequester.rows, ...asManager.rows]
    .sort((a, b) => (b.agreedAt ?? 0) - (a.agreedAt ?? 0) || b.id - a.id)
    .slice(0, shown);
  return { shown: newest, total: asRequester.total + asManager.total };
}

/** For each push, how many agreements hang off it and the newest one. */
export async function agreementsOnPushes(
  db: Db,
  pushIds: number[],
): Promise<Map<number, { count: number; latest: Agreement }>> {
  const out = new Map<number, { count: number; latest: Agreement }>();
  if (pushIds.length === 0) return out;
  const { agreements } = tables(db);
  const rows = await db
    .select()
    .from(agreements)
    .where(and(inArray(agreements.pushId, pushIds), isNotNull(agreements.pushId), agreed(agreements)))
    .orderBy(desc(agreements.agreedAt), desc(agreements.id));
  for (const row of rows) {
    if (row.pushId === null) continue;
    const seen = out.get(row.pushId);
    if (seen) seen.count += 1;
    else out.set(row.pushId, { count: 1, latest: row });
  }
  return out;
}

/** The columns of `npx pushpull export agreements`, in order (an empty export still has its header). */
export const AGREEMENT_EXPORT_COLUMNS = [
  'id',
  'team_id',
  'pull_id',
  'requester_id',
  'manager_id',
  'push_id',
  'push_title',
  'success',
  'by_when',
  'guardrails',
  'own_words',
  'approach',
  'rounds',
  'created_at',
  'agreed_at',
] as const;

/** One agreement as a flat row, for `npx pushpull export agreements`. Times are ISO 8601 UTC. */
export type AgreementExportRow = {
  id: number;
  team_id: string | null;
  pull_id: number | null;
  requester_id: string;
  manager_id: string;
  push_id: number | null;
  push_title: string | null;
  success: string;
  by_when: string | null;
  guardrails: string | null;
  own_words: string | null;
  approach: string | null;
  rounds: number;
  created_at: string;
  agreed_at: string;
};

/**
 * Every kept agreement, oldest first, agreed on or after `sinceIso` (`YYYY-MM-DD`, from its start in UTC) when
 * given. Handshakes still under way are not agreements yet and are left out.
 */
export async function agreementsForExport(db: Db, sinceIso?: string): Promise<AgreementExportRow[]> {
  const since = sinceIso ? Date.parse(`${sinceIso}T00:00:00Z`) : undefined;
  if (since !== undefined && Number.isNaN(since)) throw new Error(`not a date: ${sinceIso}`);
  const { agreements, pushes } = tables(db);
  const rows = await db
    .select({ agreement: agreements, pushTitle: pushes.title })
    .from(agreements)
    .leftJoin(pushes, eq(pushes.id, agreements.pushId))
    .where(
      since === undefined ? agreed(agreements) : and(agreed(agreements), gte(agreements.agreedAt, since)),
    )
    .orderBy(asc(agreements.agreedAt), asc(agreements.id));
  return rows.map(({ agreement: a, pushTitle }) => ({
    id: a.id,
    team_id: a.teamId,
    pull_id: a.pullId,
    requester_id: a.requesterId,
    manager_id: a.managerId,
    push_id: a.pushId,
    push_title: typedText(pushTitle ?? null),
    success: typedText(a.success),
    by_when: a.byWhen,
    guardrails: typedText(a.guardrails),
    own_words: typedText(a.ownWords),
    approach: typedText(a.approach),
    rounds: a.rounds,
    created_at: new Date(a.createdAt).toISOString(),
    agreed_at: new Date(a.agreedAt ?? a.createdAt).toISOString(),
  }));
}
