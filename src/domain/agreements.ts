// The define-success handshake and the agreements it leaves: the manager says what success looks like, the
// requester says it back in their own words (and how they mean to get there), the manager says "That's it".
import { and, asc, count, desc, eq, gte, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { type Agreement, agreements, type Pull, pulls, pushes } from '../db/schema.js';
import { committed, getPull, type Page, type StepRefusal, stepRefusalOf, UNRESOLVED } from './pulls.js';
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

export function agreementForPull(db: Db, pullId: number): Agreement | undefined {
  return db.select().from(agreements).where(eq(agreements.pullId, pullId)).get();
}

/** The handshakes of these pulls, by pull id: a list shows Define success only where success is not yet defined. */
export function handshakesOf(db: Db, pullIds: number[]): Map<number, Agreement> {
  if (pullIds.length === 0) return new Map();
  const rows = db.select().from(agreements).where(inArray(agreements.pullId, pullIds)).all();
  return new Map(rows.flatMap((row) => (row.pullId === null ? [] : [[row.pullId, row] as const])));
}

/** The handshakes of whichever of these pulls are define-success ones: what every list of pulls reads. */
export function handshakesAmong(db: Db, listed: Pull[]): Map<number, Agreement> {
  return handshakesOf(
    db,
    listed.flatMap((p) => (p.kind === 'define-success' ? [p.id] : [])),
  );
}

/** The manager may define success: their define-success pull, still open, not yet defined. */
export function mayDefine(db: Db, pullId: number, actorId: string): Result<Pull, HandshakeRefusal> {
  const pull = getPull(db, pullId);
  const refusal = stepRefusalOf(pull, actorId, 'manager');
  if (refusal) return fail(refusal);
  if ((pull as Pull).kind !== 'define-success') return fail('not-define-success');
  if (agreementForPull(db, pullId)) return fail('already-defined');
  return ok(pull as Pull);
}

/** Step 1: the manager's definition. The pull counts as acknowledged: the manager is on it. */
export function defineSuccess(
  db: Db,
  pullId: number,
  actorId: string,
  definition: Definition,
  now: number,
): Result<Agreement, HandshakeRefusal> {
  const success = optional(definition.success);
  const guardrails = optional(definition.guardrails);
  const byWhen = optional(definition.byWhen);
  if (!success) return fail('success-empty');
  if (tooLong(success, guardrails)) return fail('field-too-long');
  if (byWhen && !calendarDate(byWhen)) return fail('bad-date');
  return committed(db, () => {
    const allowed = mayDefine(db, pullId, actorId);
    if (!allowed.ok) return allowed;
    const pull = allowed.value;
    db.update(pulls)
      .set({ status: 'acknowledged', acknowledgedAt: now })
      .where(and(eq(pulls.id, pullId), eq(pulls.status, 'open')))
      .run();
    const row = db
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
      .returning()
      .get();
    return ok(row);
  });
}

/** Whose step it is: the requester's at `repeat`, the manager's at `confirm`. */
function handshakeAt(
  db: Db,
  pullId: number,
  actorId: string,
  role: 'manager' | 'requester',
  stage: Agreement['stage'],
): Result<Handshake, HandshakeRefusal> {
  const pull = getPull(db, pullId);
  const refusal = stepRefusalOf(pull, actorId, role);
  if (refusal) return fail(refusal);
  const agreement = agreementForPull(db, pullId);
  if (!agreement) return fail('not-defined');
  if (agreement.stage !== stage) return fail('not-your-turn');
  return ok({ pull: pull as Pull, agreement });
}

/** The requester may say it back now (used before opening the modal, and again when it is sent). */
export function mayRepeat(db: Db, pullId: number, actorId: string): Result<Handshake, HandshakeRefusal> {
  return handshakeAt(db, pullId, actorId, 'requester', 'repeat');
}

/** The manager may answer what was said back: That's it, or Not quite. */
export function mayConfirm(db: Db, pullId: number, actorId: string): Result<Handshake, HandshakeRefusal> {
  return handshakeAt(db, pullId, actorId, 'manager', 'confirm');
}

/** Step 2: the requester's own words, and optionally how they mean to get there. */
export function repeatBack(
  db: Db,
  pullId: number,
  actorId: string,
  said: SaidBack,
): Result<Agreement, HandshakeRefusal> {
  const ownWords = optional(said.ownWords);
  const approach = optional(said.approach);
  if (!ownWords) return fail('words-empty');
  if (tooLong(ownWords, approach)) return fail('field-too-long');
  return committed(db, () => {
    const allowed = mayRepeat(db, pullId, actorId);
    if (!allowed.ok) return allowed;
    const row = db
      .update(agreements)
      .set({ stage: 'confirm', ownWords, approach, rounds: sql`${agreements.rounds} + 1` })
      .where(and(eq(agreements.id, allowed.value.agreement.id), eq(agreements.stage, 'repeat')))
      .returning()
      .get();
    return row ? ok(row) : fail('not-your-turn' as const);
  });
}

/** Step 3, "That's it": the agreement is kept and the pull resolved as `agreed`. A second press changes nothing. */
export function confirmAgreement(
  db: Db,
  pullId: number,
  actorId: string,
  now: number,
): Result<Handshake, HandshakeRefusal> {
  return committed(db, () => {
    const allowed = mayConfirm(db, pullId, actorId);
    if (!allowed.ok) return allowed;
    const agreement = db
      .update(agreements)
      .set({ stage: 'agreed', agreedAt: now, notQuiteNote: null })
      .where(and(eq(agreements.id, allowed.value.agreement.id), eq(agreements.stage, 'confirm')))
      .returning()
      .get();
    const pull = db
      .update(pulls)
      .set({ status: 'resolved', resolution: 'agreed', resolvedAt: now })
      .where(and(eq(pulls.id, pullId), inArray(pulls.status, UNRESOLVED)))
      .returning()
      .get();
    if (!agreement || !pull) throw new Error(`agreement ${pullId} changed under a write lock`);
    return ok({ pull, agreement });
  });
}

/** Step 3, "Not quite": the manager's note goes back to the requester, whose turn it is again. */
export function notQuite(
  db: Db,
  pullId: number,
  actorId: string,
  note: string | undefined,
): Result<Agreement, HandshakeRefusal> {
  const text = optional(note);
  if (!text) return fail('note-required');
  if (tooLong(text)) return fail('field-too-long');
  return committed(db, () => {
    const allowed = mayConfirm(db, pullId, actorId);
    if (!allowed.ok) return allowed;
    const agreement = db
      .update(agreements)
      .set({ stage: 'repeat', notQuiteNote: text })
      .where(and(eq(agreements.id, allowed.value.agreement.id), eq(agreements.stage, 'confirm')))
      .returning()
      .get();
    return agreement ? ok(agreement) : fail('not-your-turn' as const);
  });
}

/** Where the requester's latest handshake DM is, so the next step updates it in place. */
export function recordRequesterMessage(db: Db, id: number, channel: string, ts: string): void {
  db.update(agreements)
    .set({ requesterChannel: channel, requesterTs: ts })
    .where(eq(agreements.id, id))
    .run();
}

/** Where the manager's side-by-side DM is. */
export function recordConfirmMessage(db: Db, id: number, channel: string, ts: string): void {
  db.update(agreements).set({ confirmChannel: channel, confirmTs: ts }).where(eq(agreements.id, id)).run();
}

/** Agreements are kept once agreed; a handshake still under way is the pull's business, not yet an agreement. */
const AGREED = isNotNull(agreements.agreedAt);

/** The newest `shown` agreements this person is part of (as requester or manager), and how many in all. */
export function agreementsPage(db: Db, userId: string, shown: number): Page<Agreement> {
  const side = (column: typeof agreements.requesterId | typeof agreements.managerId) => ({
    rows: db
      .select()
      .from(agreements)
      .where(and(eq(column, userId), AGREED))
      .orderBy(desc(agreements.agreedAt))
      .limit(shown)
      .all(),
    total:
      db
        .select({ n: count() })
        .from(agreements)
        .where(and(eq(column, userId), AGREED))
        .get()?.n ?? 0,
  });
  // Two index reads rather than one OR: each side comes off its own index in order, and stops at `shown`.
  const asRequester = side(agreements.requesterId);
  const asManager = side(agreements.managerId);
  const newest = [...asRequester.rows, ...asManager.rows]
    .sort((a, b) => (b.agreedAt ?? 0) - (a.agreedAt ?? 0) || b.id - a.id)
    .slice(0, shown);
  return { shown: newest, total: asRequester.total + asManager.total };
}

/** For each push, how many agreements hang off it and the newest one. */
export function agreementsOnPushes(
  db: Db,
  pushIds: number[],
): Map<number, { count: number; latest: Agreement }> {
  const out = new Map<number, { count: number; latest: Agreement }>();
  if (pushIds.length === 0) return out;
  const rows = db
    .select()
    .from(agreements)
    .where(and(inArray(agreements.pushId, pushIds), isNotNull(agreements.pushId), AGREED))
    .orderBy(desc(agreements.agreedAt))
    .all();
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
export function agreementsForExport(db: Db, sinceIso?: string): AgreementExportRow[] {
  const since = sinceIso ? Date.parse(`${sinceIso}T00:00:00Z`) : undefined;
  if (since !== undefined && Number.isNaN(since)) throw new Error(`not a date: ${sinceIso}`);
  const rows = db
    .select({ agreement: agreements, pushTitle: pushes.title })
    .from(agreements)
    .leftJoin(pushes, eq(pushes.id, agreements.pushId))
    .where(since === undefined ? AGREED : and(AGREED, gte(agreements.agreedAt, since)))
    .orderBy(asc(agreements.agreedAt), asc(agreements.id))
    .all();
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
