// Statements are prepared once per connection, and a cached one never carries a caller's mode to the next.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cachingStatements, STATEMENTS_KEPT } from '../../src/db/client.js';

function database() {
  const sqlite = cachingStatements(new Database(':memory:'));
  sqlite.exec(
    "create table t (id integer primary key, name text); insert into t values (1, 'one'), (2, 'two')",
  );
  return sqlite;
}

describe('cachingStatements', () => {
  it('prepares each SQL text once', () => {
    const sqlite = database();
    const first = sqlite.prepare('select name from t where id = ?');
    expect(sqlite.prepare('select name from t where id = ?')).toBe(first);
    expect(sqlite.prepare('select id from t where id = ?')).not.toBe(first);
  });

  it('hands a cached statement back in its default mode, whatever the last caller set', () => {
    const sqlite = database();
    const sql = 'select id, name from t where id = ?';
    expect(sqlite.prepare(sql).raw(true).get(1)).toEqual([1, 'one']);
    expect(sqlite.prepare(sql).get(1)).toEqual({ id: 1, name: 'one' });
    expect(sqlite.prepare(sql).pluck(true).get(2)).toBe(2);
    expect(sqlite.prepare(sql).get(2)).toEqual({ id: 2, name: 'two' });
    expect(sqlite.prepare(sql).expand(true).get(1)).toEqual({ t: { id: 1, name: 'one' } });
    expect(sqlite.prepare(sql).all(1)).toEqual([{ id: 1, name: 'one' }]);
    // Statements that return nothing have no modes to reset, and run as before.
    expect(sqlite.prepare("insert into t (name) values ('three')").run().changes).toBe(1);
    expect(sqlite.prepare("insert into t (name) values ('three')").run().changes).toBe(1);
  });

  it('keeps at most STATEMENTS_KEPT statements', () => {
    const sqlite = database();
    const first = sqlite.prepare('select 0');
    for (let i = 1; i <= STATEMENTS_KEPT; i += 1) sqlite.prepare(`select ${i}`);
    expect(sqlite.prepare('select 0')).not.toBe(first);
  });
});
