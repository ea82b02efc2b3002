import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { eventually, type Harness, input, startHarness } from '../support/harness.js';

const MGR = 'UMGR0001';
const OWNER = 'UOWN0001';
const OTHER = 'UOTH0001';
const NOV_2026 = Date.UTC(2026, 10, 24, 15);

let h: Harness;
afterEach(async () => {
  await h?.stop();
});
const start = async (env: Record<string, string> = {}, now = NOV_2026) => {
  h = await startHarness({ env, now });
  return h;
};
const allPushes = async () => {
  const { pushes } = tables(h.store.db);
  return h.store.db.select().from(pushes).orderBy(pushes.id);
};
const text = (res: { body: unknown }) => JSON.stringify(res.body);

async function add(title: string, user = MGR) {
  const res = await h.slack.command('/push', `add ${title}`, user);
  expect(res.status).toBe(200);
  return res;
}

describe('/push add and the limit', () => {
  it('adds a push with a title and lists it under the calendar quarter', async () => {
    await start();
    const res = await add('Win the Initech renewal');
    expect(text(res)).toContain('Pushing on *Win the Initech renewal* for 2026 Q4');
    expect((await allPushes())[0]).toMatchObject({
      managerId: MGR,
      ownerId: MGR,
      quarter: '2026-Q4',
      status: 'on-track',
    });
    const list = await h.slack.command('/push', 'list', MGR);
    expect(text(list)).toContain('Your pushes — 2026 Q4');
    expect(text(list)).toContain('*1.*');
    expect(text(list)).toContain('Win the Initech renewal');
  });

  it('names fiscal quarters FY when the year does not start in January', async () => {
    await start({ FISCAL_YEAR_START_MONTH: '2' });
    await add('Launch EMEA');
    expect((await allPushes())[0]?.quarter).toBe('2027-Q4');
    expect(text(await h.slack.command('/push', '', MGR))).toContain('FY2027 Q4');
  });

  it('refuses the push over the limit with a message that names it, and stores nothing', async () => {
    await start();
    for (const t of ['one', 'two', 'three']) await add(t);
    const res = await add('four');
    expect(text(res)).toContain('already pushing on 3 things');
    expect(text(res)).toContain('the team');
    expect(await allPushes()).toHaveLength(3);
  });

  it('honours PUSH_LIMIT=5: the sixth is refused', async () => {
    await start({ PUSH_LIMIT: '5' });
    for (const t of ['a', 'b', 'c', 'd', 'e']) await add(t);
    expect(text(await add('f'))).toContain('already pushing on 5 things');
    expect(await allPushes()).toHaveLength(5);
  });

  it('frees a slot when one is done', async () => {
    await start();
    for (const t of ['one', 'two', 'three']) await add(t);
    await h.slack.command('/push', 'done 2', MGR);
    await add('four');
    expect((await allPushes()).map((p) => p.status)).toEqual(['on-track', 'done', 'on-track', 'on-track']);
  });

  it('refuses a title over 150 characters', async () => {
    await start();
    const res = await add('t'.repeat(151));
    expect(text(res)).toContain('150');
    expect(await allPushes()).toHaveLength(0);
  });
});

