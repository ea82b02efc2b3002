// Autonomy granted explicitly, the manager's mirror and Your team, through signed requests against the fake.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { sendDigests } from '../../src/scheduler/digest.js';
import { fanOutClient } from '../../src/scheduler/pace.js';
import { BOT_TOKEN, eventually, type Harness, input, startHarness } from '../support/harness.js';
import { mention, typed } from '../support/slack-driver.js';

const MGR = 'UMGR0001';
const STAR = 'USTAR001'; // will run on their own
const MATE = 'UMATE001';
const OTHER = 'UOTH0001';
const MONDAY_0930_UTC = Date.UTC(2026, 10, 23, 9, 30);
const H = 3_600_000;

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ now: MONDAY_0930_UTC });
  h.fake.users.set(MGR, { tz: 'UTC' });
  for (const person of [STAR, MATE]) {
    const res = await h.slack.command('/pull', typed`manager ${mention(MGR)}`, person);
    expect(JSON.stringify(res.body)).toContain('default manager');
  }
});
afterEach(async () => {
  await h.stop();
});

const member = async (id: string) => {
  const { members } = tables(h.store.db);
  return (await h.store.db.select().from(members).orderBy(members.userId)).find((m) => m.userId === id);
};
const allPulls = async () => {
  const { pulls } = tables(h.store.db);
  return h.store.db.select().from(pulls).orderBy(pulls.id);
};
const text = (body: unknown) => JSON.stringify(body);
const dmsTo = (user: string) => h.fake.callsTo('chat.postMessage', (a) => a.channel === user);
const run = () => ({ deps: h.app.deps, client: fanOutClient(BOT_TOKEN, h.fake.apiUrl, undefined) });

async function pullFrom(requester: string, need: string) {
  await h.slack.command('/pull', need, requester); // goes to their default manager
  return eventually(async () => {
    const found = (await allPulls()).find((p) => p.need === need && p.managerTs);
    if (!found) throw new Error('not yet');
    return found;
  });
}

async function recognize(advocate: string) {
  const res = await h.slack.viewSubmission(
    OTHER,
    'recognize_advocate_submit',
    {
      advocate: input.user(advocate),
      function: input.option('finance'),
      what: input.text(`Helped close Initech (${advocate})`),
    },
    '{}',
  );
  expect(res.status).toBe(200);
  await h.fake.waitFor('chat.postMessage', (a) => a.channel === advocate);
}

async function home(user: string) {
  h.fake.reset();
  await h.slack.event({ type: 'app_home_opened', user, tab: 'home', channel: 'D1' });
  const published = await h.fake.waitFor('views.publish', (a) => a.user_id === user);
  return text(published.args.view);
}

