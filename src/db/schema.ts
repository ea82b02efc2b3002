// The data model. Times are UTC epoch milliseconds; dates a person picks are `YYYY-MM-DD` text.

import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const PULL_KINDS = ['decision', 'context', 'unblock', 'define-success'] as const;
export const PULL_STATUSES = ['open', 'acknowledged', 'resolved', 'withdrawn'] as const;
/** `agreed` closes a define-success pull whose handshake ended in "That's it"; no button answers with it directly. */
export const RESOLUTIONS = ['your-call', 'input', 'decision', 'talk', 'agreed'] as const;
/** Where a define-success handshake stands: the requester says it back, then the manager confirms, then agreed. */
export const HANDSHAKE_STAGES = ['repeat', 'confirm', 'agreed'] as const;
export const PUSH_STATUSES = ['on-track', 'at-risk', 'off-track', 'done', 'dropped'] as const;
export const ADVOCATE_FUNCTIONS = [
  'operations',
  'support',
  'finance',
  'legal',
  'product',
  'engineering',
  'other',
] as const;
export const DIGEST_CLAIM_STATUSES = ['sending', 'sent', 'failed', 'empty', 'abandoned', 'unknown'] as const;

export const members = sqliteTable(
  'members',
  {
    userId: text('user_id').primaryKey(),
    teamId: text('team_id'),
    managerId: text('manager_id'),
    displayName: text('display_name'),
    timezone: text('timezone'),
    isBot: integer('is_bot', { mode: 'boolean' }).notNull().default(false),
    profileFetchedAt: integer('profile_fetched_at'),
    /** Set once they have opened Pushpull's Home tab; only then is it worth republishing on changes. */
    homeOpenedAt: integer('home_opened_at'),
    /** Away until the end of this calendar date (`YYYY-MM-DD`) in their own timezone; null when here. */
    awayUntil: text('away_until'),
    /** Who takes their pulls while they are away, when they named someone. */
    awayDeputyId: text('away_deputy_id'),
    /** When they went away: the pulls that arrived since are summed up on their return. */
    awaySince: integer('away_since'),
    /** Set by their manager (`/pull autonomy`): no count of their activity is shown anywhere. */
    autonomyGrantedAt: integer('autonomy_granted_at'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('members_manager').on(t.managerId),
    // The scheduler's tick looks for who is back: only the few people away are read.
    index('members_away').on(t.awayUntil).where(sql`${t.awayUntil} is not null`),
    // Forgetting someone clears them as anyone's deputy.
    index('members_deputy').on(t.awayDeputyId).where(sql`${t.awayDeputyId} is not null`),
    index('members_timezone').on(t.timezone),
    index('members_profile_fetched').on(t.profileFetchedAt),
  ],
);

export const pushes = sqliteTable(
  'pushes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    teamId: text('team_id'),
    managerId: text('manager_id').notNull(),
    /** Fiscal quarter key, e.g. `2027-Q1` (the fiscal year is named for the year it ends in). */
    quarter: text('quarter').notNull(),
    title: text('title').notNull(),
    why: text('why'),
    guardrails: text('guardrails'),
    success: text('success'),
    ownerId: text('owner_id').notNull(),
    support: text('support'),
    status: text('status', { enum: PUSH_STATUSES }).notNull().default('on-track'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    closedAt: integer('closed_at'),
  },
  (t) => [
    index('pushes_manager_quarter').on(t.managerId, t.quarter),
    index('pushes_owner').on(t.ownerId, t.quarter),
    index('pushes_quarter').on(t.quarter, t.managerId),
  ],
);

export const pushUpdates = sqliteTable(
  'push_updates',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pushId: integer('push_id')
      .notNull()
      .references(() => pushes.id, { onDelete: 'cascade' }),
    authorId: text('author_id').notNull(),
    status: text('status', { enum: PUSH_STATUSES }).notNull(),
    note: text('note'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('push_updates_push').on(t.pushId, t.createdAt), index('push_updates_author').on(t.authorId)],
);

/**
 * Unresolved, written as SQL text rather than bound values: SQLite uses a partial index only when the query
 * repeats its condition literally. Queries on open pulls use this term (see `UNRESOLVED` in domain/pulls.ts).
 */
export const OPEN = sql.raw(`"status" in ('open', 'acknowledged')`);

export const pulls = sqliteTable(
  'pulls',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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
    createdAt: integer('created_at').notNull(),
    acknowledgedAt: integer('acknowledged_at'),
    resolvedAt: integer('resolved_at'),
    withdrawnAt: integer('withdrawn_at'),
    managerChannel: text('manager_channel'),
    managerTs: text('manager_ts'),
    /** Set when the manager's DM was posted but Slack never answered: it may have landed, so look before resending. */
    managerDmUnknownAt: integer('manager_dm_unknown_at'),
    overdueRemindedAt: integer('overdue_reminded_at'),
    /** The away manager this pull was first sent to, when the requester passed it on to their deputy. */
    awayFromId: text('away_from_id'),
    /** When the requester last edited it: the manager's DM says so, so they know the words changed under them. */
    editedAt: integer('edited_at'),
  },
  (t) => [
    // Everything a manager received lately (the digest's team, who is a manager) and everything a person sent.
    index('pulls_manager_created').on(t.managerId, t.createdAt, t.requesterId),
    index('pulls_requester_created').on(t.requesterId, t.createdAt),
    index('pulls_resolved').on(t.managerId, t.resolvedAt),
    // The requester's side of the decision record (`/pull decisions`), newest first.
    index('pulls_requester_resolved').on(t.requesterId, t.resolvedAt),
    // Open pulls are a few percent of all: lists page through these in order, and count them, without the rest
    // (status is there so the count reads the index alone).
    index('pulls_open_by_manager').on(t.managerId, t.createdAt, t.id, t.status).where(OPEN),
    index('pulls_open_by_requester').on(t.requesterId, t.createdAt, t.id, t.status).where(OPEN),
    // Overdue reminders still to send: open, with a needed-by date, not yet reminded.
    index('pulls_overdue')
      .on(t.neededBy, t.managerId)
      .where(sql`${OPEN} and ${t.overdueRemindedAt} is null and ${t.neededBy} is not null`),
    // Deleting a push sets its pulls' push_id to null: without this, one scan of pulls per push.
    index('pulls_push').on(t.pushId).where(sql`${t.pushId} is not null`),
    // What reached a deputy for someone away, read in the summary on their return.
    index('pulls_away_from').on(t.awayFromId, t.createdAt).where(sql`${t.awayFromId} is not null`),
  ],
);