describe('/push update, done, drop', () => {
  it('closes with done and drop, keeping a dated update for each', async () => {
    await start();
    await add('one');
    await add('two');
    expect(text(await h.slack.command('/push', 'done 1', MGR))).toContain('is done');
    expect(text(await h.slack.command('/push', 'drop 2', MGR))).toContain('Dropped');
    expect((await allPushes()).map((p) => p.status)).toEqual(['done', 'dropped']);
    const { pushUpdates } = tables(h.store.db);
    const updates = await h.store.db.select().from(pushUpdates).orderBy(pushUpdates.id);
    expect(updates.map((u) => [u.status, u.createdAt])).toEqual([
      ['done', NOV_2026],
      ['dropped', NOV_2026],
    ]);
  });

  it('refuses bad positions clearly and changes nothing', async () => {
    await start();
    await add('one');
    expect(text(await h.slack.command('/push', 'update 99', MGR))).toContain('no push number 99');
    expect(text(await h.slack.command('/push', 'done abc', MGR))).toContain('Use the number');
    expect(text(await h.slack.command('/push', 'drop 0', MGR))).toContain('no push number 0');
    expect((await allPushes())[0]?.status).toBe('on-track');
    const { pushUpdates } = tables(h.store.db);
    expect(await h.store.db.select().from(pushUpdates).orderBy(pushUpdates.id)).toHaveLength(0);
  });

  it('opens the update modal and records status and note', async () => {
    await start();
    await add('one');
    await h.slack.command('/push', 'update 1', MGR);
    const open = await h.fake.waitFor('views.open');
    const view = open.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe('push_update');
    const res = await h.slack.viewSubmission(
      MGR,
      'push_update',
      { status: input.option('at-risk'), note: input.text('Legal review slipping') },
      view.private_metadata,
    );
    expect(res.body).toBe('');
    expect((await allPushes())[0]?.status).toBe('at-risk');
    const { pushUpdates } = tables(h.store.db);
    expect((await h.store.db.select().from(pushUpdates).orderBy(pushUpdates.id))[0]).toMatchObject({
      status: 'at-risk',
      note: 'Legal review slipping',
      authorId: MGR,
    });
    expect(text(await h.slack.command('/push', 'list', MGR))).toContain('Legal review slipping');
  });

  it('refuses an update from someone who is neither manager nor owner (forged metadata)', async () => {
    await start();
    await add('one');
    const pushId = (await allPushes())[0]?.id;
    const res = await h.slack.viewSubmission(
      OTHER,
      'push_update',
      { status: input.option('off-track') },
      JSON.stringify({ pushId }),
    );
    expect(res.body).toMatchObject({ response_action: 'errors' });
    expect((await allPushes())[0]?.status).toBe('on-track');
  });
});

describe('the push modal (three As)', () => {
  it('creates a push owned by someone else, who is told in DM and can post updates', async () => {
    await start();
    await h.slack.command('/push', 'add', MGR);
    const open = await h.fake.waitFor('views.open');
    const json = JSON.stringify(open.args.view);
    for (const heading of ['Alignment', 'Accountability', 'Ability', 'What success looks like'])
      expect(json).toContain(heading);
    const res = await h.slack.viewSubmission(MGR, 'push_create', {
      title: input.text('Ship self-serve onboarding'),
      why: input.text('Cuts time-to-value'),
      success: input.text('50% of trials onboard alone'),
      owner: { value: { type: 'users_select', selected_user: OWNER } },
      support: input.text('One designer for a month'),
    });
    expect(res.body).toBe('');
    const dm = await h.fake.waitFor('chat.postMessage', (a) => a.channel === OWNER);
    expect(String(dm.args.text)).toContain('named you owner');
    const push = (await allPushes())[0];
    expect(push).toMatchObject({
      ownerId: OWNER,
      why: 'Cuts time-to-value',
      support: 'One designer for a month',
    });

    // The owner updates from their Home tab; the manager hears about it.
    await h.slack.action(OWNER, 'push_update_open', String(push?.id), { container: 'view' });
    const updateOpen = await h.fake.waitFor(
      'views.open',
      (a) => (a.view as { callback_id: string }).callback_id === 'push_update',
    );
    await h.slack.viewSubmission(
      OWNER,
      'push_update',
      { status: input.option('on-track'), note: input.text('Beta live') },
      (updateOpen.args.view as { private_metadata: string }).private_metadata,
    );
    const told = await h.fake.waitFor('chat.postMessage', (a) => a.channel === MGR);
    expect(String(told.args.text)).toContain('Beta live');
  });

  it('gives field errors for an empty title and for a push over the limit', async () => {
    await start({ PUSH_LIMIT: '1' });
    const empty = await h.slack.viewSubmission(MGR, 'push_create', { title: input.text('') });
    expect(empty.body).toMatchObject({ response_action: 'errors', errors: { title: expect.any(String) } });
    await add('only one');
    const over = await h.slack.viewSubmission(MGR, 'push_create', { title: input.text('second') });
    expect(JSON.stringify(over.body)).toContain('already pushing on 1 thing');
    expect(await allPushes()).toHaveLength(1);
  });
});