describe('/pull autonomy', () => {
  it('is refused to anyone but the manager the person named, and nothing is stored', async () => {
    const res = await h.slack.command('/pull', typed`autonomy ${mention(STAR)}`, OTHER);
    expect((res.body as { text: string }).text).toContain('Only the manager');
    expect((res.body as { text: string }).text).toContain('Nothing was changed');
    const self = await h.slack.command('/pull', typed`autonomy ${mention(STAR)}`, STAR);
    expect((self.body as { text: string }).text).toContain('not something you grant yourself');
    await h.app.inflight.drained();
    expect((await member(STAR))?.autonomyGrantedAt).toBeNull();
    expect(dmsTo(STAR).filter((c) => String(c.args.text).includes('autonomy'))).toHaveLength(0);
  });

  it('tells the person in so many words that they run on their own and are still a team player', async () => {
    const res = await h.slack.command('/pull', typed`autonomy ${mention(STAR)}`, MGR);
    expect(text(res.body)).toContain(`<@${STAR}> runs on their own now`);
    expect((await member(STAR))?.autonomyGrantedAt).toBe(MONDAY_0930_UTC);
    const dm = await h.fake.waitFor(
      'chat.postMessage',
      (a) => a.channel === STAR && String(a.text).includes('autonomy'),
    );
    const words = String(dm.args.text);
    expect(words).toContain(`<@${MGR}> has granted you autonomy`);
    expect(words).toContain('you run on your own');
    expect(words).toContain('trusted to pull them in when you need');
    expect(words).toContain('not exempt from being a team player');
    expect(await home(STAR)).toContain('You run on your own');

    const off = await h.slack.command('/pull', typed`autonomy off ${mention(STAR)}`, MGR);
    expect(text(off.body)).toContain('no longer has autonomy');
    expect((await member(STAR))?.autonomyGrantedAt).toBeNull();
    await h.fake.waitFor(
      'chat.postMessage',
      (a) => a.channel === STAR && String(a.text).includes('taken back'),
    );
    expect(await home(STAR)).toContain('Autonomy: not granted');
  });

  it('ends when the person names another manager: the new manager grants their own', async () => {
    const NEW = 'UNEW0001';
    await h.slack.command('/pull', typed`autonomy ${mention(STAR)}`, MGR);
    expect(await home(STAR)).toContain(`You run on your own — granted by <@${MGR}>`);
    expect(await home(MGR)).toContain(`<@${STAR}> — runs on their own`);

    h.fake.reset();
    const res = await h.slack.command('/pull', typed`manager ${mention(NEW)}`, STAR);
    expect(text(res.body)).toContain(`<@${NEW}> is now your default manager`);
    expect(text(res.body)).toContain(`Your autonomy was granted by <@${MGR}>`);
    expect(await member(STAR)).toMatchObject({ managerId: NEW, autonomyGrantedAt: null });
    // The Homes that showed it are brought up to date without waiting to be opened again.
    await h.fake.waitFor('views.publish', (a) => a.user_id === STAR);
    await h.app.inflight.drained();

    const own = await home(STAR);
    expect(own).not.toContain('You run on your own');
    expect(own).not.toContain(`granted by <@${NEW}>`);
    expect(own).toContain(`Autonomy: not granted. <@${NEW}> can grant it`);
    const theirs = await home(NEW);
    expect(theirs).toContain(`<@${STAR}> — 0 pulls sent, 0 recognitions received`);
    expect(theirs).not.toContain('runs on their own');
    expect(await home(MGR)).not.toContain(`<@${STAR}>`);

    // Naming the same manager again changes nothing: autonomy the new manager grants stays.
    await h.slack.command('/pull', typed`autonomy ${mention(STAR)}`, NEW);
    const again = await h.slack.command('/pull', typed`manager ${mention(NEW)}`, STAR);
    expect(text(again.body)).not.toContain('Your autonomy');
    expect((await member(STAR))?.autonomyGrantedAt).toBe(MONDAY_0930_UTC);
  });

  it('leaves no count of their activity on the manager’s Home or digest, while their pull still shows', async () => {
    await pullFrom(STAR, 'Star needs a call on pricing');
    await pullFrom(MATE, 'Mate needs context');
    await recognize(STAR);
    await recognize(MATE);

    let view = await home(MGR);
    expect(view).toContain(`<@${STAR}> — 1 pull sent, 1 recognition received`);
    expect(view).toContain(`<@${MATE}> — 1 pull sent, 1 recognition received`);

    await h.slack.command('/pull', typed`autonomy ${mention(STAR)}`, MGR);
    view = await home(MGR);
    expect(view).toContain(`<@${STAR}> — runs on their own`);
    expect(view).not.toContain(`<@${STAR}> — 1 pull`);
    expect(view).toContain(`<@${MATE}> — 1 pull sent, 1 recognition received`);
    // Their work still shows: the pull waits for an answer like any other.
    expect(view).toContain('Star needs a call on pricing');
    // Not even their own Home counts them; their recognition is still listed.
    const own = await home(STAR);
    expect(own).toContain('Recognitions this quarter');
    expect(own).toContain('Helped close Initech (USTAR001)');
    expect(own).not.toContain('1 received');

    // More recognitions than the digest lists, the newest Star's: the list ends saying there are more.
    for (const advocate of [MATE, MATE, MATE, MATE, MATE, STAR]) {
      h.clock.now += 60_000;
      await recognize(advocate);
    }
    await h.app.inflight.drained();
    h.fake.reset();
    expect((await sendDigests(run())).sent).toBe(1);
    const digest = text(h.fake.callsTo('chat.postMessage', (a) => a.channel === MGR)[0]?.args);
    // Of the eight, six are listed; how many more there are would count Star's activity too.
    expect(digest).toContain('…and more advocates');
    expect(digest).not.toMatch(/and \d+ more advocates?/);
    expect(digest).toContain('Star needs a call on pricing');
    expect(digest).toContain('Your mirror');
    expect(digest).toContain('Helped close Initech (USTAR001)');
    expect(digest).not.toMatch(/Advocates recognized in your team\* \(\d/);
    expect(digest).not.toMatch(/\d+ advocates? recognized/);
  });
});

describe('the manager’s mirror', () => {
  it('shows on their Home: median time to answer, Your call share, pushes vs the rest, oldest waiting', async () => {
    const answered = await pullFrom(MATE, 'Which vendor?');
    await pullFrom(STAR, 'Still waiting on this one');
    h.clock.now += 3 * H;
    await h.slack.action(MGR, 'pull_your_call', String(answered.id));
    const open = await h.fake.waitFor('views.open');
    const view = open.args.view as { private_metadata: string };
    await h.slack.viewSubmission(MGR, 'pull_resolve', { note: input.text(null) }, view.private_metadata);
    await eventually(async () =>
      expect((await allPulls()).find((p) => p.id === answered.id)?.status).toBe('resolved'),
    );

    const mirror = await home(MGR);
    expect(mirror).toContain('Your mirror');
    expect(mirror).toContain('Median time to answer: *3h* (1 pull answered)');
    expect(mirror).toContain('Answered *Your call*: *100%*');
    expect(mirror).toContain('on your pushes: *0* · on everything else: *1*');
    expect(mirror).toContain('Oldest pull still waiting: *3h*');
    // About the manager only: the people who report to them see no mirror of their own.
    expect(await home(MATE)).not.toContain('Your mirror');
  });
});
