// The SQLite session (src/db/client.ts): one connection shared by every request, transactions held across awaits.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations, openDatabase, type SqliteStore } from '../../src/db/client.js';
import { Lock, LockWaitError, tables, transaction } from '../../src/db/store.js';
import { tempDir } from '../support/harness.js';

let dir: string;
let store: SqliteStore;

beforeEach(() => {
  dir = tempDir();
  store = openDatabase(join(dir, 'pushpull.db'));
  applyMigrations(store);
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A promise the test settles when it chooses, to hold a transaction open across an await. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

const userIds = async () => {
  const { members } = tables(store.db);
  return (await store.db.select({ id: members.userId }).from(members).orderBy(members.userId)).map(
    (r) => r.id,
  );
};

describe('the SQLite session', () => {
  it('a write outside a transaction waits for an open one, so its rollback does not take the write with it', async () => {
    const { members } = tables(store.db);
    const held = gate();
    const failing = transaction(store.db, async (tx) => {
      await tx.insert(members).values({ userId: 'UINSIDE', updatedAt: 1 });
      await held.opened;
      throw new Error('refused late');
    });
    // The transaction has begun and holds the connection's write lock across its await.
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.sqlite.inTransaction).toBe(true);
    // Started now (a Drizzle query runs when it is awaited or `then`ed), while the transaction is open.
    const outside = store.db
      .insert(members)
      .values({ userId: 'UOUTSIDE', updatedAt: 1 })
      .then(() => 'written');
    await new Promise((resolve) => setImmediate(resolve));
    held.open();
    await expect(failing).rejects.toThrow('refused late');
    expect(await outside).toBe('written');
    expect(await userIds()).toEqual(['UOUTSIDE']);
  });

  it('a write that reads its row back (returning) waits too, and hands back the row', async () => {
    const { members } = tables(store.db);
    const held = gate();
    const open = transaction(store.db, async (tx) => {
      await tx.insert(members).values({ userId: 'UINSIDE', updatedAt: 1 });
      await held.opened;
    });
    await new Promise((resolve) => setImmediate(resolve));
    const returned = store.db
      .insert(members)
      .values({ userId: 'UOUTSIDE', updatedAt: 2 })
      .returning({ id: members.userId, at: members.updatedAt })
      .then((rows) => rows);
    await new Promise((resolve) => setImmediate(resolve));
    held.open();
    await open;
    expect(await returned).toEqual([{ id: 'UOUTSIDE', at: 2 }]);
    expect(await userIds()).toEqual(['UINSIDE', 'UOUTSIDE']);
  });

  it('transactions started together run one after the other, each whole', async () => {
    const { members } = tables(store.db);
    const order: string[] = [];
    const first = gate();
    const a = transaction(store.db, async (tx) => {
      order.push('a begins');
      await first.opened;
      await tx.insert(members).values({ userId: 'UA', updatedAt: 1 });
      order.push('a ends');
    });
    const b = transaction(store.db, async (tx) => {
      order.push('b begins');
      await tx.insert(members).values({ userId: 'UB', updatedAt: 1 });
      order.push('b ends');
    });
    await new Promise((resolve) => setImmediate(resolve));
    first.open();
    await Promise.all([a, b]);
    expect(order).toEqual(['a begins', 'a ends', 'b begins', 'b ends']);
    expect(await userIds()).toEqual(['UA', 'UB']);
  });

  it('a transaction begun on its handle joins it: the outer one commits or rolls back all of it', async () => {
    const { members } = tables(store.db);
    await expect(
      transaction(store.db, async (tx) => {
        await tx.insert(members).values({ userId: 'UOUTER', updatedAt: 1 });
        await transaction(tx, async (inner) => {
          await inner.insert(members).values({ userId: 'UINNER', updatedAt: 1 });
        });
        throw new Error('all of it rolls back');
      }),
    ).rejects.toThrow('all of it rolls back');
    expect(await userIds()).toEqual([]);
  });

  it('the outer handle used inside a transaction is refused after the lock wait, not waited on forever', async () => {
    await store.close();
    store = openDatabase(join(dir, 'pushpull.db'), { lockWaitMs: 200 });
    const { members } = tables(store.db);
    const started = Date.now();
    // By mistake, a write and a transaction on the outer handle: each would wait for the transaction it is in.
    await expect(
      transaction(store.db, async (tx) => {
        await tx.insert(members).values({ userId: 'UOUTER', updatedAt: 1 });
        await store.db.insert(members).values({ userId: 'UMISTAKE', updatedAt: 1 });
      }),
    ).rejects.toThrow(LockWaitError);
    await expect(
      transaction(store.db, async () => {
        await transaction(store.db, async (again) => {
          await again.insert(members).values({ userId: 'UAGAIN', updatedAt: 1 });
        });
      }),
    ).rejects.toThrow(/must use the handle it is given/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(store.sqlite.inTransaction).toBe(false);
    // Nothing of either was kept, and the lock is free again for everyone else.
    expect(await userIds()).toEqual([]);
    await store.db.insert(members).values({ userId: 'UAFTER', updatedAt: 1 });
    await transaction(store.db, async (tx) => {
      await tx.insert(members).values({ userId: 'ULATER', updatedAt: 1 });
    });
    expect(await userIds()).toEqual(['UAFTER', 'ULATER']);
  });

  it('work refused for waiting too long never runs, and the queue behind it keeps its order', async () => {
    const lock = new Lock(50);
    const held = gate();
    const order: string[] = [];
    const first = lock.run(async () => {
      order.push('first');
      await held.opened;
    });
    const refused = lock.run(() => order.push('refused'));
    await expect(refused).rejects.toThrow(LockWaitError);
    const next = lock.run(() => order.push('next'));
    held.open();
    await first;
    await next;
    expect(order).toEqual(['first', 'next']);
    expect(lock.busy).toBe(false);
  });
});
