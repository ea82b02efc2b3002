// The manager's own mirror (their signals this quarter, about them only) and their team at a glance.
import { and, asc, count, eq, gte, inArray, isNotNull } from 'drizzle-orm';
import type { Pull, Resolution } from '../db/schema.js';
import { type Db, tables } from '../db/store.js';
import { hasAutonomy } from './autonomy.js';
import type { Page } from './pulls.js';

/** The middle value; with an even count, the mean of the middle two. Undefined for none. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** What the mirror needs of one answered pull. */
export interface Answered {
  createdAt: number;
  resolvedAt: number;
  resolution: Resolution | null;
  /** Whether it was asked about one of the manager's own pushes. */
  onTheirPush: boolean;
}

export interface Mirror {
  answered: number;
  /** Median time from asking to answer; undefined when nothing was answered. */
  medianAnswerMs: number | undefined;
  /** Share of one-shot answers that handed the decision back (*Your call*), 0 to 1; undefined when none. */
  yourCallShare: number | undefined;
  onPushes: number;
  elsewhere: number;
  /** When the oldest pull still waiting on them was asked; undefined when none waits. */
  oldestWaitingSince: number | undefined;
}

/** The mirror from what was answered this quarter and the oldest pull still waiting. Pure. */
export function mirrorOf(
  answered: readonly Answered[],
  oldestWaiting: Pick<Pull, 'createdAt'> | undefined,
): Mirror {
  const n = answered.length;
  // An agreed definition of success is a handshake, not a one-shot answer: it could not have been Your call.
  const oneShot = answered.filter((a) => a.resolution !== 'agreed');
  const yourCall = oneShot.filter((a) => a.resolution === 'your-call').length;
  const onPushes = answered.filter((a) => a.onTheirPush).length;
  return {
    answered: n,
    medianAnswerMs: median(answered.map((a) => a.resolvedAt - a.createdAt)),
    yourCallShare: oneShot.length === 0 ? undefined : yourCall / oneShot.length,
    onPushes,
    elsewhere: n - onPushes,
    oldestWaitingSince: oldestWaiting?.createdAt,
  };
}

/** The pulls this manager answered since `since` (this quarter's start), reading only what the mirror needs. */
export async function answeredSince(db: Db, managerId: string, since: number): Promise<Answered[]> {
  const { pulls, pushes } = tables(db);
  const rows = await db
    .select({
      createdAt: pulls.createdAt,
      resolvedAt: pulls.resolvedAt,
      resolution: pulls.resolution,
      pushManagerId: pushes.managerId,
    })
    .from(pulls)
    .leftJoin(pushes, eq(pushes.id, pulls.pushId))
    .where(and(eq(pulls.managerId, managerId), isNotNull(pulls.resolvedAt), gte(pulls.resolvedAt, since)));
  return rows.map((r) => ({
    createdAt: r.createdAt,
    resolvedAt: r.resolvedAt ?? r.createdAt,
    resolution: r.resolution,
    onTheirPush: r.pushManagerId === managerId,
  }));
}

export interface Teammate {
  userId: string;
  /** Counts this quarter; absent for someone with autonomy, whose activity is never counted. */
  counts?: { pullsSent: number; recognitionsReceived: number };
}

/** The people who name `managerId` as their manager, the first `shown` of them, with this quarter's counts. */
export async function yourTeam(
  db: Db,
  managerId: string,
  since: number,
  shown: number,
): Promise<Page<Teammate>> {
  const { members, pulls, recognitions } = tables(db);
  const people = await db
    .select({ userId: members.userId, autonomyGrantedAt: members.autonomyGrantedAt })
    .from(members)
    .where(eq(members.managerId, managerId))
    .orderBy(asc(members.userId))
    .limit(shown);
  const total =
    (await db.select({ n: count() }).from(members).where(eq(members.managerId, managerId)))[0]?.n ?? 0;
  const counted = people.filter((p) => !hasAutonomy(p)).map((p) => p.userId);
  const sent = new Map<string, number>();
  const received = new Map<string, number>();
  if (counted.length > 0) {
    for (const r of await db
      .select({ id: pulls.requesterId, n: count() })
      .from(pulls)
      .where(and(inArray(pulls.requesterId, counted), gte(pulls.createdAt, since)))
      .groupBy(pulls.requesterId))
      sent.set(r.id, r.n);
    for (const r of await db
      .select({ id: recognitions.advocateId, n: count() })
      .from(recognitions)
      .where(and(inArray(recognitions.advocateId, counted), gte(recognitions.createdAt, since)))
      .groupBy(recognitions.advocateId))
      received.set(r.id, r.n);
  }
  return {
    shown: people.map((p) =>
      hasAutonomy(p)
        ? { userId: p.userId }
        : {
            userId: p.userId,
            counts: { pullsSent: sent.get(p.userId) ?? 0, recognitionsReceived: received.get(p.userId) ?? 0 },
          },
    ),
    total,
  };
}

/** Of `people`, those with autonomy: their activity is left out of every count. */
export async function autonomousAmong(db: Db, people: readonly string[]): Promise<Set<string>> {
  if (people.length === 0) return new Set();
  const { members } = tables(db);
  const rows = await db
    .select({ id: members.userId })
    .from(members)
    .where(and(inArray(members.userId, [...people]), isNotNull(members.autonomyGrantedAt)));
  return new Set(rows.map((r) => r.id));
}
