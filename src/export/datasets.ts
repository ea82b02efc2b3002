// What `pushpull export` can write: a registry of datasets, each a function of the database and an optional
// start day. Rows hold only what is still stored, so a person erased with `forget` is in none of them. Every
// dataset is read in an explicit order (its time, then its id), so SQLite and PostgreSQL export the same text.
import { asc, eq, gte } from 'drizzle-orm';
import { type Db, tables } from '../db/store.js';
import { AGREEMENT_EXPORT_COLUMNS, agreementsForExport } from '../domain/agreements.js';
import { decisionOf } from '../domain/decisions.js';
import { typedText } from '../domain/text.js';

export const DATASET_NAMES = ['pulls', 'pushes', 'recognitions', 'decisions', 'agreements'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/** A dataset's rows from `sinceIso` (a `YYYY-MM-DD` day, from its start in UTC), or all of them. */
export type DatasetRows = (db: Db, sinceIso?: string) => Promise<Iterable<Record<string, unknown>>>;

export interface Dataset {
  /** The header row, in order; when left out, the first row's keys. */
  columns?: readonly string[];
  rows: DatasetRows;
}

/** The start of a `YYYY-MM-DD` day in UTC, in epoch milliseconds; 0 without one. */
export function sinceMs(sinceIso?: string): number {
  return sinceIso ? Date.parse(`${sinceIso}T00:00:00Z`) : 0;
}

const time = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

async function pullRows(db: Db, sinceIso?: string) {
  const { pulls } = tables(db);
  return (
    await db
      .select()
      .from(pulls)
      .where(gte(pulls.createdAt, sinceMs(sinceIso)))
      .orderBy(asc(pulls.createdAt), asc(pulls.id))
  ).map((p) => ({
    id: p.id,
    team_id: p.teamId,
    requester_id: p.requesterId,
    manager_id: p.managerId,
    kind: p.kind,
    status: p.status,
    need: typedText(p.need),
    context: typedText(p.context),
    needed_by: p.neededBy,
    push_id: p.pushId,
    resolution: p.resolution,
    resolution_note: typedText(p.resolutionNote),
    created_at: time(p.createdAt),
    acknowledged_at: time(p.acknowledgedAt),
    resolved_at: time(p.resolvedAt),
    withdrawn_at: time(p.withdrawnAt),
    edited_at: time(p.editedAt),
  }));
}

async function pushRows(db: Db, sinceIso?: string) {
  const { pushes } = tables(db);
  return (
    await db
      .select()
      .from(pushes)
      .where(gte(pushes.createdAt, sinceMs(sinceIso)))
      .orderBy(asc(pushes.createdAt), asc(pushes.id))
  ).map((p) => ({
    id: p.id,
    team_id: p.teamId,
    manager_id: p.managerId,
    quarter: p.quarter,
    title: typedText(p.title),
    why: typedText(p.why),
    guardrails: typedText(p.guardrails),
    success: typedText(p.success),
    owner_id: p.ownerId,
    support: typedText(p.support),
    status: p.status,
    created_at: time(p.createdAt),
    updated_at: time(p.updatedAt),
    closed_at: time(p.closedAt),
  }));
}

async function recognitionRows(db: Db, sinceIso?: string) {
  const { recognitions } = tables(db);
  return (
    await db
      .select()
      .from(recognitions)
      .where(gte(recognitions.createdAt, sinceMs(sinceIso)))
      .orderBy(asc(recognitions.createdAt), asc(recognitions.id))
  ).map((r) => ({
    id: r.id,
    team_id: r.teamId,
    recognizer_id: r.recognizerId,
    advocate_id: r.advocateId,
    advocate_function: r.advocateFunction,
    what: typedText(r.what),
    project: typedText(r.project),
    permalink: r.permalink,
    shared: r.shared,
    created_at: time(r.createdAt),
  }));
}

/** Every answered pull as a decision record, in the order the calls were made. */
async function decisionRows(db: Db, sinceIso?: string) {
  const { agreements, pulls } = tables(db);
  return (
    await db
      .select({ pull: pulls, success: agreements.success })
      .from(pulls)
      .leftJoin(agreements, eq(agreements.pullId, pulls.id))
      .where(gte(pulls.resolvedAt, sinceMs(sinceIso)))
      .orderBy(asc(pulls.resolvedAt), asc(pulls.id))
  ).flatMap(({ pull: p, success }) => {
    const d = decisionOf(p, success === null ? undefined : { success });
    if (!d) return [];
    return [
      {
        pull_id: p.id,
        requester_id: p.requesterId,
        manager_id: p.managerId,
        resolution: d.resolution,
        holder: d.holder,
        holder_ids: d.holderIds.join(' '),
        need: typedText(p.need),
        note: typedText(d.note),
        decided_at: time(d.decidedAt),
      },
    ];
  });
}

/** The datasets there are, each with its columns named, so an empty export still has its header. */
export const DATASETS: Record<DatasetName, Dataset> = {
  agreements: { columns: AGREEMENT_EXPORT_COLUMNS, rows: agreementsForExport },
  pulls: {
    columns: [
      'id',
      'team_id',
      'requester_id',
      'manager_id',
      'kind',
      'status',
      'need',
      'context',
      'needed_by',
      'push_id',
      'resolution',
      'resolution_note',
      'created_at',
      'acknowledged_at',
      'resolved_at',
      'withdrawn_at',
      'edited_at',
    ],
    rows: pullRows,
  },
  pushes: {
    columns: [
      'id',
      'team_id',
      'manager_id',
      'quarter',
      'title',
      'why',
      'guardrails',
      'success',
      'owner_id',
      'support',
      'status',
      'created_at',
      'updated_at',
      'closed_at',
    ],
    rows: pushRows,
  },
  recognitions: {
    columns: [
      'id',
      'team_id',
      'recognizer_id',
      'advocate_id',
      'advocate_function',
      'what',
      'project',
      'permalink',
      'shared',
      'created_at',
    ],
    rows: recognitionRows,
  },
  decisions: {
    columns: [
      'pull_id',
      'requester_id',
      'manager_id',
      'resolution',
      'holder',
      'holder_ids',
      'need',
      'note',
      'decided_at',
    ],
    rows: decisionRows,
  },
};
