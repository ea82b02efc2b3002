// Away and back, through signed requests against the strict fake: `/pull away`, pulling an away manager,
// sending it on to the deputy, no digest or reminders while away, one summary on return, Home.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { sendDigests, sendOverdueReminders } from '../../src/scheduler/digest.js';
import { startScheduler } from '../../src/scheduler/index.js';
import { fanOutClient } from '../../src/scheduler/pace.js';
import { BOT_TOKEN, eventually, type Harness, input, startHarness } from '../support/harness.js';
import { memberById, welcomesTo } from '../support/reads.js';
import { mention, typed } from '../support/slack-driver.js';

const REQ = 'UREQ0001';
const MGR = 'UMGR0001';
const DEP = 'UDEP0001';
const OTHER = 'UOTH0001';
const BOT = 'UBOTX001';
const MONDAY_0930_UTC = Date.UTC(2026, 10, 23, 9, 30);
const DAY = 86_400_000;

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ now: MONDAY_0930_UTC });
  h.fake.users.set(MGR, { tz: 'America/New_York' });
  h.fake.users.set(BOT, { isBot: true });
});
afterEach(async () => {
  await h.stop();
});

const member = (id: string) => memberById(h, id);
const allPulls = async () => {
  const { pulls } = tables(h.store.db);
  return h.store.db.select().from(pulls).orderBy(pulls.id);
};
const text = (body: unknown) => JSON.stringify(body);
const welcomes = (user: string) => welcomesTo(h, user);
const run = () => ({ deps: h.app.deps, client: fanOutClient(BOT_TOKEN, h.fake.apiUrl, undefined) });

async function away(args: string, user = MGR) {
  const res = await h.slack.command('/pull', args, user);
  expect(res.status).toBe(200);
  return res;
}

async function pullIn(manager = MGR, need = 'Can we ship Friday?') {
  const res = await h.slack.command('/pull', typed`${mention(manager)} ${need}`, REQ);
  const pull = await eventually(async () => {
    const last = (await allPulls()).at(-1);
    if (!last?.managerTs) throw new Error('manager DM not recorded yet');
    return last;
  });
  return { res, pull };
}

