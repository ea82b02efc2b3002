// Another process holding the database's write lock: Pushpull keeps serving, tells the person to try again in a
// moment instead of missing Slack's deadline, and carries on as soon as the lock is released.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { eventually, type Harness, startHarness } from '../support/harness.js';

const REQ = 'UREQ0001';
const MGR = 'UMGR0001';
const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

let h: Harness;
let holder: ChildProcess | undefined;

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  holder?.kill('SIGKILL');
  holder = undefined;
  await h.stop();
});

const allPulls = async () => {
  const { pulls } = tables(h.store.db);
  return h.store.db.select().from(pulls).orderBy(pulls.id);
};

/** A second process that takes the write lock (BEGIN EXCLUSIVE) and holds it until told to let go. */
/**
 * Another process with the database open, ready to take its write lock when told: starting a process takes far
 * longer than taking a lock, so a test that must lock at a precise moment starts the holder first.
 */
async function lockHolder(file: string): Promise<{ take: () => Promise<{ release: () => Promise<void> }> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(file)});
    process.stdout.write('ready\\n');
    process.stdin.once('data', () => {
      db.exec('BEGIN EXCLUSIVE');
      process.stdout.write('locked\\n');
      process.stdin.once('data', () => { db.exec('ROLLBACK'); db.close(); process.exit(0); });
    });
  `;
  const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  holder = child;
  const said = (word: string) =>
    new Promise<void>((heard, failed) => {
      const listen = (d: Buffer) => {
        if (!d.toString().includes(word)) return;
        child.stdout?.off('data', listen);
        heard();
      };
      child.stdout?.on('data', listen);
      child.once('exit', (code) => failed(new Error(`the lock holder exited early (${code})`)));
    });
  await said('ready');
  return {
    take: async () => {
      const locked = said('locked');
      child.stdin?.write('lock\n');
      await locked;
      return {
        release: async () => {
          child.stdin?.write('go\n');
          await once(child, 'exit');
          holder = undefined;
        },
      };
    },
  };
}

async function holdWriteLock(file: string): Promise<{ release: () => Promise<void> }> {
  return (await lockHolder(file)).take();
}

describe('a database another process is writing', () => {
  it('answers /pull with "busy, try again" while the lock is held, keeps /healthz answering, and works after', async () => {
    const lock = await holdWriteLock(h.sqlite().path);

    const order: string[] = [];
    const pulling = h.slack.command('/pull', `<@${MGR}|maria> can we ship on Friday?`, REQ).then((r) => {
      order.push('pull');
      return r;
    });
    // Once the /pull is waiting for the lock, ask for health.
    await eventually(() => expect(h.app.inflight.size).toBe(1));
    const checking = fetch(`${h.slack.appUrl}/healthz`).then((r) => {
      order.push('health');
      return r;
    });
    const [pull, health] = await Promise.all([pulling, checking]);
    // The waiting /pull did not hold the process: /healthz, asked later but giving up sooner, was answered
    // first. (With one long synchronous wait for the lock, nothing else is served until the /pull gives up.)
    expect(order).toEqual(['health', 'pull']);
    // Pushpull answered, within Slack's deadline, and said what happened: nothing was kept.
    expect(pull.status).toBe(200);
    expect(JSON.stringify(pull.body)).toContain('busy');
    expect(JSON.stringify(pull.body)).toContain('nothing was sent');
    // Health did not hang behind the lock: it answered, and said the database cannot take a write now.
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ ok: false, database: 'busy' });
    await h.app.inflight.drained();
    expect(await allPulls()).toHaveLength(0);
    expect(h.fake.callsTo('chat.postMessage', (a) => a.channel === MGR)).toHaveLength(0);

    await lock.release();
    const again = await h.slack.command('/pull', `<@${MGR}|maria> can we ship on Friday?`, REQ);
    expect(JSON.stringify(again.body)).toContain('Pulled in');
    await h.fake.waitFor('chat.postMessage', (a) => a.channel === MGR);
    expect((await fetch(`${h.slack.appUrl}/healthz`)).status).toBe(200);
  });

  it('waits out a short lock instead of refusing: the pull is kept', async () => {
    const lock = await holdWriteLock(h.sqlite().path);
    const sent = h.slack.command('/pull', `<@${MGR}|maria> short lock`, REQ);
    // Let go while the request is waiting for the lock (it retries for up to a second and a half).
    await eventually(() => expect(h.app.inflight.size).toBe(1));
    await lock.release();
    const res = await sent;
    expect(JSON.stringify(res.body)).toContain('Pulled in');
    expect(await allPulls()).toHaveLength(1);
  });

  it("finds the manager's DM again when its place could not be saved, and updates it in place", async () => {
    // The DM is posted slowly; while Slack takes its time another process takes the lock and keeps it until
    // saving the DM's place has given up.
    const holder = await lockHolder(h.sqlite().path);
    h.fake.failNext('chat.postMessage', { kind: 'slow', ms: 500 });
    const sent = h.slack.command('/pull', `<@${MGR}|maria> lock while posting`, REQ);
    await eventually(() => expect(h.fake.inFlight).toBe(1));
    const lock = await holder.take();
    await sent;
    await eventually(
      () => expect(h.logs.join('\n')).toContain("could not save where the manager's DM is"),
      10_000,
    );
    await lock.release();
    const dm = await h.fake.waitFor('chat.postMessage', (a) => a.channel === MGR);
    const pull = (await allPulls())[0];
    expect(pull?.managerTs).toBeNull();

    await h.slack.action(MGR, 'pull_acknowledge', String(pull?.id), { channel: `D${MGR.slice(1)}` });
    const update = await h.fake.waitFor('chat.update');
    const posted = h.fake.history.get(`D${MGR.slice(1)}`)?.at(-1);
    expect(update.args.ts).toBe(posted?.ts);
    expect(h.fake.callsTo('chat.postMessage', (a) => a.channel === MGR)).toEqual([dm]);
  });
});