describe('quarters roll over', () => {
  it('starts a new quarter empty and keeps last quarter readable', async () => {
    await start();
    await add('Q4 thing');
    h.clock.now = Date.UTC(2027, 0, 5, 12);
    const res = await h.slack.command('/push', 'list', MGR);
    expect(text(res)).toContain('2027 Q1');
    expect(text(res)).toContain('Nothing pushed yet');
    expect(text(res)).toContain('2026 Q4:');
    expect(text(res)).toContain('Q4 thing');
    await add('Q1 thing');
    expect((await allPushes()).map((p) => p.quarter)).toEqual(['2026-Q4', '2027-Q1']);
  });
});

describe("pushes live in their manager's own quarter", () => {
  it("a manager's first push fetches their profile, so their digest comes at their own local time", async () => {
    await start();
    h.fake.users.set(MGR, { tz: 'Asia/Tokyo' });
    await add('Open the Osaka office');
    const { members } = tables(h.store.db);
    await eventually(async () =>
      expect(
        (await h.store.db.select().from(members).where(eq(members.userId, MGR)).limit(1))[0]?.timezone,
      ).toBe('Asia/Tokyo'),
    );
    await add('Hire a country lead');
    await h.app.inflight.drained();
    expect(h.fake.callsTo('users.info', (a) => a.user === MGR)).toHaveLength(1);
  });

  it('a manager in Auckland adds to 2027 Q1 on New Year morning while the server is still in 2026 Q4', async () => {
    // Thursday Dec 31 22:00 UTC is Friday Jan 1 11:00 in Auckland.
    await start({}, Date.UTC(2026, 11, 31, 22));
    // Their profiles as Pushpull last fetched them (the digest and each pull refresh them).
    const now = h.clock.now;
    const { members } = tables(h.store.db);
    await h.store.db.insert(members).values([
      { userId: MGR, timezone: 'Pacific/Auckland', profileFetchedAt: now, updatedAt: now },
      { userId: OTHER, timezone: 'Pacific/Honolulu', profileFetchedAt: now, updatedAt: now },
    ]);
    await add('Open the Wellington office');
    await add('Close the year', OTHER);
    expect((await allPushes()).map((p) => [p.managerId, p.quarter])).toEqual([
      [MGR, '2027-Q1'],
      [OTHER, '2026-Q4'],
    ]);
    const mine = text(await h.slack.command('/push', 'list', MGR));
    expect(mine).toContain('2027 Q1');
    expect(mine).toContain('Open the Wellington office');
    // Someone in Honolulu reading the Auckland manager's list sees it in that manager's quarter.
    const theirs = text(await h.slack.command('/push', `list <@${MGR}|maria>`, OTHER));
    expect(theirs).toContain('2027 Q1');
    expect(theirs).toContain('Open the Wellington office');
  });
});

describe('pushes are visible to everyone and linked from pulls', () => {
  it('shows someone else’s list with /push list @manager', async () => {
    await start();
    await add('Enterprise tier');
    const res = await h.slack.command('/push', `list <@${MGR}|maria>`, OTHER);
    expect(text(res)).toContain(`<@${MGR}>'s pushes`);
    expect(text(res)).toContain('Enterprise tier');
  });

  it('offers the manager’s pushes in the pull modal and shows the related push in the manager DM', async () => {
    await start();
    await add('Enterprise tier');
    await h.slack.command('/pull', `manager <@${MGR}>`, OTHER);
    await h.slack.command('/pull', '', OTHER);
    const open = await h.fake.waitFor('views.open');
    expect(JSON.stringify(open.args.view)).toContain('Enterprise tier');
    const pushId = (await allPushes())[0]?.id;
    await h.slack.viewSubmission(OTHER, 'pull_create', {
      manager: input.user(MGR, 'pull_manager_selected'),
      need: input.text('Which SSO providers first?'),
      kind: input.option('decision'),
      push: input.option(String(pushId)),
    });
    const dm = await h.fake.waitFor('chat.postMessage', (a) => a.channel === MGR);
    expect(JSON.stringify(dm.args.blocks)).toContain('push: _Enterprise tier_');
    const { pulls } = tables(h.store.db);
    expect(
      await h.store.db
        .select()
        .from(pulls)
        .where(eq(pulls.pushId, pushId ?? 0)),
    ).toHaveLength(1);
  });

  it('updates the related-push options when another manager is picked in the pull modal', async () => {
    await start();
    await add('Enterprise tier');
    await h.slack.viewAction(OTHER, 'pull_manager_selected', { type: 'users_select', selected_user: MGR });
    const update = await h.fake.waitFor('views.update');
    expect(update.args).toMatchObject({ view_id: 'VMODAL' });
    expect(JSON.stringify(update.args.view)).toContain('Enterprise tier');
  });

  it('prints help', async () => {
    await start();
    const res = await h.slack.command('/push', 'help', MGR);
    for (const form of [
      '/push add Title',
      '/push update N',
      '/push done N',
      '/push drop N',
      '/push list @manager',
    ]) {
      expect(text(res)).toContain(form);
    }
  });
});

