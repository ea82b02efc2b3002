// Rows as the database hands them to builders, for unit tests of the blocks: one place to change when a table
// gains a column. Each test file overrides what its cases are about.
import type { Agreement, Pull, Push } from '../../src/db/schema.js';

/** A list shown whole: everything there is (the `{ shown, total }` pages the list queries return). */
export const page = <T>(items: T[]) => ({ shown: items, total: items.length });

export const pullRow = (over: Partial<Pull> = {}): Pull => ({
  id: 1,
  teamId: 'T1',
  requesterId: 'UREQ1',
  managerId: 'UMGR1',
  need: 'x',
  context: null,
  kind: 'decision',
  neededBy: null,
  pushId: null,
  status: 'open',
  resolution: null,
  resolutionNote: null,
  createdAt: 0,
  acknowledgedAt: null,
  resolvedAt: null,
  withdrawnAt: null,
  managerChannel: null,
  managerTs: null,
  overdueRemindedAt: null,
  managerDmUnknownAt: null,
  editedAt: null,
  ...over,
});

export const pushRow = (over: Partial<Push> = {}): Push => ({
  id: 1,
  teamId: 'T1',
  managerId: 'UMGR1',
  quarter: '2026-Q4',
  title: 'x',
  why: null,
  guardrails: null,
  success: null,
  ownerId: 'UMGR1',
  support: null,
  status: 'on-track',
  createdAt: 0,
  updatedAt: 0,
  closedAt: null,
  ...over,
});

export const agreementRow = (over: Partial<Agreement> = {}): Agreement => ({
  id: 1,
  teamId: 'T1',
  pullId: 1,
  requesterId: 'UREQ1',
  managerId: 'UMGR1',
  pushId: null,
  stage: 'agreed',
  success: 'x',
  byWhen: null,
  guardrails: null,
  ownWords: null,
  approach: null,
  notQuiteNote: null,
  rounds: 1,
  createdAt: 0,
  agreedAt: 0,
  requesterChannel: null,
  requesterTs: null,
  confirmChannel: null,
  confirmTs: null,
  ...over,
});
