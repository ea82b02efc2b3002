// A full disk: every /pull is either kept and confirmed, or refused at once with the truth — never "Pulled in"
// for a pull that was not stored, never a manager DM whose buttons point at someone else's pull.
//
// The database lives on a real, small tmpfs when this process may mount one (root, as in CI); elsewhere
// SQLite's max_page_count stands in, which fails the same writes one step earlier (inside the statement rather
// than at commit) and so proves less.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { type Harness, startHarness, tempDir } from '../support/harness.js';

const REQ = 'UREQ0001';
const MGR = 'UMGR0001';

let mountPoint: string | undefined;
let h: Harness;

function mountSmallDisk(): string | undefined {
  const dir = tempDir('pushpull-tmpfs-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

/** Fills the small disk until not even one more page fits. */
function fillDisk(dir: string): void {
  const chunk = Buffer.alloc(4096, 1);
  for (let i = 0; ; i++) {
    try {
      writeFileSync(join(dir, `ballast-${i}`), chunk);
    } catch {
      return;
    }
  }
}

beforeAll(async () => {
  mountPoint = mountSmallDisk();
  const dir = mountPoint ?? tempDir();
  mkdirSync(join(dir, 'db'), { recursive: true });
  h = await startHarness({ dir: join(dir, 'db') });
  // A first pull while there is room: the tables exist and the WAL has been used.
  await h.slack.command('/pull', `<@${MGR}|maria> while there is room`, REQ);
  await h.fake.waitFor('chat.postMessage', (a) => a.channel === MGR);
  await h.app.inflight.drained();
  if (mountPoint) fillDisk(mountPoint);
  else {
    const { sqlite } = h.sqlite();
    const pages = Number(sqlite.pragma('page_count', { simple: true }));
    sqlite.pragma(`max_page_count = ${pages}`);
  }
});

afterAll(async () => {
  await h?.stop();
  if (mountPoint) {
    execFileSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  }
});

describe('/pull on a full disk', () => {
  it('confirms only what was stored, tells the person at once otherwise, and DMs the manager only stored pulls', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await h.slack.command(
        '/pull',
        `<@${MGR}|maria> request number ${i} ${'x'.repeat(2000)}`,
        REQ,
      );
      // Answered by Pushpull itself, within Slack's deadline: never a 404 or 500 that Slack would turn into
      // its own generic failure.
      expect(res.status).toBe(200);
      answers.push(JSON.stringify(res.body));
    }
    await h.app.inflight.drained();

    const { pulls } = tables(h.store.db);
    const stored = await h.store.db.select().from(pulls).orderBy(pulls.id);
    const storedNeeds = new Set(stored.map((p) => p.need));
    const confirmed = answers.filter((a) => a.includes('Pulled in'));
    const refused = answers.filter((a) => !a.includes('Pulled in'));
    // The disk is full: most of these could not be kept, and each of those people heard so.
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) expect(answer).toContain('could not save');
    // Every confirmation is for a pull that exists; nothing was confirmed and then lost.
    expect(stored.length - 1).toBe(confirmed.length);

    const dms = h.fake.callsTo('chat.postMessage', (a) => a.channel === MGR).slice(1);
    expect(dms).toHaveLength(confirmed.length);
    for (const dm of dms) {
      // The buttons carry the id of the pull the DM is about.
      const blocks = JSON.stringify(dm.args.blocks);
      const id = /"value":"(\d+)"/.exec(blocks)?.[1];
      const pull = stored.find((p) => String(p.id) === id);
      expect(pull).toBeDefined();
      expect(blocks).toContain(`request number ${/request number (\d+)/.exec(pull?.need ?? '')?.[1]}`);
      expect(storedNeeds.has(pull?.need ?? '')).toBe(true);
    }
  });
});
