// Recognitions: thanking the internal advocates whose help made a deal or a project land.
import { and, count, desc, eq, gte, inArray, or } from 'drizzle-orm';
import { z } from 'zod';
import { ADVOCATE_FUNCTIONS, type Recognition } from '../db/schema.js';
import { type Db, tables, transaction } from '../db/store.js';
import { getMember } from './members.js';
import { fail, ok, type Result } from './result.js';
import { withinTyped } from './text.js';

export const WHAT_MAX = 1000;
export const PROJECT_MAX = 150;

export const newRecognitionSchema = z.object({
  teamId: z.string().optional(),
  recognizerId: z.string().min(1),
  advocateId: z.string().min(1),
  advocateFunction: z.enum(ADVOCATE_FUNCTIONS),
  what: z.string().trim().min(1, 'empty').refine(withinTyped(WHAT_MAX), 'too-long'),
  project: z
    .string()
    .trim()
    .refine(withinTyped(PROJECT_MAX), 'too-long')
    .optional()
    .transform((v) => (v ? v : undefined)),
  permalink: z.url().optional(),
  shared: z.boolean().default(false),
});
export type NewRecognition = z.input<typeof newRecognitionSchema>;

export type RecognitionRefusal =
  | 'self'
  | 'bot'
  | 'what-empty'
  | 'what-too-long'
  | 'project-too-long'
  | 'function-missing'
  | 'invalid';

export async function recognize(
  db: Db,
  input: NewRecognition,
  now: number,
): Promise<Result<Recognition, RecognitionRefusal>> {
  const parsed = newRecognitionSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path[0];
    if (field === 'what') return fail(issue?.message === 'too-long' ? 'what-too-long' : 'what-empty');
    if (field === 'project') return fail('project-too-long');
    if (field === 'advocateFunction') return fail('function-missing');
    return fail('invalid');
  }
  const r = parsed.data;
  if (r.recognizerId === r.advocateId) return fail('self');
  if (r.advocateId === 'USLACKBOT' || (await getMember(db, r.advocateId))?.isBot) return fail('bot');
  // In a transaction: a commit that fails (a full disk) is thrown, not hidden behind the returned row.
  const row = await transaction(db, async (tx) => {
    const { recognitions } = tables(tx);
    const [inserted] = await tx
      .insert(recognitions)
      .values({
        teamId: r.teamId ?? null,
        recognizerId: r.recognizerId,
        advocateId: r.advocateId,
        advocateFunction: r.advocateFunction,
        what: r.what,
        project: r.project ?? null,
        permalink: r.permalink ?? null,
        shared: r.shared,
        createdAt: now,
      })
      .returning();
    return inserted as Recognition;
  });
  return ok(row);
}

export async function attachPermalink(
  db: Db,
  id: number,
  permalink: string,
): Promise<Recognition | undefined> {
  return transaction(db, async (tx) => {
    const { recognitions } = tables(tx);
    return (await tx.update(recognitions).set({ permalink }).where(eq(recognitions.id, id)).returning())[0];
  });
}

/**
 * Who manages this person, as far as Pushpull knows: their default manager, or else whoever they
 * pulled in most recently.
 */
export async function knownManagerOf(db: Db, userId: string): Promise<string | undefined> {
  const member = await getMember(db, userId);
  if (member?.managerId) return member.managerId;
  const { pulls } = tables(db);
  const [latest] = await db
    .select({ managerId: pulls.managerId })
    .from(pulls)
    .where(eq(pulls.requesterId, userId))
    .orderBy(desc(pulls.createdAt), desc(pulls.id))
    .limit(1);
  return latest?.managerId;
}

/** The people a manager leads, as Pushpull sees it: those who name them as manager or pulled them in lately. */
export async function teamOf(db: Db, managerId: string, since: number): Promise<string[]> {
  const { members, pulls } = tables(db);
  const named = await db.select({ id: members.userId }).from(members).where(eq(members.managerId, managerId));
  const pulling = await db
    .selectDistinct({ id: pulls.requesterId })
    .from(pulls)
    .where(and(eq(pulls.managerId, managerId), gte(pulls.createdAt, since)));
  // Sorted: the order rows come in differs between dialects.
  return [...new Set([...named, ...pulling].map((r) => r.id))].sort();
}

/** Recognitions given by or to any of `people` since `since`, newest first (the first `limit` of them). */
export async function recognitionsInvolving(
  db: Db,
  people: string[],
  since: number,
  limit?: number,
): Promise<Recognition[]> {
  if (people.length === 0) return [];
  const { recognitions } = tables(db);
  // The time bound inside each branch: SQLite then reads each person's own rows by index, not the org's.
  const query = db
    .select()
    .from(recognitions)
    .where(
      or(
        and(inArray(recognitions.advocateId, people), gte(recognitions.createdAt, since)),
        and(inArray(recognitions.recognizerId, people), gte(recognitions.createdAt, since)),
      ),
    )
    .orderBy(desc(recognitions.createdAt), desc(recognitions.id))
    .$dynamic();
  return await (limit === undefined ? query : query.limit(limit));
}

/** How many recognitions this person received and gave since `since`, counted on the indexes. */
export async function recognitionCounts(
  db: Db,
  userId: string,
  since: number,
): Promise<{ received: number; given: number }> {
  const { recognitions } = tables(db);
  const [received] = await db
    .select({ n: count() })
    .from(recognitions)
    .where(and(eq(recognitions.advocateId, userId), gte(recognitions.createdAt, since)));
  const [given] = await db
    .select({ n: count() })
    .from(recognitions)
    .where(and(eq(recognitions.recognizerId, userId), gte(recognitions.createdAt, since)));
  return { received: received?.n ?? 0, given: given?.n ?? 0 };
}
