// Which database errors mean "out of reach for now" (ask the person to try again in a moment) and which are bugs.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { isConnectionTrouble } from '../../src/db/postgres.js';
import { LockWaitError } from '../../src/db/store.js';
import { DATABASE_OUT_OF_REACH } from '../../src/slack/copy.js';
import { isDatabaseOutOfReach, saving } from '../../src/slack/listeners/saving.js';
import { BOT_TOKEN, capturingLogger, SIGNING_SECRET } from '../support/harness.js';

const coded = (code: string, message = 'failed') => Object.assign(new Error(message), { code });
/** Drizzle wraps the driver's error in its own, as `cause`. */
const wrapped = (cause: Error) => new Error('Failed query: select 1', { cause });

describe('isConnectionTrouble', () => {
  it.each([
    ['ECONNREFUSED', 'a server that is down'],
    ['ECONNRESET', 'a dropped connection'],
    ['08006', 'connection failure'],
    ['57P01', 'admin shutdown'],
    ['57P03', 'starting up'],
    ['53300', 'too many connections'],
    ['53000', 'insufficient resources'],
  ])('%s (%s), also inside Drizzle’s wrapping', (code) => {
    expect(isConnectionTrouble(coded(code))).toBe(true);
    expect(isConnectionTrouble(wrapped(coded(code)))).toBe(true);
  });

  it.each([
    'Connection terminated unexpectedly',
    'timeout exceeded when trying to connect',
    'Client has encountered a connection error and is not queryable',
    'Query read timeout',
  ])('node-postgres’s uncoded "%s"', (message) => {
    expect(isConnectionTrouble(wrapped(new Error(message)))).toBe(true);
  });

  it.each([
    ['23505', 'unique violation'],
    ['42P01', 'undefined table'],
    ['57014', 'statement timeout'],
    ['SQLITE_BUSY', 'SQLite’s own'],
  ])('not %s (%s)', (code) => {
    expect(isConnectionTrouble(wrapped(coded(code)))).toBe(false);
  });
});

describe('isDatabaseOutOfReach', () => {
  it('is connection trouble or a busy SQLite, not another SQLite error', () => {
    expect(isDatabaseOutOfReach(wrapped(coded('57P01')))).toBe(true);
    expect(isDatabaseOutOfReach(wrapped(coded('SQLITE_BUSY')))).toBe(true);
    expect(isDatabaseOutOfReach(wrapped(coded('SQLITE_LOCKED_SHAREDCACHE')))).toBe(true);
    expect(isDatabaseOutOfReach(wrapped(coded('SQLITE_FULL')))).toBe(false);
    expect(isDatabaseOutOfReach(new Error('a bug'))).toBe(false);
  });

  it('is a write refused after queueing LOCK_WAIT_MS for SQLite’s lock, also inside Drizzle’s wrapping', () => {
    expect(isDatabaseOutOfReach(new LockWaitError(10_000))).toBe(true);
    expect(isDatabaseOutOfReach(wrapped(new LockWaitError(10_000)))).toBe(true);
  });
});

describe('saving', () => {
  it('answers a write refused after the lock wait with "try again", and logs what to look for', async () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      DATABASE_URL: 'file:pushpull.db',
    });
    const { logger, logs } = capturingLogger(config);
    const deps = { db: undefined as never, config, logger, clock: () => 0, kept: { count: 0 } };
    const saved = await saving(deps, 'a new pull', { requesterId: 'UREQ1' }, () =>
      Promise.reject(wrapped(new LockWaitError(10_000))),
    );
    expect(saved).toEqual({ ok: false, message: DATABASE_OUT_OF_REACH });
    expect(deps.kept.count).toBe(0);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain('could not save a new pull');
    expect(logs[0]).toContain('PUSHPULL_LOCK_WAIT');
    expect(logs[0]).toContain('UREQ1');
  });
});
