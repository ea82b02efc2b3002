// Each dialect's committed migrations are what drizzle-kit generates from its schema today: a schema change without
// its migration (or a migration edited by hand) fails here, instead of at an operator's start.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'pushpull-migrations-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs drizzle-kit generate against a copy of `folder`, and returns the files it added to the copy. */
async function generatedBeyond(dialect: 'sqlite' | 'postgresql', schema: string, folder: string) {
  const out = join(scratch, folder);
  cpSync(join(ROOT, folder), out, { recursive: true });
  const config = join(scratch, `${folder}.config.ts`);
  // drizzle-kit reads `out` relative to the working directory, even when it is absolute.
  writeFileSync(config, `export default ${JSON.stringify({ dialect, schema, out: relative(ROOT, out) })};\n`);
  const before = new Set(readdirSync(out));
  const result = await new Promise<{ code: number; output: string }>((done) => {
    execFile(
      join(ROOT, 'node_modules/.bin/drizzle-kit'),
      ['generate', '--config', config],
      { cwd: ROOT, timeout: 60_000 },
      (error, stdout, stderr) => done({ code: error ? 1 : 0, output: stdout + stderr }),
    );
  });
  expect(result.code, result.output).toBe(0);
  return { added: readdirSync(out).filter((f) => !before.has(f)), output: result.output };
}

describe('committed migrations match the schemas', () => {
  it('SQLite: migrations/ is what src/db/schema.ts generates', { timeout: 90_000 }, async () => {
    const { added, output } = await generatedBeyond('sqlite', 'src/db/schema.ts', 'migrations');
    expect(added, output).toEqual([]);
    expect(output).toMatch(/No schema changes/);
  });

  it('PostgreSQL: migrations-pg/ is what src/db/schema-pg.ts generates', { timeout: 90_000 }, async () => {
    const { added, output } = await generatedBeyond('postgresql', 'src/db/schema-pg.ts', 'migrations-pg');
    expect(added, output).toEqual([]);
    expect(output).toMatch(/No schema changes/);
  });
});
