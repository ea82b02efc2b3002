// Load: nothing acknowledged is ever lost, on whichever database the suite runs. (A process killed mid-load,
// backups and upgrades of a SQLite file: test/sqlite/durability.test.ts.)
import { afterEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { eventually, type Harness, startHarness } from '../support/harness.js';

describe('load', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('acknowledges 200 concurrent /pull requests and loses none', async () => {
    h = await startHarness();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        h.slack.command(
          '/pull',
          `<@UMGR${String(i % 20).padStart(4, '0')}> load ${i}`,
          `UREQ${String(i).padStart(4, '0')}`,
        ),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(200).fill(200));
    for (const r of results) expect(JSON.stringify(r.body)).toContain('Pulled in');
    const { pulls } = tables(h.store.db);
    const needs = new Set((await h.store.db.select().from(pulls)).map((p) => p.need));
    for (let i = 0; i < 200; i++) expect(needs.has(`load ${i}`)).toBe(true);
    await eventually(() => expect(h.fake.callsTo('chat.postMessage')).toHaveLength(200), 15_000);
  });
});
