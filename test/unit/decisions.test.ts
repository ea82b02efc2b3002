import { describe, expect, it } from 'vitest';
import { RESOLUTIONS } from '../../src/db/schema.js';
import { DECISION_HOLDER, decisionOf } from '../../src/domain/decisions.js';
import { pullRow } from '../support/rows.js';

const answered = (resolution: (typeof RESOLUTIONS)[number], note: string | null = null) =>
  pullRow({
    requesterId: 'UREQ1',
    managerId: 'UMGR1',
    status: 'resolved',
    resolution,
    resolutionNote: note,
    resolvedAt: 5_000,
  });

describe('who holds the decision', () => {
  it('Your call leaves it with the requester, Decision with the manager, Input and Let’s talk shared', () => {
    expect(decisionOf(answered('your-call'))).toMatchObject({ holder: 'requester', holderIds: ['UREQ1'] });
    expect(decisionOf(answered('decision', 'Yes to 15%'))).toMatchObject({
      holder: 'manager',
      holderIds: ['UMGR1'],
      note: 'Yes to 15%',
      decidedAt: 5_000,
    });
    expect(decisionOf(answered('input', 'Anchor on value'))).toMatchObject({
      holder: 'shared',
      holderIds: ['UREQ1', 'UMGR1'],
    });
    expect(decisionOf(answered('talk'))).toMatchObject({ holder: 'shared', holderIds: ['UREQ1', 'UMGR1'] });
  });

  it('records what was agreed for an agreed definition of success, which carries no note of its own', () => {
    const agreed = answered('agreed');
    expect(decisionOf(agreed, { success: 'Two paying pilots by March' })).toMatchObject({
      holder: 'requester',
      note: 'Two paying pilots by March',
    });
    // Any other answer is what the manager wrote, whatever else is passed.
    expect(decisionOf(answered('decision', 'Yes to 15%'), { success: 'unrelated' })?.note).toBe('Yes to 15%');
  });

  it('names a holder for every answer a manager can give', () => {
    for (const resolution of RESOLUTIONS) expect(DECISION_HOLDER[resolution]).toBeDefined();
  });

  it('is no decision while a pull waits, or once it was withdrawn', () => {
    expect(decisionOf(pullRow({ status: 'open' }))).toBeUndefined();
    expect(decisionOf(pullRow({ status: 'acknowledged' }))).toBeUndefined();
    expect(decisionOf(pullRow({ status: 'withdrawn', withdrawnAt: 9 }))).toBeUndefined();
  });
});
