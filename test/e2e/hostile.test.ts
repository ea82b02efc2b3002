// Arbitrary command text and modal payloads, sent signed through the real receiver: never a crash,
// never a partial row, always a 200 with a message or field errors.
import { desc } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { type Harness, startHarness } from '../support/harness.js';
import { escapeTyped } from '../support/slack-driver.js';

/**
 * Sixty runs each, within 15 seconds (they take one to three): a failure's shrinking, one signed request per
 * step, can outlast the test's timeout, which would then hide the counterexample; cut short, it is reported as
 * far as it got. Cut short before any failure, the test fails too rather than passing on fewer runs.
 */
const PROPERTY_RUNS = {
  numRuns: 60,
  plugins: [fc.interruptAfterTimeLimit(15_000, { failOnInterrupt: true })],
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { RECOGNITION_CHANNEL: 'C0KUDOS1' } });
});
afterAll(async () => {
  await h.stop();
});

const counts = async () => {
  const { pulls, pushUpdates, pushes, recognitions } = tables(h.store.db);
  return {
    pulls: (await h.store.db.select().from(pulls).orderBy(pulls.id)).length,
    pushes: (await h.store.db.select().from(pushes).orderBy(pushes.id)).length,
    updates: (await h.store.db.select().from(pushUpdates).orderBy(pushUpdates.id)).length,
    recognitions: (await h.store.db.select().from(recognitions).orderBy(recognitions.id)).length,
  };
};

/** Every stored row is whole and within its limits. */
async function rowsAreWhole() {
  const { pulls, pushes, recognitions } = tables(h.store.db);
  for (const p of await h.store.db.select().from(pulls).orderBy(pulls.id)) {
    expect(p.need.trim().length).toBeGreaterThan(0);
    expect(p.need.length).toBeLessThanOrEqual(3000);
    expect(p.requesterId).toMatch(/^[UW][A-Z0-9]+$/);
    expect(p.managerId).toMatch(/^[UW][A-Z0-9]+$/);
    expect(p.requesterId).not.toBe(p.managerId);
  }
  for (const p of await h.store.db.select().from(pushes).orderBy(pushes.id)) {
    expect(p.title.trim().length).toBeGreaterThan(0);
    expect(p.title.length).toBeLessThanOrEqual(150);
  }
  for (const r of await h.store.db.select().from(recognitions).orderBy(recognitions.id)) {
    expect(r.what.trim().length).toBeGreaterThan(0);
    expect(r.what.length).toBeLessThanOrEqual(1000);
    expect(r.advocateId).not.toBe(r.recognizerId);
  }
}

const ids = fc.constantFrom('UREQ0001', 'UMGR0001', 'UOTH0001', 'W0ENTER1', 'UNOBODY9');
/** Anything a person could type, as Slack delivers it (escaped), or markup Slack itself writes. */
const typedNasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ maxLength: 10_000, minLength: 2_900 }),
  fc.constantFrom('\u0000\u001b[31m', '‮reversed', '  ', '', 'list', 'help', 'manager', '<&>'),
);
const nasty = fc.oneof(
  typedNasty.map(escapeTyped),
  fc.constantFrom(
    '<!channel>',
    '<!here|here>',
    '<@UFAKE1>',
    '<#C0KUDOS1|kudos>',
    '<https://example.com/?a=1&amp;b=2|a &amp; b>',
  ),
);
const commandText = fc.oneof(
  nasty,
  fc.tuple(ids, nasty).map(([id, text]) => `<@${id}|x> ${text}`),
  fc
    .tuple(fc.constantFrom('manager', 'list', 'add', 'update', 'done', 'drop'), nasty)
    .map(([w, t]) => `${w} ${t}`),
);

describe('slash commands with arbitrary text', () => {
  for (const command of ['/pull', '/push']) {
    it(`${command} always answers 200 with a message and stores only whole rows`, async () => {
      await fc.assert(
        fc.asyncProperty(commandText, ids, async (text, user) => {
          const res = await h.slack.command(command, text, user);
          expect(res.status).toBe(200);
          if (res.body !== '') {
            expect(res.body).toMatchObject({ text: expect.any(String) });
            expect(JSON.stringify(res.body)).not.toMatch(/\n\s+at /);
          }
          await rowsAreWhole();
        }),
        PROPERTY_RUNS,
      );
    });
  }
});

