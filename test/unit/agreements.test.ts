// The define-success handshake's rules over a real SQLite file: who takes each step, in what order, and what is kept.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations, openDatabase, type Store } from '../../src/db/client.js';
import { PULL_KINDS } from '../../src/db/schema.js';
import {
  AGREEMENT_EXPORT_COLUMNS,
  AGREEMENT_FIELD_MAX,
  agreementForPull,
  agreementsForExport,
  agreementsOnPushes,
  agreementsPage,
  confirmAgreement,
  defineSuccess,
  mayDefine,
  notQuite,
  repeatBack,
} from '../../src/domain/agreements.js';
import { ANSWERS, answersFor, getPull, openPull, resolvePull } from '../../src/domain/pulls.js';
import { addPush } from '../../src/domain/pushes.js';
import { literal } from '../../src/domain/text.js';
import { tempDir } from '../support/harness.js';

const REQ = 'UREQ0001';
const MGR = 'UMGR0001';
const OTHER = 'UOTH0001';
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 24, 9);

let store: Store;
let dir: string;
beforeEach(() => {
  dir = tempDir();
  store = openDatabase(join(dir, 'agreements.db'));
  applyMigrations(store);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function pullOf(
  kind: (typeof PULL_KINDS)[number] = 'define-success',
  requester = REQ,
  manager = MGR,
  pushId?: number,
) {
  const opened = openPull(
    store.db,
    { requesterId: requester, managerId: manager, need: 'define it', kind, pushId },
    T0,
  );
  if (!opened.ok) throw new Error(opened.reason);
  return opened.value.id;
}

/** The whole handshake, agreed at `at`. */
function agreed(requester: string, manager: string, success: string, at: number, pushId?: number) {
  const id = pullOf('define-success', requester, manager, pushId);
  expect(defineSuccess(store.db, id, manager, { success }, at).ok).toBe(true);
  expect(repeatBack(store.db, id, requester, { ownWords: success }).ok).toBe(true);
  expect(confirmAgreement(store.db, id, manager, at).ok).toBe(true);
  return id;
}

describe('which one-shot answers a pull takes', () => {
  it('leaves a define-success pull to the handshake or a talk, and every other kind to all four', () => {
    for (const kind of PULL_KINDS) {
      expect(answersFor(kind)).toEqual(kind === 'define-success' ? ['talk'] : ANSWERS);
    }
  });

  it('refuses Your call, Input and Decision on a define-success pull, in the domain', () => {
    const id = pullOf();
    for (const answer of ['your-call', 'input', 'decision'] as const) {
      expect(resolvePull(store.db, id, MGR, answer, 'a note', T0)).toEqual({
        ok: false,
        reason: 'not-this-answer',
      });
    }
    expect(resolvePull(store.db, id, MGR, 'talk', undefined, T0).ok).toBe(true);
  });
});

describe('the handshake, step by step', () => {
  it('lets only the manager define, only the requester repeat, only the manager confirm — in that order', () => {
    const id = pullOf();
    expect(defineSuccess(store.db, id, REQ, { success: 'x' }, T0)).toEqual({
      ok: false,
      reason: 'not-manager',
    });
    expect(repeatBack(store.db, id, REQ, { ownWords: 'x' })).toEqual({ ok: false, reason: 'not-defined' });
    expect(defineSuccess(store.db, id, MGR, { success: 'Two pilots' }, T0).ok).toBe(true);
    expect(getPull(store.db, id)?.status).toBe('acknowledged');
    expect(defineSuccess(store.db, id, MGR, { success: 'again' }, T0)).toEqual({
      ok: false,
      reason: 'already-defined',
    });
    expect(confirmAgreement(store.db, id, MGR, T0)).toEqual({ ok: false, reason: 'not-your-turn' });
    expect(repeatBack(store.db, id, MGR, { ownWords: 'x' })).toEqual({ ok: false, reason: 'not-requester' });
    expect(repeatBack(store.db, id, OTHER, { ownWords: 'x' })).toEqual({
      ok: false,
      reason: 'not-requester',
    });
    expect(repeatBack(store.db, id, REQ, { ownWords: 'Two paying pilots' }).ok).toBe(true);
    expect(repeatBack(store.db, id, REQ, { ownWords: 'again' })).toEqual({
      ok: false,
      reason: 'not-your-turn',
    });
    expect(confirmAgreement(store.db, id, REQ, T0)).toEqual({ ok: false, reason: 'not-manager' });
    expect(notQuite(store.db, id, REQ, 'no')).toEqual({ ok: false, reason: 'not-manager' });
    expect(notQuite(store.db, id, MGR, '  ')).toEqual({ ok: false, reason: 'note-required' });
    expect(notQuite(store.db, id, MGR, 'Paying, and enterprise').ok).toBe(true);
    expect(confirmAgreement(store.db, id, MGR, T0)).toEqual({ ok: false, reason: 'not-your-turn' });
    expect(repeatBack(store.db, id, REQ, { ownWords: 'Two enterprise pilots, paying' }).ok).toBe(true);
    const done = confirmAgreement(store.db, id, MGR, T0 + DAY);
    expect(done.ok && done.value.pull).toMatchObject({
      status: 'resolved',
      resolution: 'agreed',
      resolvedAt: T0 + DAY,
    });
    expect(agreementForPull(store.db, id)).toMatchObject({
      stage: 'agreed',
      rounds: 2,
      agreedAt: T0 + DAY,
      notQuiteNote: null,
    });
    expect(confirmAgreement(store.db, id, MGR, T0)).toEqual({ ok: false, reason: 'closed' });
  });

  it('refuses to define success on a pull of another kind, or one already answered', () => {
    expect(mayDefine(store.db, pullOf('decision'), MGR)).toEqual({ ok: false, reason: 'not-define-success' });
    const talked = pullOf();
    resolvePull(store.db, talked, MGR, 'talk', undefined, T0);
    expect(mayDefine(store.db, talked, MGR)).toEqual({ ok: false, reason: 'closed' });
  });

  it('needs what success looks like and the requester’s words, each within 1,000 typed characters', () => {
    const id = pullOf();
    expect(defineSuccess(store.db, id, MGR, { success: ' \n ' }, T0)).toEqual({
      ok: false,
      reason: 'success-empty',
    });
    expect(defineSuccess(store.db, id, MGR, { success: 'x', byWhen: '31/12/2026' }, T0)).toEqual({
      ok: false,
      reason: 'bad-date',
    });
    // Shaped like a date but not on the calendar: refused, never kept as a by-when nobody can reach.
    for (const byWhen of ['2026-02-31', '2026-04-31', '2027-02-29', '2026-13-01', '2026-00-10'])
      expect(defineSuccess(store.db, id, MGR, { success: 'x', byWhen }, T0), byWhen).toEqual({
        ok: false,
        reason: 'bad-date',
      });
    expect(agreementForPull(store.db, id)).toBeUndefined();
    // Counted as typed: 1,000 emoji made of many code units each still fit.
    expect(
      defineSuccess(
        store.db,
        id,
        MGR,
        { success: '👩‍👩‍👧‍👦'.repeat(AGREEMENT_FIELD_MAX), guardrails: '' },
        T0,
      ).ok,
    ).toBe(true);
    expect(agreementForPull(store.db, id)?.guardrails).toBeNull();
    expect(repeatBack(store.db, id, REQ, { ownWords: '' })).toEqual({ ok: false, reason: 'words-empty' });
    expect(
      repeatBack(store.db, id, REQ, { ownWords: 'ok', approach: 'a'.repeat(AGREEMENT_FIELD_MAX + 1) }),
    ).toEqual({
      ok: false,
      reason: 'field-too-long',
    });
  });

  it('refuses any field over the limit and writes nothing', () => {
    fc.assert(
      fc.property(fc.integer({ min: AGREEMENT_FIELD_MAX + 1, max: 3000 }), (n) => {
        const id = pullOf('define-success', `U${n}REQ`, MGR);
        expect(defineSuccess(store.db, id, MGR, { success: 'é'.repeat(n) }, T0)).toEqual({
          ok: false,
          reason: 'field-too-long',
        });
        expect(agreementForPull(store.db, id)).toBeUndefined();
        expect(getPull(store.db, id)?.status).toBe('open');
      }),
      { numRuns: 15 },
    );
  });
});

describe('agreements, kept', () => {
  it('pages both sides of a person newest first, counting only agreed ones', () => {
    agreed(REQ, MGR, 'first', T0);
    agreed(OTHER, REQ, 'as manager', T0 + 2 * DAY);
    agreed(REQ, MGR, 'third', T0 + DAY);
    agreed(OTHER, MGR, 'not theirs', T0 + 3 * DAY);
    const pending = pullOf('define-success', REQ, MGR);
    defineSuccess(store.db, pending, MGR, { success: 'mid-handshake' }, T0);
    const page = agreementsPage(store.db, REQ, 2);
    expect(page.total).toBe(3);
    expect(page.shown.map((a) => a.success)).toEqual(['as manager', 'third']);
  });

  it('hangs agreements off their push, and exports flat rows since a date', () => {
    const push = addPush(
      store.db,
      { managerId: MGR, title: 'Enterprise tier' },
      { quarter: '2027-Q1', limit: 3 },
      T0,
    );
    if (!push.ok) throw new Error(push.reason);
    agreed(REQ, MGR, 'old', T0 - 10 * DAY, push.value.id);
    agreed(OTHER, MGR, 'new', T0, push.value.id);
    agreed(OTHER, MGR, 'unlinked', T0 + DAY);
    const onPush = agreementsOnPushes(store.db, [push.value.id, 999]);
    expect(onPush.size).toBe(1);
    expect(onPush.get(push.value.id)).toMatchObject({ count: 2, latest: { success: 'new' } });

    const since = agreementsForExport(store.db, new Date(T0).toISOString().slice(0, 10));
    expect(since.map((r) => r.success)).toEqual(['new', 'unlinked']);
    expect(since[0]).toMatchObject({
      requester_id: OTHER,
      manager_id: MGR,
      push_title: 'Enterprise tier',
      agreed_at: new Date(T0).toISOString(),
      rounds: 1,
    });
    for (const row of since)
      for (const value of Object.values(row)) expect(['string', 'number', 'object']).toContain(typeof value);
    expect(agreementsForExport(store.db)).toHaveLength(3);
    for (const row of since) expect(Object.keys(row)).toEqual([...AGREEMENT_EXPORT_COLUMNS]);
  });

  it('exports what the person typed, without the mark that keeps typed-out markup plain', () => {
    const typedOut = literal('Ping <@U0BOSS01> first & keep <b> plain');
    expect(typedOut).not.toBe('Ping <@U0BOSS01> first & keep <b> plain');
    agreed(REQ, MGR, typedOut, T0);
    expect(agreementsForExport(store.db)[0]?.success).toBe('Ping <@U0BOSS01> first & keep <b> plain');
  });
});
