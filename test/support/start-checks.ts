// For tests of how Pushpull starts and refuses to: throwaway folders, fakes and ports undone after each test, and
// the check that a failed start says one line.
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { expect } from 'vitest';
import { FakeSlack } from './fake-slack.js';
import { tempDir } from './harness.js';

/** Undone after each test, last first: a test file runs `afterEach(undoAll)`. */
export const cleanups: (() => Promise<void> | void)[] = [];

export async function undoAll(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}

export async function fakeSlack(): Promise<FakeSlack> {
  const fake = await new FakeSlack().start();
  cleanups.push(() => fake.stop());
  return fake;
}

export function scratch(): string {
  const dir = tempDir();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The one line a failed start must print: exactly one line, exit 1, no stack trace. */
export function expectOneLine(out: { code: number | null; stderr: string }): string {
  expect(out.code, out.stderr).toBe(1);
  expect(out.stderr).not.toContain('    at ');
  const lines = out.stderr.trimEnd().split('\n');
  expect(lines, out.stderr).toHaveLength(1);
  return lines[0] ?? '';
}

/** A port something else listens on until the test ends. */
export async function portInUse(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((done) => server.listen(0, done));
  cleanups.push(() => new Promise<void>((done) => server.close(() => done())));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}