/** A value of any shape, or the shape Slack sends filled with hostile text or wrong types. */
const element = fc.oneof(
  fc.anything(),
  // Modal inputs arrive raw, exactly as typed.
  typedNasty.map((value) => ({ value: { type: 'plain_text_input', value } })),
  fc.oneof(ids, fc.anything()).map((selected_user) => ({ value: { type: 'users_select', selected_user } })),
  fc
    .oneof(fc.constantFrom('decision', 'unblock', 'finance', 'on-track', 'at-risk', '99'), fc.anything())
    .map((value) => ({
      value: { type: 'static_select', selected_option: { value } },
    })),
  fc
    .oneof(fc.constantFrom('2026-12-01', '2026-13-45'), fc.anything())
    .map((selected_date) => ({ value: { selected_date } })),
  fc.array(fc.anything(), { maxLength: 3 }).map((selected_options) => ({ value: { selected_options } })),
);
const blockIds = [
  'manager',
  'need',
  'kind',
  'context',
  'needed_by',
  'push',
  'note',
  'title',
  'why',
  'owner',
  'status',
  'advocate',
  'function',
  'what',
  'project',
  'share',
];
const stateValues = fc.oneof(
  fc.dictionary(fc.constantFrom(...blockIds), element, { maxKeys: 8 }),
  fc.anything(),
);
const metadata = fc.oneof(
  fc.string(),
  fc
    .record({
      // Ids of every size a number can be: PostgreSQL's ids end at 2^31 − 1.
      pullId: fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.anything()),
      resolution: fc.oneof(fc.constantFrom('decision', 'your-call'), fc.string()),
    })
    .map((m) => JSON.stringify(m)),
  fc
    .record({ pushId: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.maxSafeInteger(), fc.anything()) })
    .map((m) => JSON.stringify(m)),
  fc.record({ source: fc.anything() }).map((m) => JSON.stringify(m)),
);

describe('modal submissions with arbitrary payloads', () => {
  for (const callbackId of [
    'pull_create',
    'pull_resolve',
    'pull_edit_submit',
    'agreement_define',
    'agreement_repeat',
    'agreement_not_quite',
    'push_create',
    'push_update',
    'recognize_advocate_submit',
  ]) {
    it(`${callbackId} answers 200 with field errors or success, and writes all or nothing`, async () => {
      await fc.assert(
        fc.asyncProperty(ids, stateValues, metadata, async (user, values, meta) => {
          const before = await counts();
          const res = await h.slack.interactive({
            type: 'view_submission',
            team: { id: 'T0001' },
            user: { id: user, team_id: 'T0001' },
            view: {
              id: 'V1',
              type: 'modal',
              callback_id: callbackId,
              private_metadata: meta,
              state: { values },
            },
          });
          expect(res.status).toBe(200);
          await h.app.inflight.drained();
          if (res.body !== '') {
            expect(res.body).toMatchObject({ response_action: 'errors', errors: expect.any(Object) });
            expect(await counts()).toEqual(before);
          }
          await rowsAreWhole();
        }),
        PROPERTY_RUNS,
      );
    });
  }
});

describe('button payloads with arbitrary values', () => {
  it('never crash and never change a pull for someone not allowed', async () => {
    await h.slack.command('/pull', '<@UMGR0001> a real pull', 'UREQ0003');
    const actionsIds = [
      'pull_acknowledge',
      'pull_your_call',
      'pull_input',
      'pull_decision',
      'pull_talk',
      'pull_withdraw',
      'push_update_open',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...actionsIds),
        fc.oneof(fc.string(), fc.integer().map(String), fc.maxSafeInteger().map(String), fc.constant('1')),
        fc.constantFrom('UOUTSID1', 'W0OUTSD1'), // never a requester or manager above
        async (actionId, value, outsider) => {
          // What a click could change; DM timestamps of earlier pulls may still be landing in the background.
          const { pulls } = tables(h.store.db);
          const state = () =>
            h.store.db
              .select({
                id: pulls.id,
                status: pulls.status,
                resolution: pulls.resolution,
                note: pulls.resolutionNote,
              })
              .from(pulls)
              .orderBy(pulls.id);
          const before = await state();
          const res = await h.slack.action(outsider, actionId, value);
          expect(res.status).toBe(200);
          await h.app.inflight.drained();
          expect(await state()).toEqual(before);
        },
      ),
      PROPERTY_RUNS,
    );
  });
});

