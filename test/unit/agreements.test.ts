// The define-success handshake's rules over a real SQLite file: who takes each step, in what order, and what is kept.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations, openDatabase, type SqliteStore } from '../../src/db/client.js';
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

let store: SqliteStore;
let dir: string;
beforeEach(() => {
  dir = tempDir();
  store = openDatabase(join(dir, 'agreements.db'));
  applyMigrations(store);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function pullOf(
  kind: (typeof PULL_KINDS)[number] = 'define-success',
  requester = REQ,
  manager = MGR,
  pushId?: number,
) {
  const opened = await openPull(
    store.db,
    { requesterId: requester, managerId: manager, need: 'define it', kind, pushId },
    T0,
  );
  if (!opened.ok) throw new Error(opened.reason);
  return opened.value.id;
}

/** The whole handshake, agreed at `at`. */
async function agreed(requester: string, manager: string, success: string, at: number, pushId?: number) {
  const id = await pullOf('define-success', requester, manager, pushId);
  expect((await defineSuccess(store.db, id, manager, { success }, at)).ok).toBe(true);
  expect((await repeatBack(store.db, id, requester, { ownWords: success })).ok).toBe(true);
  expect((await confirmAgreement(store.db, id, manager, at)).ok).toBe(true);
  return id;
}

describe('which one-shot answers a pull takes', () => {
  it('leaves a define-success pull to the handshake or a talk, and every other kind to all four', () => {
    for (const kind of PULL_KINDS) {
      expect(answersFor(kind)).toEqual(kind === 'define-success' ? ['talk'] : ANSWERS);
    }
  });

  it('refuses Your call, Input and Decision on a define-success pull, in the domain', async () => {
    const id = await pullOf();
    for (const answer of ['your-call', 'input', 'decision'] as const) {
      expect(await resolvePull(store.db, id, MGR, answer, 'a note', T0)).toEqual({
        ok: false,
        reason: 'not-this-answer',
      });
    }
    expect((await resolvePull(store.db, id, MGR, 'talk', undefined, T0)).ok).toBe(true);
  });
});

describe('the handshake, step by step', () => {
  it('lets only the manager define, only the requester repeat, only the manager confirm — in that order', async () => {
    const id = await pullOf();
    expect(await defineSuccess(store.db, id, REQ, { success: 'x' }, T0)).toEqual({
      ok: false,
      reason: 'not-manager',
    });
    expect(await repeatBack(store.db, id, REQ, { ownWords: 'x' })).toEqual({
      ok: false,
      reason: 'not-defined',
    });
    expect((await defineSuccess(store.db, id, MGR, { success: 'Two pilots' }, T0)).ok).toBe(true);
    expect((await getPull(store.db, id))?.status).toBe('acknowledged');
    expect(await defineSuccess(store.db, id, MGR, { success: 'again' }, T0)).toEqual({
      ok: false,
      reason: 'already-defined',
    });
    expect(await confirmAgreement(store.db, id, MGR, T0)).toEqual({ ok: false, reason: 'not-your-turn' });
    expect(await repeatBack(store.db, id, MGR, { ownWords: 'x' })).toEqual({
      ok: false,
      reason: 'not-requester',
    });
    expect(await repeatBack(store.db, id, OTHER, { ownWords: 'x' })).toEqual({
      ok: false,
      reason: 'not-requester',
    });
    expect((await repeatBack(store.db, id, REQ, { ownWords: 'Two paying pilots' })).ok).toBe(true);
    expect(await repeatBack(store.db, id, REQ, { ownWords: 'again' })).toEqual({
      ok: false,
      reason: 'not-your-turn',
    });
    expect(await confirmAgreement(store.db, id, REQ, T0)).toEqual({ ok: false, reason: 'not-manager' });
    expect(await notQuite(store.db, id, REQ, 'no')).toEqual({ ok: false, reason: 'not-manager' });
    expect(await notQuite(store.db, id, MGR, '  ')).toEqual({ ok: false, reason: 'note-required' });
    expect((await notQuite(store.db, id, MGR, 'Paying, and enterprise')).ok).toBe(true);
    expect(await confirmAgreement(store.db, id, MGR, T0)).toEqual({ ok: false, reason: 'not-your-turn' });
    expect((await repeatBack(store.db, id, REQ, { ownWords: 'Two enterprise pilots, paying' })).ok).toBe(
      true,
    );
    const done = await confirmAgreement(store.db, id, MGR, T0 + DAY);
    expect(done.ok && done.value.pull).toMatchObject({
      status: 'resolved',
      resolution: 'agreed',
      resolvedAt: T0 + DAY,
    });
    expect(await agreementForPull(store.db, id)).toMatchObject({
      stage: 'agreed',
      rounds: 2,
      agreedAt: T0 + DAY,
      notQuiteNote: null,
    });
    expect(await confirmAgreement(store.db, id, MGR, T0)).toEqual({ ok: false, reason: 'closed' });
  });

  it('refuses to define success on a pull of another kind, or one already answered', async () => {
    expect(await mayDefine(store.db, await pullOf('decision'), MGR)).toEqual({
      ok: false,
      reason: 'not-define-success',
    });
    const talked = await pullOf();
    await resolvePull(store.db, talked, MGR, 'talk', undefined, T0);
    expect(await mayDefine(store.db, talked, MGR)).toEqual({ ok: false, reason: 'closed' });
  });

  it('needs what success looks like and the requester’s words, each within 1,000 typed characters', async () => {
    const id = await pullOf();
    expect(await defineSuccess(store.db, id, MGR, { success: ' \n ' }, T0)).toEqual({
      ok: false,
      reason: 'success-empty',
    });
    expect(await defineSuccess(store.db, id, MGR, { success: 'x', byWhen: '31/12/2026' }, T0)).toEqual({
      ok: false,
      reason: 'bad-date',
    });
    // Shaped like a date but not on the calendar: refused, never kept as a by-when nobody can reach.
    for (const byWhen of ['2026-02-31', '2026-04-31', '2027-02-29', '2026-13-01', '2026-00-10'])
      expect(await defineSuccess(store.db, id, MGR, { success: 'x', byWhen }, T0), byWhen).toEqual({
        ok: false,
        reason: 'bad-date',
      });
    expect(await agreementForPull(store.db, id)).toBeUndefined();
    // Counted as typed: 1,000 emoji made of many code units each still fit.
    expect(
      (
        await defineSuccess(
          store.db,
          id,
          MGR,
          { success: '👩‍👩‍👧‍👦'.repeat(AGREEMENT_FIELD_MAX), guardrails: '' },
          T0,
        )
      ).ok,
    ).toBe(true);
    expect((await agreementForPull(store.db, id))?.guardrails).toBeNull();
    expect(await repeatBack(store.db, id, REQ, { ownWords: '' })).toEqual({
      ok: false,
      reason: 'words-empty',
    });
    expect(
      await repeatBack(store.db, id, REQ, { ownWords: 'ok', approach: 'a'.repeat(AGREEMENT_FIELD_MAX + 1) }),
    ).toEqual({
      ok: false,
      reason: 'field-too-long',
    });
  });

  it('refuses any field over the limit and writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: AGREEMENT_FIELD_MAX + 1, max: 3000 }), async (n) => {
        const id = await pullOf('define-success', `U${n}REQ`, MGR);
        expect(await defineSuccess(store.db, id, MGR, { success: 'é'.repeat(n) }, T0)).toEqual({
          ok: false,
          reason: 'field-too-long',
        });
        expect(await agreementForPull(store.db, id)).toBeUndefined();
        expect((await getPull(store.db, id))?.status).toBe('open');
      }),
      { numRuns: 15 },
    );
  });
});

