import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS, parseCommandLine, USAGE } from '../../src/cli.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

describe('parseCommandLine', () => {
  it('runs each verb with exactly its arguments', () => {
    expect(parseCommandLine(['start'])).toEqual({ kind: 'run', command: 'start', options: {}, args: [] });
    expect(parseCommandLine(['migrate'])).toMatchObject({ kind: 'run', command: 'migrate' });
    expect(parseCommandLine(['backup', '/b/x.db'])).toMatchObject({
      kind: 'run',
      command: 'backup',
      args: ['/b/x.db'],
    });
    expect(parseCommandLine(['digest', 'send'])).toMatchObject({ kind: 'run', command: 'digest send' });
    expect(parseCommandLine(['digest', 'preview', '--manager', 'U012ABCDEF'])).toMatchObject({
      kind: 'run',
      command: 'digest preview',
      options: { manager: 'U012ABCDEF' },
    });
    expect(parseCommandLine(['digest', 'preview', '--manager=W012ABCDEF'])).toMatchObject({
      options: { manager: 'W012ABCDEF' },
    });
    expect(parseCommandLine(['forget', 'U012ABCDEF'])).toMatchObject({ kind: 'run', args: ['U012ABCDEF'] });
    expect(
      parseCommandLine(['export', 'decisions', '--since', '2024-02-29', '--format', 'json']),
    ).toMatchObject({
      kind: 'run',
      command: 'export',
      args: ['decisions'],
      options: { since: '2024-02-29', format: 'json' },
    });
    // A file name that looks like a flag can still be given after `--`.
    expect(parseCommandLine(['backup', '--', '--odd.db'])).toMatchObject({ kind: 'run', args: ['--odd.db'] });
  });

  it('refuses unknown flags and extra arguments with the usage of that command', () => {
    const refusals: [string[], string][] = [
      [['digest', 'send', '--manager', 'U012ABCDEF'], "pushpull digest send: unknown option '--manager'"],
      [['migrate', '--dry-run'], "pushpull migrate: unknown option '--dry-run'"],
      [['start', '--port', '80'], "pushpull start: unknown option '--port'"],
      [['start', 'now'], "pushpull start: unexpected argument 'now'"],
      [['backup'], 'pushpull backup: missing <file>'],
      [['backup', 'a.db', 'b.db'], "pushpull backup: unexpected argument 'b.db'"],
      [['forget', 'U012ABCDEF', 'U0OTHER'], "pushpull forget: unexpected argument 'U0OTHER'"],
      [['forget', 'bob'], 'pushpull forget: give the Slack user id'],
      [['digest', 'preview'], 'pushpull digest preview: --manager needs a Slack user id'],
      [['digest', 'preview', '--manager'], "pushpull digest preview: option '--manager' needs a value"],
      [['digest', 'preview', '--manager', 'bob'], 'pushpull digest preview: --manager needs a Slack user id'],
      [['digest'], 'pushpull digest: say send or preview'],
      [['digest', 'now'], "pushpull digest: unknown verb 'now'"],
      [['deploy'], "pushpull: unknown command 'deploy'"],
      [['--version', 'extra'], 'pushpull: --version takes no arguments'],
      [['export'], 'pushpull export: missing <dataset>'],
      [['export', 'members'], "pushpull export: no dataset called 'members'"],
      [['export', 'pulls', '--since', 'yesterday'], 'pushpull export: --since needs a date as YYYY-MM-DD'],
      [['export', 'pulls', '--since', '2026-13-01'], 'pushpull export: --since needs a date as YYYY-MM-DD'],
      [['export', 'pulls', '--since', '2025-02-29'], 'pushpull export: --since needs a date as YYYY-MM-DD'],
      [['export', 'pulls', '--format', 'xlsx'], "pushpull export: --format is csv or json (got 'xlsx')"],
      [['export', 'pulls', '--format'], "pushpull export: option '--format' needs a value"],
      [['export', 'pulls', 'pushes'], "pushpull export: unexpected argument 'pushes'"],
      [['export', 'pulls', '--user', 'U1'], "pushpull export: unknown option '--user'"],
    ];
    for (const [argv, problem] of refusals) {
      const line = parseCommandLine(argv);
      expect(line.kind, argv.join(' ')).toBe('refuse');
      expect(
        line.kind === 'refuse' && line.text.startsWith(problem),
        `${argv.join(' ')} → ${JSON.stringify(line)}`,
      ).toBe(true);
      expect(line.kind === 'refuse' && line.text.includes('Usage: pushpull'), argv.join(' ')).toBe(true);
    }
    expect(parseCommandLine([])).toEqual({ kind: 'refuse', text: USAGE });
  });

  it('--help on any command prints its usage instead of running it', () => {
    expect(parseCommandLine(['start', '--help'])).toEqual({
      kind: 'print',
      text: 'Usage: pushpull start\n  run the bot (applies pending migrations first)\n',
    });
    expect(parseCommandLine(['migrate', '-h'])).toMatchObject({ kind: 'print' });
    expect(parseCommandLine(['digest', 'preview', '--help'])).toMatchObject({
      kind: 'print',
      text: expect.stringContaining('Usage: pushpull digest preview --manager U…'),
    });
    expect(parseCommandLine(['help', 'backup'])).toMatchObject({
      kind: 'print',
      text: expect.stringContaining('Usage: pushpull backup <file>'),
    });
    expect(parseCommandLine(['--help'])).toEqual({ kind: 'print', text: USAGE });
  });

  it('--version and -v print the version from package.json', () => {
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'print', text: `pushpull ${VERSION}\n` });
    expect(parseCommandLine(['-v'])).toEqual({ kind: 'print', text: `pushpull ${VERSION}\n` });
  });

  it('the usage lists every verb', () => {
    for (const spec of Object.values(COMMANDS)) expect(USAGE).toContain(spec.usage);
    expect(USAGE).toContain('--version');
  });
});
