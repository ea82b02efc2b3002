// The data model of schema.ts for PostgreSQL: the same tables, columns, defaults and indexes, kept equal to it by
// test/unit/schema-parity.test.ts. Epoch milliseconds outgrow PostgreSQL's 4-byte integer, so they are bigint,
// read back as JavaScript numbers (exact up to the year 287396).

import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import {
  ADVOCATE_FUNCTIONS,
  DIGEST_CLAIM_STATUSES,
  HANDSHAKE_STAGES,
  OPEN,
  PULL_KINDS,
  PULL_STATUSES,
  PUSH_STATUSES,
  RESOLUTIONS,
} from './schema.js';

/** Epoch milliseconds (UTC). */
const millis = (name: string) => bigint(name, { mode: 'number' });
/** A row id SQLite would assign; `by default` so `copy` can carry SQLite's ids over unchanged. */
const rowId = () => integer('id').primaryKey().generatedByDefaultAsIdentity();

export const members = pgTable(
  'members',
  {
    userId: text('user_id').primaryKey(),
    teamId: text('team_id'),
    managerId: text('manager_id'),
    displayName: text('display_name'),
    timezone: text('timezone'),
    isBot: boolean('is_bot').notNull().default(false),
    profileFetchedAt: millis('profile_fetched_at'),
    homeOpenedAt: millis('home_opened_at'),
    /** The last day away, `YYYY-MM-DD` in their own timezone (inclusive). */
    awayUntil: text('away_until'),
    awayDeputyId: text('away_deputy_id'),
    awaySince: millis('away_since'),
    autonomyGrantedAt: millis('autonomy_granted_at'),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [
    index('members_manager').on(t.managerId),
    index('members_away').on(t.awayUntil).where(sql`${t.awayUntil} is not null`),
    index('members_deputy').on(t.awayDeputyId).where(sql`${t.awayDeputyId} is not null`),
    index('members_timezone').on(t.timezone),
    index('members_profile_fetched').on(t.profileFetchedAt),
  ],
);

export const pushes = pgTable(
  'pushes',
  {
    id: rowId(),
    teamId: text('team_id'),
    managerId: text('manager_id').notNull(),
    quarter: text('quarter').notNull(),
    title: text('title').notNull(),
    why: text('why'),
    guardrails: text('guardrails'),
    success: text('success'),
    ownerId: text('owner_id').notNull(),
    support: text('support'),
    status: text('status', { enum: PUSH_STATUSES }).notNull().default('on-track'),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
    closedAt: millis('closed_at'),
  },
  (t) => [
    index('pushes_manager_quarter').on(t.managerId, t.quarter),
    index('pushes_owner').on(t.ownerId, t.quarter),
    index('pushes_quarter').on(t.quarter, t.managerId),
  ],
);

export const pushUpdates = pgTable(
  'push_updates',
  {
    id: rowId(),
    pushId: integer('push_id')
      .notNull()
      .references(() => pushes.id, { onDelete: 'cascade' }),
    authorId: text('author_id').notNull(),
    status: text('status', { enum: PUSH_STATUSES }).notNull(),
    note: text('note'),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [index('push_updates_push').on(t.pushId, t.createdAt), index('push_updates_author').on(t.authorId)],
);

export const pulls = pgTable(
  'pulls',
  {
    id: rowId(),
    teamId: text('team_id'),
    requesterId: text('requester_id').notNull(),
    managerId: text('manager_id').notNull(),
    need: text('need').notNull(),
    context: text('context'),
    kind: text('kind', { enum: PULL_KINDS }).notNull().default('decision'),
    neededBy: text('needed_by'),
    pushId: integer('push_id').references(() => pushes.id, { onDelete: 'set null' }),
    status: text('status', { enum: PULL_STATUSES }).notNull().default('open'),
    resolution: text('resolution', { enum: RESOLUTIONS }),
    resolutionNote: text('resolution_note'),
    createdAt: millis('created_at').notNull(),
    acknowledgedAt: millis('acknowledged_at'),
    resolvedAt: millis('resolved_at'),
    withdrawnAt: millis('withdrawn_at'),
    managerChannel: text('manager_channel'),
    managerTs: text('manager_ts'),
    managerDmUnknownAt: millis('manager_dm_unknown_at'),
    overdueRemindedAt: millis('overdue_reminded_at'),
    awayFromId: text('away_from_id'),
    editedAt: millis('edited_at'),
  },
  (t) => [
    index('pulls_manager_created').on(t.managerId, t.createdAt, t.requesterId),
    index('pulls_requester_created').on(t.requesterId, t.createdAt),
    index('pulls_resolved').on(t.managerId, t.resolvedAt),
    index('pulls_requester_resolved').on(t.requesterId, t.resolvedAt),
    index('pulls_open_by_manager').on(t.managerId, t.createdAt, t.id, t.status).where(OPEN),
    index('pulls_open_by_requester').on(t.requesterId, t.createdAt, t.id, t.status).where(OPEN),
    index('pulls_overdue')
      .on(t.neededBy, t.managerId)
      .where(sql`${OPEN} and ${t.overdueRemindedAt} is null and ${t.neededBy} is not null`),
    index('pulls_push').on(t.pushId).where(sql`${t.pushId} is not null`),
    index('pulls_away_from').on(t.awayFromId, t.createdAt).where(sql`${t.awayFromId} is not null`),
  ],
);

export const recognitions = pgTable(
  'recognitions',
  {
    id: rowId(),
    teamId: text('team_id'),
    recognizerId: text('recognizer_id').notNull(),
    advocateId: text('advocate_id').notNull(),
    advocateFunction: text('advocate_function', { enum: ADVOCATE_FUNCTIONS }).notNull(),
    what: text('what').notNull(),
    project: text('project'),
    permalink: text('permalink'),
    shared: boolean('shared').notNull().default(false),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [
    index('recognitions_advocate').on(t.advocateId, t.createdAt),
    index('recognitions_recognizer').on(t.recognizerId, t.createdAt),
    index('recognitions_time').on(t.createdAt),
  ],
);

export const digestClaims = pgTable(
  'digest_claims',
  {
    managerId: text('manager_id').notNull(),
    week: text('week').notNull(),
    status: text('status', { enum: DIGEST_CLAIM_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(1),
    claimedBy: text('claimed_by').notNull(),
    claimedAt: millis('claimed_at').notNull(),
    leaseUntil: millis('lease_until'),
    sentAt: millis('sent_at'),
    messageTs: text('message_ts'),
    lastError: text('last_error'),
  },
  (t) => [
    uniqueIndex('digest_claims_manager_week').on(t.managerId, t.week),
    index('digest_claims_week').on(t.week, t.status),
  ],
);

export const requestsSeen = pgTable(
  'requests_seen',
  {
    key: text('key').primaryKey(),
    createdId: integer('created_id'),
    seenAt: millis('seen_at').notNull(),
  },
  (t) => [index('requests_seen_time').on(t.seenAt)],
);

export const agreements = pgTable(
  'agreements',
  {
    id: rowId(),
    teamId: text('team_id'),
    pullId: integer('pull_id').references(() => pulls.id, { onDelete: 'set null' }),
    requesterId: text('requester_id').notNull(),
    managerId: text('manager_id').notNull(),
    pushId: integer('push_id').references(() => pushes.id, { onDelete: 'set null' }),
    stage: text('stage', { enum: HANDSHAKE_STAGES }).notNull().default('repeat'),
    success: text('success').notNull(),
    byWhen: text('by_when'),
    guardrails: text('guardrails'),
    ownWords: text('own_words'),
    approach: text('approach'),
    notQuiteNote: text('not_quite_note'),
    rounds: integer('rounds').notNull().default(0),
    createdAt: millis('created_at').notNull(),
    agreedAt: millis('agreed_at'),
    requesterChannel: text('requester_channel'),
    requesterTs: text('requester_ts'),
    confirmChannel: text('confirm_channel'),
    confirmTs: text('confirm_ts'),
  },
  (t) => [
    uniqueIndex('agreements_pull').on(t.pullId),
    index('agreements_requester').on(t.requesterId, t.agreedAt),
    index('agreements_manager').on(t.managerId, t.agreedAt),
    index('agreements_push').on(t.pushId, t.agreedAt).where(sql`${t.pushId} is not null`),
    index('agreements_agreed').on(t.agreedAt),
  ],
);

export const instances = pgTable('instances', {
  id: text('id').primaryKey(),
  startedAt: millis('started_at').notNull(),
  seenAt: millis('seen_at').notNull(),
  sending: boolean('sending').notNull().default(false),
});
