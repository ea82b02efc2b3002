// The playground without a browser: its seed, its stand-in Slack's state, and the page's API into the real app.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli.js';
import { slackForm } from '../../src/playground/requests.js';
import { ADVOCATE, MANAGER, SALES } from '../../src/playground/seed.js';
import { type Playground, startPlayground } from '../../src/playground/server.js';
import type { WorkspaceState } from '../../src/playground/shapes.js';
import { StartupError } from '../../src/runtime.js';
import { eventually, tempDir } from '../support/harness.js';

const SAM = 'USAM0001';
let running: Playground | undefined;
const dir = tempDir('pushpull-playground-');
const databasePath = join(dir, 'playground.db');

afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function start(options: { reset?: boolean } = {}): Promise<Playground> {
  running = await startPlayground({ databasePath, port: 0, write: () => {}, ...options });
  return running;
}

async function stopNow(p: Playground): Promise<void> {
  running = undefined;
  await p.stop();
}

async function api(path: string, body: Record<string, unknown>): Promise<unknown> {
  const res = await fetch(new URL(`api/${path}`, running?.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return res.json();
}

async function state(): Promise<WorkspaceState> {
  return (await (await fetch(new URL('api/state', running?.url))).json()) as WorkspaceState;
}

const dmOf = (s: WorkspaceState, user: string) => s.conversations.find((c) => c.owner === user);

describe('the playground', () => {
  it('seeds a team on first start: a manager, three contributors, an advocate, pulls in every state, recognitions', async () => {
    const p = await start({ reset: true });
    expect(p.seeded).toBe(true);
    const db = new Database(databasePath, { readonly: true });
    try {
      const statuses = db.prepare('select distinct status from pulls order by status').pluck().all();
      expect(statuses).toEqual(['acknowledged', 'open', 'resolved', 'withdrawn']);
      const resolutions = db
        .prepare('select distinct resolution from pulls where resolution is not null')
        .pluck()
        .all();
      expect(new Set(resolutions)).toEqual(new Set(['your-call', 'input', 'decision', 'talk', 'agreed']));
      // One definition of success agreed (and autonomy granted on it), one waiting to be said back.
      expect(db.prepare('select stage from agreements order by id').pluck().all()).toEqual([
        'agreed',
        'repeat',
      ]);
      expect(
        db.prepare('select count(*) from members where autonomy_granted_at is not null').pluck().get(),
      ).toBe(1);
      expect(db.prepare('select count(*) from members where manager_id = ?').pluck().get(MANAGER.id)).toBe(3);
      expect(
        db.prepare('select count(*) from recognitions where advocate_id = ?').pluck().get(ADVOCATE.id),
      ).toBe(2);
      expect(
        db.prepare("select count(*) from pushes where status not in ('done', 'dropped')").pluck().get(),
      ).toBe(2);
    } finally {
      db.close();
    }
    // The page itself, served on loopback.
    expect(new URL(p.url).hostname).toBe('localhost');
    const page = await (await fetch(p.url)).text();
    expect(page).toContain('<script type="module" src="/client/main.js">');
    const s = await state();
    expect(s.people.map((x) => x.id)).toContain(MANAGER.id);
    expect(s.conversations.find((c) => c.id === SALES.id)?.messages.length).toBeGreaterThan(0);
  });

  it('sends what the page does through signed requests into the real app, and draws what the app sends back', async () => {
    await start({ reset: true });
    await api('command', {
      user: SAM,
      channel: `D${SAM.slice(1)}`,
      text: '/pull @maya Can we bring the beta forward?',
    });
    const managerDm = await eventually(async () => {
      const dm = dmOf(await state(), MANAGER.id);
      const pull = dm?.messages.find((m) => m.text.includes('Can we bring the beta forward?'));
      expect(pull?.blocks?.length).toBeGreaterThan(0);
      return pull;
    });
    // The requester's confirmation is theirs alone, in the conversation they typed in.
    const s = await state();
    expect(s.ephemerals.some((e) => e.user === SAM && e.channel === `D${SAM.slice(1)}`)).toBe(true);
    expect(s.ephemerals.some((e) => e.user === MANAGER.id)).toBe(false);
    expect(s.errors).toEqual([]);
    expect(managerDm?.ts).toBeTruthy();
  });

  it('shows a message Slack would refuse as an error on the page, not a silent drop', async () => {
    const p = await start({ reset: true });
    const res = await fetch(`${p.workspace.fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: MANAGER.id, text: 'x', blocks: [{ type: 'section' }] }),
    });
    expect(((await res.json()) as { error: string }).error).toBe('invalid_blocks');
    const s = await state();
    expect(s.errors.map((e) => e.method)).toContain('chat.postMessage');
    expect(s.errors.flatMap((e) => e.messages).join(' ')).toContain('needs text or fields');
  });

  it("sends this week's digest now with the same code as `pushpull digest send`", async () => {
    await start({ reset: true });
    const run = (await api('digest', {})) as { sent: number; skipped: number };
    // The scheduler may have sent it already on start (the week's digest was due): either way exactly one.
    expect(run.sent + run.skipped).toBeGreaterThanOrEqual(1);
    const dm = dmOf(await state(), MANAGER.id);
    expect(dm?.messages.filter((m) => m.text.toLowerCase().includes('week')).length).toBe(1);
  });

  it('keeps its team and conversations across a restart, and --reset starts from the seed again', async () => {
    const first = await start({ reset: true });
    await api('say', { user: SAM, channel: SALES.id, text: 'Kept across restarts' });
    await stopNow(first);
    expect(existsSync(databasePath)).toBe(true);
    const again = await start();
    expect(again.seeded).toBe(false);
    const kept = (await state()).conversations.find((c) => c.id === SALES.id);
    expect(kept?.messages.some((m) => m.text === 'Kept across restarts')).toBe(true);
    await stopNow(again);
    const fresh = await start({ reset: true });
    expect(fresh.seeded).toBe(true);
    const reset = (await state()).conversations.find((c) => c.id === SALES.id);
    expect(reset?.messages.some((m) => m.text === 'Kept across restarts')).toBe(false);
  });
});

describe('a port already taken', () => {
  it('is one line saying which port and how to pick another', async () => {
    const first = await start({ reset: true });
    const port = Number(new URL(first.url).port);
    const error = await startPlayground({ databasePath: join(dir, 'other.db'), port, write: () => {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toBe(
      `port ${port} is in use: pick another with --port, such as --port ${port + 1}`,
    );
  });
});

describe('slackForm', () => {
  it('escapes what was typed and turns @first-name and #channel into the markup Slack sends', () => {
    expect(slackForm('@maya Q&A on <the draft> in #sales, cc @nobody')).toBe(
      '<@UMAYA01|maya> Q&amp;A on &lt;the draft&gt; in <#C0SALES01|sales>, cc @nobody',
    );
  });
});

describe('pushpull playground', () => {
  it('takes --reset and --port, and refuses a port that is not a number', () => {
    expect(parseCommandLine(['playground', '--reset', '--port', '4000'])).toMatchObject({
      kind: 'run',
      command: 'playground',
      options: { reset: true, port: '4000' },
    });
    expect(parseCommandLine(['playground', '--port', 'many'])).toMatchObject({ kind: 'refuse' });
  });
});