describe('the Home tab', () => {
  const home = async (user: string) => {
    h.fake.reset();
    await h.slack.event({ type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home' });
    const call = await h.fake.waitFor('views.publish', (a) => a.user_id === user);
    return call.args.view as { type: string; blocks: unknown[] };
  };

  it('shows a manager what awaits them and their pushes; a contributor what they sent and what they own', async () => {
    await start();
    await add('Enterprise tier');
    await h.slack.viewSubmission(MGR, 'push_create', {
      title: input.text('Partner program'),
      owner: { value: { type: 'users_select', selected_user: OWNER } },
    });
    await h.slack.command('/pull', `<@${MGR}> Which SSO providers first?`, OWNER);
    const { pulls } = tables(h.store.db);
    await eventually(async () =>
      expect((await h.store.db.select().from(pulls).orderBy(pulls.id))[0]?.managerTs).toBeTruthy(),
    );

    const managerHome = JSON.stringify(await home(MGR));
    expect(managerHome).toContain('Awaiting you (1)');
    expect(managerHome).toContain('Which SSO providers first?');
    expect(managerHome).toContain('"Your call"');
    expect(managerHome).toContain('Your pushes — 2026 Q4');
    expect(managerHome).toContain('Enterprise tier');
    expect(managerHome).toContain('Partner program');

    const ownerHome = JSON.stringify(await home(OWNER));
    expect(ownerHome).toContain('You pulled in (1)');
    expect(ownerHome).toContain('"Withdraw"');
    expect(ownerHome).toContain('Pushes you own for others');
    expect(ownerHome).toContain('Partner program');
    expect(ownerHome).not.toContain('Awaiting you');
  });

  it('is refreshed after a change for someone who has opened it', async () => {
    await start();
    await home(MGR);
    h.fake.reset();
    await h.slack.command('/pull', `<@${MGR}> fresh one`, OWNER);
    const republished = await h.fake.waitFor('views.publish', (a) => a.user_id === MGR);
    expect(JSON.stringify(republished.args.view)).toContain('fresh one');
  });

  it('stays within 100 blocks with 200 open pulls, and says how many more', async () => {
    await start();
    const { pulls } = tables(h.store.db);
    await h.store.db.insert(pulls).values(
      Array.from({ length: 200 }, (_, i) => ({
        requesterId: `UREQ${String(i).padStart(4, '0')}`,
        managerId: MGR,
        need: `pull ${i}`,
        createdAt: NOV_2026 - i,
      })),
    );
    for (const t of ['one', 'two', 'three']) await add(t);
    const view = await home(MGR);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(view)).toContain('Awaiting you (200)');
    expect(JSON.stringify(view)).toContain('…and 190 more pulls');
  });

  it('opens the pull and push modals from its buttons', async () => {
    await start();
    await h.slack.action(MGR, 'home_pull_in', 'pull', { container: 'view' });
    await h.slack.action(MGR, 'home_push_add', 'push', { container: 'view' });
    await eventually(() => {
      const ids = h.fake
        .callsTo('views.open')
        .map((c) => (c.args.view as { callback_id: string }).callback_id);
      expect(ids.sort()).toEqual(['pull_create', 'push_create']);
    });
  });
});
