// The PostgreSQL test support itself: a cluster of the test's own can be stopped (and is then refused) and started
// again with its data, and a database on the shared server is created for one test and dropped after it.
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  type PgCluster,
  psql,
  SHARED_SERVER_URL,
  startPgCluster,
} from '../support/pg-cluster.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Whether anything accepts a TCP connection on the port now. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('a throwaway PostgreSQL cluster', () => {
  it('serves, refuses connections once stopped, and comes back with its data', async () => {
    const cluster: PgCluster = await startPgCluster();
    cleanups.push(() => cluster.remove());
    expect(cluster.port).not.toBe(5432);

    const made = await psql(cluster.url(), 'create table t (x bigint); insert into t values (1732468800000)');
    expect(made.code, made.stderr).toBe(0);

    await cluster.stop();
    expect(await accepts(cluster.port)).toBe(false);
    const refused = await psql(cluster.url(), 'select 1');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/connection refused|could not connect/i);

    await cluster.start();
    expect(await accepts(cluster.port)).toBe(true);
    const read = await psql(cluster.url(), 'select x from t');
    expect(read).toMatchObject({ code: 0, stdout: '1732468800000\n' });

    // A crash, not a clean stop: the next start recovers the committed row.
    await cluster.stop('immediate');
    await cluster.start();
    expect((await psql(cluster.url(), 'select count(*) from t')).stdout).toBe('1\n');

    await cluster.remove();
    expect(existsSync(cluster.dataDir)).toBe(false);
    expect(await accepts(cluster.port)).toBe(false);
  });
});

describe('a database of its own on the shared server', () => {
  it('is created empty under a unique name, and dropped', async () => {
    const first = await createTestDatabase();
    const second = await createTestDatabase();
    cleanups.push(first.drop, second.drop);
    expect(first.name).not.toBe(second.name);

    const here = await psql(
      first.url,
      'select current_database(), count(*) from pg_tables where schemaname = $$public$$',
    );
    expect(here).toMatchObject({ code: 0, stdout: `${first.name}|0\n` });

    await first.drop();
    const listed = await psql(
      SHARED_SERVER_URL,
      `select count(*) from pg_database where datname = '${first.name}'`,
    );
    expect(listed).toMatchObject({ code: 0, stdout: '0\n' });
    // The shared server itself is untouched and still answers.
    expect((await psql(SHARED_SERVER_URL, 'select 1')).stdout).toBe('1\n');
  });
});