describe('an id no row can have', () => {
  // 2^31: one past PostgreSQL's integer, where comparing it with an id column is an error rather than no row.
  const beyond = 2 ** 31;
  // Its own requester, as each test below the properties has: those may have spent UREQ0001's 10 pulls a minute.
  const requester = 'UREQ0002';
  it('is answered as a payload Pushpull never made, and changes nothing', async () => {
    await h.slack.command('/pull', '<@UMGR0001> a real pull', requester);
    await h.app.inflight.drained();
    const { pulls } = tables(h.store.db);
    const pullsBefore = await h.store.db.select().from(pulls).orderBy(pulls.id);
    const before = await counts();
    const logged = h.logs.length;
    for (const callbackId of [
      'pull_resolve',
      'pull_edit_submit',
      'agreement_define',
      'agreement_repeat',
      'agreement_not_quite',
      'push_update',
    ]) {
      const res = await h.slack.viewSubmission(
        'UMGR0001',
        callbackId,
        { note: { value: { type: 'plain_text_input', value: 'a note' } } },
        JSON.stringify({ pullId: beyond, pushId: beyond, resolution: 'decision' }),
      );
      expect(res.status, callbackId).toBe(200);
      expect(res.body, callbackId).toMatchObject({ response_action: 'errors' });
    }
    for (const actionId of ['pull_acknowledge', 'pull_decision', 'pull_withdraw', 'push_update_open']) {
      expect((await h.slack.action('UMGR0001', actionId, String(beyond))).status, actionId).toBe(200);
    }
    await h.app.inflight.drained();
    expect(await counts()).toEqual(before);
    expect(await h.store.db.select().from(pulls).orderBy(pulls.id)).toEqual(pullsBefore);
    // A button acknowledges before it reads: a failed read would show only here.
    expect(h.logs.slice(logged).filter((line) => line.includes('a Slack request failed'))).toEqual([]);

    // A pull whose push option names no row is sent without a push.
    const res = await h.slack.viewSubmission(requester, 'pull_create', {
      manager: { value: { type: 'users_select', selected_user: 'UMGR0001' } },
      need: { value: { type: 'plain_text_input', value: 'a pull about no push' } },
      push: { value: { type: 'static_select', selected_option: { value: String(beyond) } } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    const [made] = await h.store.db.select().from(pulls).orderBy(desc(pulls.id)).limit(1);
    expect(made).toMatchObject({ need: 'a pull about no push', pushId: null });
  });
});

describe('requests for something Pushpull never made', () => {
  it('an unknown button or shortcut is acknowledged and changes nothing', async () => {
    await h.slack.command('/pull', '<@UMGR0001> a real pull', 'UREQ0004');
    await h.fake.waitFor(
      'chat.postMessage',
      (a) => a.channel === 'UMGR0001' && JSON.stringify(a.blocks).includes('UREQ0004'),
    );
    await h.app.inflight.drained();
    const { pulls } = tables(h.store.db);
    const before = await h.store.db.select().from(pulls).orderBy(pulls.id);
    const calls = h.fake.calls.length;
    expect((await h.slack.action('UREQ0001', 'not_a_pushpull_button', '1')).status).toBe(200);
    expect(
      (
        await h.slack.interactive({
          type: 'shortcut',
          callback_id: 'not_a_pushpull_shortcut',
          trigger_id: '1.2.3',
          user: { id: 'UREQ0001' },
          team: { id: 'T0001' },
        })
      ).status,
    ).toBe(200);
    await h.app.inflight.drained();
    expect(await h.store.db.select().from(pulls).orderBy(pulls.id)).toEqual(before);
    expect(h.fake.calls.slice(calls).map((c) => c.method)).toEqual([]);
  });
});
