// Once per run, before any worker: what the PostgreSQL test stores need (test/support/test-stores.ts).
// PGlite: one migrated database, dumped to a file that each worker loads (making one takes seconds; loading it, one).
// A server: a prefix for this run's databases, and dropping them all when the run ends.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { psql, SHARED_SERVER_URL } from './pg-cluster.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const kind = project.config.env?.PUSHPULL_TEST_STORE ?? process.env.PUSHPULL_TEST_STORE;
  if (kind === 'pglite') {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    const { PG_MIGRATIONS_FOLDER } = await import('../../src/db/postgres.js');
    const client = await PGlite.create();
    await migrate(drizzle(client), { migrationsFolder: PG_MIGRATIONS_FOLDER });
    const dump = await client.dumpDataDir('none');
    await client.close();
    const dir = mkdtempSync(join(tmpdir(), 'pushpull-pglite-'));
    const file = join(dir, 'template.tar');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    project.provide('pgliteTemplate', file);
    return async () => rmSync(dir, { recursive: true, force: true });
  }
  if (kind === 'postgres') {
    const prefix = `pushpull_t_${randomBytes(4).toString('hex')}`;
    project.provide('postgresPrefix', prefix);
    return async () => {
      const listed = await psql(
        SHARED_SERVER_URL,
        `select datname from pg_database where datname like '${prefix}\\_%'`,
      );
      for (const name of listed.stdout.split('\n').filter(Boolean)) {
        await psql(SHARED_SERVER_URL, `drop database if exists ${name} with (force)`);
      }
    };
  }
  return async () => undefined;
}