describe('/pull away', () => {
  it('marks the caller away until a date in their own timezone, with no deputy', async () => {
    const res = await away('away 2026-12-04');
    expect(res.body).toMatchObject({ response_type: 'ephemeral' });
    expect(text(res.body)).toContain('You are away until Fri, Dec 4');
    expect(await member(MGR)).toMatchObject({
      awayUntil: '2026-12-04',
      awayDeputyId: null,
      awaySince: MONDAY_0930_UTC,
      timezone: 'America/New_York',
    });
  });

  it('names a deputy, checked with Slack', async () => {
    const res = await away(typed`away 2026-12-04 ${mention(DEP)}`);
    expect(text(res.body)).toContain(`<@${DEP}>`);
    expect(await member(MGR)).toMatchObject({ awayUntil: '2026-12-04', awayDeputyId: DEP });
    expect(h.fake.callsTo('users.info', (a) => a.user === DEP)).toHaveLength(1);
  });

  const refusals: [string, () => string, RegExp][] = [
    ['a date in the past', () => 'away 2026-11-20', /already passed/],
    ['yesterday in their timezone', () => 'away 2026-11-22', /already passed/],
    ['a malformed date', () => 'away 12/04/2026', /couldn't read/],
    ['a date that is not on the calendar', () => 'away 2026-02-30', /couldn't read/],
    ['more than a year away', () => 'away 2027-11-24', /more than a year/],
    ['the caller as deputy', () => typed`away 2026-12-04 ${mention(MGR)}`, /your own deputy/],
    ['a bot as deputy', () => typed`away 2026-12-04 ${mention(BOT)}`, /bot/],
  ];
  for (const [what, args, message] of refusals) {
    it(`refuses ${what} with a clear message, and stores nothing`, async () => {
      const res = await away(args());
      expect(res.body).toMatchObject({ response_type: 'ephemeral' });
      expect((res.body as { text: string }).text).toMatch(message);
      expect((res.body as { text: string }).text).toContain('Nothing was changed');
      expect((await member(MGR))?.awayUntil ?? null).toBeNull();
      expect((await member(MGR))?.awayDeputyId ?? null).toBeNull();
    });
  }

  it('stores nothing when Slack cannot say whether the deputy is a person', async () => {
    h.fake.failNext('users.info', { kind: 'error', error: 'fatal_error' }, 2);
    const res = await away(typed`away 2026-12-04 ${mention(DEP)}`);
    expect((res.body as { text: string }).text).toContain('did not tell me in time who your deputy is');
    expect((await member(MGR))?.awayUntil ?? null).toBeNull();
  });

  it('does not wait past its budget for Slack to say who the deputy is: refused, nothing stored', async () => {
    // Slack answers, but only after 1.2 s (within the client's own timeout): with a busy database still to
    // wait out after it, that is too late.
    await h.stop();
    h = await startHarness({ now: MONDAY_0930_UTC, slackTimeoutMs: 5000 });
    h.fake.failNext('users.info', { kind: 'slow', ms: 1200 }, 2);
    const res = await away(typed`away 2026-12-04 ${mention(DEP)}`);
    expect((res.body as { text: string }).text).toContain('did not tell me in time who your deputy is');
    expect((await member(MGR))?.awayUntil ?? null).toBeNull();
  });

  it('keeps the first day away when the date is changed, so the summary covers all of it', async () => {
    await away('away 2026-12-04');
    h.clock.now += DAY;
    await away('away 2026-12-10');
    expect(await member(MGR)).toMatchObject({ awayUntil: '2026-12-10', awaySince: MONDAY_0930_UTC });
  });
});

it('/pull help explains away, back and autonomy', async () => {
  const res = await h.slack.command('/pull', 'help', REQ);
  const help = (res.body as { text: string }).text;
  expect(help).toContain('`/pull away YYYY-MM-DD [@deputy]`');
  expect(help).toContain('`/pull back`');
  expect(help).toContain('`/pull autonomy @person`');
  expect(help).toContain('`/pull autonomy off @person`');
});

it('explains the command when the date is missing, and asks who a bare @name is', async () => {
  expect((await away('away')).body).toMatchObject({
    text: expect.stringContaining('`/pull away YYYY-MM-DD`'),
  });
  expect((await away('away 2026-12-04 @sam')).body).toMatchObject({
    text: expect.stringContaining("couldn't tell who"),
  });
  expect((await member(MGR))?.awayUntil ?? null).toBeNull();
});

describe('pulling an away manager', () => {
  it('tells the requester at once, and sends it to the deputy when they choose', async () => {
    await away(typed`away 2026-12-04 ${mention(DEP)}`);
    const { res, pull } = await pullIn();
    expect(text(res.body)).toContain(`<@${MGR}> is away until Fri, Dec 4`);
    expect(text(res.body)).toContain('"action_id":"pull_pass_to_deputy"');
    const firstDm = h.fake.callsTo('chat.postMessage', (a) => a.channel === MGR)[0];
    expect(firstDm).toBeDefined();

    // Someone else cannot send it on: the clicker's id decides, not the button's value.
    await h.slack.action(OTHER, 'pull_pass_to_deputy', String(pull.id), { container: 'ephemeral' });
    await h.fake.waitForResponse((b) => String(b.text).includes('Only the person who sent this pull'));
    expect((await allPulls())[0]).toMatchObject({ managerId: MGR, awayFromId: null });

    await h.slack.action(REQ, 'pull_pass_to_deputy', String(pull.id), { container: 'ephemeral' });
    const toDeputy = await h.fake.waitFor('chat.postMessage', (a) => a.channel === DEP);
    expect(text(toDeputy.args.blocks)).toContain('Can we ship Friday?');
    expect(text(toDeputy.args.blocks)).toContain('"Your call"');
    await h.fake.waitForResponse((b) => String(b.text).includes(`Sent to <@${DEP}> instead`));
    const update = await h.fake.waitFor('chat.update', (a) => String(a.text).includes('your deputy'));
    expect(update.args.ts).toBe(pull.managerTs);
    await eventually(async () => expect((await allPulls())[0]?.managerTs).toBeTruthy());
    expect((await allPulls())[0]).toMatchObject({ managerId: DEP, awayFromId: MGR, status: 'open' });

    // The deputy answers it as their own.
    await h.slack.action(DEP, 'pull_acknowledge', String(pull.id));
    await eventually(async () => expect((await allPulls())[0]?.status).toBe('acknowledged'));
  });

  it('offers no deputy when none was named; the pull waits for the manager', async () => {
    await away('away 2026-12-04');
    const { res, pull } = await pullIn();
    expect(text(res.body)).toContain('is away until Fri, Dec 4');
    expect(text(res.body)).toContain('waits for them');
    expect(text(res.body)).not.toContain('pull_pass_to_deputy');
    await h.slack.action(REQ, 'pull_pass_to_deputy', String(pull.id), { container: 'ephemeral' });
    await h.fake.waitForResponse((b) => String(b.text).includes('no deputy'));
    expect((await allPulls())[0]?.managerId).toBe(MGR);
  });

  it('says so in the pull form’s confirmation too', async () => {
    await away(typed`away 2026-12-04 ${mention(DEP)}`);
    await h.slack.viewSubmission(REQ, 'pull_create', {
      manager: input.user(MGR, 'pull_manager_selected'),
      need: input.text('Budget for the offsite?'),
      kind: input.option('decision'),
    });
    const confirmation = await h.fake.waitFor(
      'chat.postMessage',
      (a) => a.channel === REQ && String(a.text).includes('Pulled in'),
    );
    expect(text(confirmation.args)).toContain(`<@${MGR}> is away until Fri, Dec 4`);
    expect(text(confirmation.args.blocks)).toContain('Send it to their deputy');
  });

  it('tells nothing extra when the manager is back', async () => {
    await away('away 2026-12-04');
    await away('back');
    const { res } = await pullIn();
    expect(text(res.body)).not.toContain('is away');
  });
});

describe('while away and back', () => {
  it('sends no digest and no overdue reminder while away, and the digest again once back', async () => {
    h.fake.users.set(MGR, { tz: 'UTC' });
    await h.slack.viewSubmission(REQ, 'pull_create', {
      manager: input.user(MGR, 'pull_manager_selected'),
      need: input.text('Sign-off on the contract'),
      kind: input.option('decision'),
      needed_by: input.date('2026-11-20'),
    });
    await eventually(async () => expect((await allPulls())[0]?.managerTs).toBeTruthy());
    await away('away 2026-11-27');
    h.fake.reset();

    const sent = await sendDigests(run());
    expect(sent.sent).toBe(0);
    expect(await sendOverdueReminders(run())).toBe(0);
    expect(h.fake.callsTo('chat.postMessage', (a) => a.channel === MGR)).toHaveLength(0);

    await away('back');
    await eventually(() => expect(welcomes(MGR)).toHaveLength(1));
    // (The digest marks what it flagged as reminded, so the reminder is checked first.)
    expect(await sendOverdueReminders(run())).toBe(1);
    expect((await sendDigests(run())).sent).toBe(1);
  });

  it('sums up what arrived in one DM on /pull back, including what went to the deputy, and only once', async () => {
    await away(typed`away 2026-12-04 ${mention(DEP)}`);
    const first = await pullIn(MGR, 'First while away');
    await pullIn(MGR, 'Second while away');
    await h.slack.action(REQ, 'pull_pass_to_deputy', String(first.pull.id), { container: 'ephemeral' });
    await h.fake.waitFor('chat.postMessage', (a) => a.channel === DEP);

    const res = await away('back');
    expect(text(res.body)).toContain('Welcome back');
    const [summary] = await eventually(() => {
      const found = welcomes(MGR);
      expect(found).toHaveLength(1);
      return found;
    });
    const body = text(summary?.args);
    expect(body).toContain('2 pulls arrived in the');
    expect(body).toContain('First while away');
    expect(body).toContain('Second while away');
    expect(body).toContain(`sent to <@${DEP}>`);
    expect(await member(MGR)).toMatchObject({ awayUntil: null, awayDeputyId: null, awaySince: null });

    const again = await away('back');
    expect(text(again.body)).toContain('not marked away');
    await h.app.inflight.drained();
    expect(welcomes(MGR)).toHaveLength(1);
  });

  it('the tick notices when the date has passed in their timezone and sends the summary exactly once', async () => {
    await away('away 2026-11-24'); // New York
    await pullIn(MGR, 'While you were out');
    // 23:30 on Nov 24 in New York: still away (the scheduler ticks once as it starts; this awaits that tick).
    h.clock.now = Date.UTC(2026, 10, 25, 4, 30);
    const scheduler = startScheduler({ deps: h.app.deps, client: run().client, logger: h.app.deps.logger });
    try {
      await scheduler.tick();
      expect(welcomes(MGR)).toHaveLength(0);
      expect((await member(MGR))?.awayUntil).toBe('2026-11-24');
      // 00:30 on Nov 25 in New York: back.
      h.clock.now = Date.UTC(2026, 10, 25, 5, 30);
      await scheduler.tick();
      await scheduler.tick();
      expect(welcomes(MGR)).toHaveLength(1);
      expect(text(welcomes(MGR)[0]?.args)).toContain('While you were out');
      expect((await member(MGR))?.awayUntil).toBeNull();
    } finally {
      await scheduler.stop();
    }
  });

  it('shows the away state on Home', async () => {
    await away(typed`away 2026-12-04 ${mention(DEP)}`);
    await h.slack.event({ type: 'app_home_opened', user: MGR, tab: 'home', channel: 'D1' });
    const home = await h.fake.waitFor('views.publish', (a) => a.user_id === MGR);
    expect(text(home.args.view)).toContain('You are away until Fri, Dec 4');
    expect(text(home.args.view)).toContain(`<@${DEP}> is your deputy`);
    h.fake.reset();
    await away('back');
    const after = await h.fake.waitFor('views.publish', (a) => a.user_id === MGR);
    expect(text(after.args.view)).not.toContain('You are away');
  });
});