export const recognitions = sqliteTable(
  'recognitions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    teamId: text('team_id'),
    recognizerId: text('recognizer_id').notNull(),
    advocateId: text('advocate_id').notNull(),
    advocateFunction: text('advocate_function', { enum: ADVOCATE_FUNCTIONS }).notNull(),
    what: text('what').notNull(),
    project: text('project'),
    permalink: text('permalink'),
    shared: integer('shared', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('recognitions_advocate').on(t.advocateId, t.createdAt),
    index('recognitions_recognizer').on(t.recognizerId, t.createdAt),
    index('recognitions_time').on(t.createdAt),
  ],
);

/**
 * One row per manager per ISO week: a lease on the right to send that week's digest. `sending` holds
 * until `lease_until`; `unknown` means a post went out but Slack never answered, so the DM is read
 * before any resend.
 */
export const digestClaims = sqliteTable(
  'digest_claims',
  {
    managerId: text('manager_id').notNull(),
    week: text('week').notNull(),
    status: text('status', { enum: DIGEST_CLAIM_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(1),
    claimedBy: text('claimed_by').notNull(),
    /** When the week's claim was first taken: no copy of this digest can be older. */
    claimedAt: integer('claimed_at').notNull(),
    /** Until when the claimant may send; a `sending` claim past it belongs to a run that died. */
    leaseUntil: integer('lease_until'),
    sentAt: integer('sent_at'),
    /** The delivered message, so an operator can find it. */
    messageTs: text('message_ts'),
    lastError: text('last_error'),
  },
  (t) => [
    uniqueIndex('digest_claims_manager_week').on(t.managerId, t.week),
    index('digest_claims_week').on(t.week, t.status),
  ],
);

/**
 * Requests already carried out, keyed by what Slack repeats on a replay (a command's `trigger_id`, a
 * submission's view id and hash), written in the same transaction as what they created. Kept a day.
 */
export const requestsSeen = sqliteTable(
  'requests_seen',
  {
    key: text('key').primaryKey(),
    /** The row the request created (a pull, a push, …), so a replay can answer as the original did. */
    createdId: integer('created_id'),
    seenAt: integer('seen_at').notNull(),
  },
  (t) => [index('requests_seen_time').on(t.seenAt)],
);

/**
 * A define-success handshake and, once the manager says "That's it", the agreement it leaves: what success
 * looks like in the manager's words and the requester's, by when, the guardrails, and how the requester means
 * to get there. One per pull; it belongs to both people and may hang off the pull's push.
 */
export const agreements = sqliteTable(
  'agreements',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    teamId: text('team_id'),
    pullId: integer('pull_id').references(() => pulls.id, { onDelete: 'set null' }),
    requesterId: text('requester_id').notNull(),
    managerId: text('manager_id').notNull(),
    pushId: integer('push_id').references(() => pushes.id, { onDelete: 'set null' }),
    stage: text('stage', { enum: HANDSHAKE_STAGES }).notNull().default('repeat'),
    success: text('success').notNull(),
    byWhen: text('by_when'),
    guardrails: text('guardrails'),
    /** The requester's own words, and their ask for room to run it their way. */
    ownWords: text('own_words'),
    approach: text('approach'),
    /** The manager's last "Not quite", shown to the requester with the next Repeat it back. */
    notQuiteNote: text('not_quite_note'),
    /** How many times it was said back: 1 when the first try was it. */
    rounds: integer('rounds').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    agreedAt: integer('agreed_at'),
    /** The requester's latest handshake DM and the manager's side-by-side DM, updated in place at each step. */
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

/**
 * The app processes sharing this database, one row each, written every few seconds (src/scheduler/instances.ts):
 * how they split Slack's rate budget among those sending, and how a crashed one is told from a live one.
 */
export const instances = sqliteTable('instances', {
  id: text('id').primaryKey(),
  startedAt: integer('started_at').notNull(),
  /** The last heartbeat: a row not written for a while belongs to a process that is gone. */
  seenAt: integer('seen_at').notNull(),
  /** Sending on its own (a digest fan-out, reminders): only these take a share of Slack's rate budget. */
  sending: integer('sending', { mode: 'boolean' }).notNull().default(false),
});

export type Member = typeof members.$inferSelect;
export type Agreement = typeof agreements.$inferSelect;
export type HandshakeStage = (typeof HANDSHAKE_STAGES)[number];
export type Pull = typeof pulls.$inferSelect;
export type Push = typeof pushes.$inferSelect;
export type PushUpdate = typeof pushUpdates.$inferSelect;
export type Recognition = typeof recognitions.$inferSelect;
export type DigestClaim = typeof digestClaims.$inferSelect;
export type PullKind = (typeof PULL_KINDS)[number];
export type PullStatus = (typeof PULL_STATUSES)[number];
export type Resolution = (typeof RESOLUTIONS)[number];
export type PushStatus = (typeof PUSH_STATUSES)[number];
export type AdvocateFunction = (typeof ADVOCATE_FUNCTIONS)[number];