describe('agreements, kept', () => {
  it('pages both sides of a person newest first, counting only agreed ones', async () => {
    await agreed(REQ, MGR, 'first', T0);
    await agreed(OTHER, REQ, 'as manager', T0 + 2 * DAY);
    await agreed(REQ, MGR, 'third', T0 + DAY);
    await agreed(OTHER, MGR, 'not theirs', T0 + 3 * DAY);
    const pending = await pullOf('define-success', REQ, MGR);
    await defineSuccess(store.db, pending, MGR, { success: 'mid-handshake' }, T0);
    const page = await agreementsPage(store.db, REQ, 2);
    expect(page.total).toBe(3);
    expect(page.shown.map((a) => a.success)).toEqual(['as manager', 'third']);
  });

  it('hangs agreements off their push, and exports flat rows since a date', async () => {
    const push = await addPush(
      store.db,
      { managerId: MGR, title: 'Enterprise tier' },
      { quarter: '2027-Q1', limit: 3 },
      T0,
    );
    if (!push.ok) throw new Error(push.reason);
    await agreed(REQ, MGR, 'old', T0 - 10 * DAY, push.value.id);
    await agreed(OTHER, MGR, 'new', T0, push.value.id);
    await agreed(OTHER, MGR, 'unlinked', T0 + DAY);
    const onPush = await agreementsOnPushes(store.db, [push.value.id, 999]);
    expect(onPush.size).toBe(1);
    expect(onPush.get(push.value.id)).toMatchObject({ count: 2, latest: { success: 'new' } });

    const since = await agreementsForExport(store.db, new Date(T0).toISOString().slice(0, 10));
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
    expect(await agreementsForExport(store.db)).toHaveLength(3);
    for (const row of since) expect(Object.keys(row)).toEqual([...AGREEMENT_EXPORT_COLUMNS]);
  });

  it('exports what the person typed, without the mark that keeps typed-out markup plain', async () => {
    const typedOut = literal('Ping <@U0BOSS01> first & keep <b> plain');
    expect(typedOut).not.toBe('Ping <@U0BOSS01> first & keep <b> plain');
    await agreed(REQ, MGR, typedOut, T0);
    expect((await agreementsForExport(store.db))[0]?.success).toBe('Ping <@U0BOSS01> first & keep <b> plain');
  });
});
