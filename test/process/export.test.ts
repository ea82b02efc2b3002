// `npx pushpull export`: the real CLI process on a database the app filled through Slack.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { AGREEMENT_EXPORT_COLUMNS } from '../../src/domain/agreements.js';
import { DATASET_NAMES } from '../../src/export/datasets.js';
import { exportDataset } from '../../src/export/index.js';
import { runCli } from '../support/cli.js';
import { eventually, type Harness, input, startHarness } from '../support/harness.js';
import { allPulls as allPullsOf } from '../support/reads.js';
import { typed } from '../support/slack-driver.js';

const REQ = 'UREQ0001';
const MGR = 'UMGR0001';
const GONE = 'UGONE001';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ now: Date.UTC(2026, 10, 24, 10) });
});
afterEach(async () => {
  await h.stop();
});

const allPulls = () => allPullsOf(h);

async function pull(requester: string, manager: string, need: string) {
  const count = (await allPulls()).length;
  await h.slack.command('/pull', `<@${manager}> ${need}`, requester);
  return eventually(async () => {
    const row = (await allPulls())[count];
    if (!row?.managerTs) throw new Error('not yet');
    return row;
  });
}

async function decide(pullId: number, manager: string, note: string) {
  const forms = h.fake.callsTo('views.open').length;
  await h.slack.action(manager, 'pull_decision', String(pullId));
  const open = await eventually(() => {
    const call = h.fake.callsTo('views.open')[forms];
    if (!call) throw new Error('no form yet');
    return call;
  });
  const view = open.args.view as { private_metadata: string };
  await h.slack.viewSubmission(manager, 'pull_resolve', { note: input.text(note) }, view.private_metadata);
  await eventually(async () =>
    expect((await allPulls()).find((p) => p.id === pullId)?.status).toBe('resolved'),
  );
}

/** Splits CSV the simple way: enough for rows whose cells hold no line breaks. */
const csvLines = (text: string) => text.split('\r\n').filter(Boolean);

describe('npx pushpull export', () => {
  it('writes pulls as CSV with a header row, quoting and formulas neutralized, and as JSON lines', async () => {
    const first = await pull(REQ, MGR, typed`=HYPERLINK("http://evil.example","click"), then "quotes"`);
    await decide(first.id, MGR, '+1 from me, go');
    await h.app.inflight.drained();

    const csv = await runCli(['export', 'pulls'], h.env);
    expect(csv.code, csv.stderr).toBe(0);
    const [header, row] = csvLines(csv.stdout);
    expect(header).toBe(
      'id,team_id,requester_id,manager_id,kind,status,need,context,needed_by,push_id,resolution,resolution_note,created_at,acknowledged_at,resolved_at,withdrawn_at,edited_at',
    );
    expect(row).toContain(`"'=HYPERLINK(""http://evil.example"",""click""), then ""quotes"""`);
    expect(row).toContain(`${REQ},${MGR},decision,resolved`);
    expect(row).toContain(`,"'+1 from me, go",`);

    const decisions = await runCli(['export', 'decisions', '--format', 'json'], h.env);
    expect(decisions.code, decisions.stderr).toBe(0);
    const lines = decisions.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      {
        pull_id: first.id,
        requester_id: REQ,
        manager_id: MGR,
        resolution: 'decision',
        holder: 'manager',
        holder_ids: MGR,
        need: '=HYPERLINK("http://evil.example","click"), then "quotes"',
        note: '+1 from me, go',
        decided_at: new Date(h.clock.now).toISOString(),
      },
    ]);

    // --since is a UTC day: nothing was made after it, so only the header is left.
    const later = await runCli(['export', 'pulls', '--since', '2026-11-25'], h.env);
    expect(later.code, later.stderr).toBe(0);
    expect(csvLines(later.stdout)).toEqual([header]);
  });

  it('never shows a forgotten person, in any dataset', async () => {
    await pull(GONE, MGR, typed`mine to forget`);
    const theirs = await pull(REQ, GONE, typed`asked of them`);
    await decide(theirs.id, GONE, 'decided by them');
    await pull(REQ, MGR, typed`someone else's`);
    await h.slack.command('/push', 'add Their push', GONE);
    await h.slack.viewSubmission(GONE, 'recognize_advocate_submit', {
      advocate: input.user('UADV0001'),
      function: input.option('legal'),
      what: input.text('Fast contract review'),
    });
    const { recognitions } = tables(h.store.db);
    await eventually(async () => expect(await h.store.db.select().from(recognitions)).toHaveLength(1));
    await h.app.inflight.drained();
    expect(
      JSON.stringify(await Promise.all(DATASET_NAMES.map((d) => exportDataset(h.store.db, d, 'json')))),
    ).toContain(GONE);

    const forgot = await runCli(['forget', GONE], h.env);
    expect(forgot.code, forgot.stderr).toBe(0);
    // Every dataset there is, read from the same file the CLI just wrote (one process per dataset is slow).
    for (const dataset of DATASET_NAMES) {
      for (const format of ['csv', 'json'] as const)
        expect(await exportDataset(h.store.db, dataset, format), dataset).not.toContain(GONE);
    }
    const out = await runCli(['export', 'pulls'], h.env);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).not.toContain(GONE);
    expect(out.stdout).toContain("someone else's");
  });

  it('refuses a bad dataset, date or format in one line with exit 2', async () => {
    for (const [args, problem] of [
      [['export', 'members'], "pushpull export: no dataset called 'members'"],
      [['export', 'pulls', '--since', '2026-02-30'], 'pushpull export: --since needs a date as YYYY-MM-DD'],
    ] as const) {
      const out = await runCli([...args], h.env);
      expect(out.code, args.join(' ')).toBe(2);
      expect(out.stderr.split('\n')[0], args.join(' ')).toContain(problem);
      expect(out.stdout).toBe('');
    }
  });

  it('exports agreements kept by the define-success handshake, with --since, and leaves handshakes under way out', async () => {
    const day = (iso: string) => Date.parse(`${iso}T12:00:00Z`);
    const { agreements } = tables(h.store.db);
    const agreement = (success: string, agreedAt: number | null) =>
      h.store.db.insert(agreements).values({
        requesterId: REQ,
        managerId: MGR,
        stage: agreedAt === null ? 'repeat' : 'agreed',
        success,
        ownWords: agreedAt === null ? null : `${success}, in my words`,
        createdAt: day('2026-09-01'),
        agreedAt,
      });
    await agreement('=two paying pilots, by March', day('2026-10-02'));
    await agreement('renewals above 90%', day('2026-11-20'));
    await agreement('still being repeated back', null);
    const all = await runCli(['export', 'agreements'], h.env);
    expect(all.code, all.stderr).toBe(0);
    const lines = all.stdout.trim().split('\r\n');
    expect(lines[0]).toBe(AGREEMENT_EXPORT_COLUMNS.join(','));
    expect(lines).toHaveLength(3);
    // Formula-leading text is neutralized; quoting keeps the comma inside the cell.
    expect(lines[1]).toContain(`"'=two paying pilots, by March"`);
    expect(all.stdout).not.toContain('still being repeated back');
    const since = await runCli(['export', 'agreements', '--since', '2026-11-01', '--format', 'json'], h.env);
    expect(since.code, since.stderr).toBe(0);
    const rows = since.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows).toMatchObject([{ success: 'renewals above 90%', requester_id: REQ, manager_id: MGR }]);
  });
});
