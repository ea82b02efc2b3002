// The `pushpull` command: start, migrate, backup, digest, forget. Arguments are parsed strictly: an unknown flag
// or an extra argument is refused with the command's usage, never ignored.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, databaseFromUrl } from './config.js';
import { backupDatabase, DatabaseError, type SqliteStore } from './db/client.js';
import { type CopiedTable, CopyError, copySqliteToPostgres } from './db/copy.js';
import { applyPostgresMigrations, openPostgres, postgresProblem, redacted } from './db/postgres.js';
import { MAX_ATTEMPTS } from './domain/digest-claims.js';
import { forgetPerson } from './domain/forget.js';
import { DATASET_NAMES, type DatasetName } from './export/datasets.js';
import { type ExportFormat, FORMATS } from './export/formats.js';
import { exportDataset } from './export/index.js';
import { start } from './index.js';
import { boltLogger } from './logger.js';
import { startPlayground } from './playground/server.js';
import {
  configFromEnvironment,
  loggerFor,
  openMigrated,
  readEnvironment,
  StartupError,
  VERSION,
} from './runtime.js';
import { type DigestRun, digestContentFor, sendDigests } from './scheduler/digest.js';
import { fanOutClient } from './scheduler/pace.js';
import { digestPreview } from './slack/blocks/digest.js';

type Options = Record<string, { type: 'string' | 'boolean'; short?: string }>;

interface CommandSpec {
  /** How the command is typed, with its arguments. */
  usage: string;
  summary: string;
  options: Options;
  /** Names of the positional arguments it takes, in order; all are required. */
  positionals: string[];
}

const USER_ID = /^[UW][A-Z0-9]{2,}$/;

export const COMMANDS: Record<string, CommandSpec> = {
  start: {
    usage: 'start',
    summary: 'run the bot (applies pending migrations first)',
    options: {},
    positionals: [],
  },
  migrate: {
    usage: 'migrate',
    summary: 'apply pending database migrations and exit',
    options: {},
    positionals: [],
  },
  backup: {
    usage: 'backup <file>',
    summary: 'write a consistent copy of the live database to <file>',
    options: {},
    positionals: ['file'],
  },
  'digest send': {
    usage: 'digest send',
    summary: "send this week's digest now to every manager who has not had it",
    options: {},
    positionals: [],
  },
  'digest preview': {
    usage: 'digest preview --manager U…',
    summary: "print a manager's digest as text; sends nothing",
    options: { manager: { type: 'string' } },
    positionals: [],
  },
  playground: {
    usage: 'playground [--reset] [--port N]',
    summary: 'try Pushpull in your browser, no Slack needed (--host A to listen beyond loopback)',
    options: { reset: { type: 'boolean' }, port: { type: 'string' }, host: { type: 'string' } },
    positionals: [],
  },
  forget: {
    usage: 'forget U…',
    summary: 'erase what Pushpull keeps about a person (on their request)',
    options: {},
    positionals: ['user'],
  },
  copy: {
    usage: 'copy --to postgres://…',
    summary: 'copy the SQLite database into an empty PostgreSQL one, in one transaction, verified',
    options: { to: { type: 'string' } },
    positionals: [],
  },
  export: {
    usage: `export <${DATASET_NAMES.join('|')}> [--since YYYY-MM-DD] [--format csv|json]`,
    summary: 'write one dataset to standard output: CSV with a header row (default) or JSON lines',
    options: { since: { type: 'string' }, format: { type: 'string' } },
    positionals: ['dataset'],
  },
};

export const USAGE = `Usage: pushpull <command> [--help]

${Object.values(COMMANDS)
  .map((c) =>
    c.usage.length < 31
      ? `  ${c.usage.padEnd(31)}${c.summary}`
      : `  ${c.usage}\n  ${''.padEnd(31)}${c.summary}`,
  )
  .join('\n')}
  help [command]                 this message, or one command's
  --version, -v                  print the version
`;

function usageOf(name: string): string {
  const spec = COMMANDS[name];
  return spec ? `Usage: pushpull ${spec.usage}\n  ${spec.summary}\n` : USAGE;
}

export type CommandLine =
  | { kind: 'run'; command: string; options: Record<string, string | boolean | undefined>; args: string[] }
  | { kind: 'print'; text: string }
  | { kind: 'refuse'; text: string };

/** What the arguments ask for. Pure: runs nothing, reads no environment. */
export function parseCommandLine(argv: string[]): CommandLine {
  const [first, ...rest] = argv;
  if (first === undefined) return { kind: 'refuse', text: USAGE };
  if (first === '--version' || first === '-v' || first === 'version') {
    return rest.length === 0
      ? { kind: 'print', text: `pushpull ${VERSION}\n` }
      : { kind: 'refuse', text: `pushpull: --version takes no arguments\n\n${USAGE}` };
  }
  if (first === 'help' || first === '--help' || first === '-h') {
    const topic = rest.join(' ');
    if (topic === '') return { kind: 'print', text: USAGE };
    if (COMMANDS[topic] || topic === 'digest') {
      return { kind: 'print', text: topic === 'digest' ? digestUsage() : usageOf(topic) };
    }
    return { kind: 'refuse', text: `pushpull: no command called '${topic}'\n\n${USAGE}` };
  }
  let name = first;
  let args = rest;
  if (first === 'digest') {
    const [verb, ...more] = rest;
    if (verb === '--help' || verb === '-h') return { kind: 'print', text: digestUsage() };
    if (verb !== 'send' && verb !== 'preview') {
      return {
        kind: 'refuse',
        text: `pushpull digest: ${verb === undefined ? 'say send or preview' : `unknown verb '${verb}'`}\n\n${digestUsage()}`,
      };
    }
    name = `digest ${verb}`;
    args = more;
  }
  const spec = COMMANDS[name];
  if (!spec) return { kind: 'refuse', text: `pushpull: unknown command '${first}'\n\n${USAGE}` };
  const refuse = (problem: string): CommandLine => ({
    kind: 'refuse',
    text: `pushpull ${name}: ${problem}\n\n${usageOf(name)}`,
  });
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      options: { ...spec.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const option = /'([^']+)'/.exec((error as Error).message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return refuse(`unknown option '${option}'`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
      return refuse(`option '${option.split(' ')[0]}' needs a value`);
    return refuse((error as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  if (parsed.values.help) return { kind: 'print', text: usageOf(name) };
  const extra = parsed.positionals.slice(spec.positionals.length);
  if (extra.length > 0) return refuse(`unexpected argument '${extra[0]}'`);
  const missing = spec.positionals.slice(parsed.positionals.length);
  if (missing.length > 0) return refuse(`missing <${missing[0]}>`);
  const options = Object.fromEntries(
    Object.entries(parsed.values).filter(([key]) => key !== 'help'),
  ) as Record<string, string | boolean | undefined>;
  if (name === 'digest preview') {
    const manager = options.manager;
    if (typeof manager !== 'string' || !USER_ID.test(manager)) {
      return refuse('--manager needs a Slack user id, such as U012ABCDEF');
    }
  }
  if (name === 'playground' && options.port !== undefined && !/^\d{1,5}$/.test(String(options.port))) {
    return refuse('--port needs a port number, such as 3000');
  }
  if (name === 'forget' && !USER_ID.test(parsed.positionals[0] ?? '')) {
    return refuse('give the Slack user id, such as U012ABCDEF');
  }
  if (name === 'copy') {
    const to = databaseFromUrl(typeof options.to === 'string' ? options.to : '');
    // The value is never repeated: a database URL may carry a password.
    if (!to.ok || to.database.dialect !== 'postgres')
      return refuse('--to needs a PostgreSQL URL, such as postgres://user@host:5432/pushpull');
  }
  if (name === 'export') {
    const problem = exportProblem(parsed.positionals[0] ?? '', options);
    if (problem) return refuse(problem);
  }
  return { kind: 'run', command: name, options, args: parsed.positionals };
}

/** What is wrong with an export's arguments, in one line, or undefined when they are right. */
function exportProblem(
  dataset: string,
  options: Record<string, string | boolean | undefined>,
): string | undefined {
  if (!DATASET_NAMES.some((d) => d === dataset))
    return `no dataset called '${dataset}'; choose ${DATASET_NAMES.join(', ')}`;
  const { since, format } = options;
  if (since !== undefined && !isCalendarDate(String(since)))
    return `--since needs a date as YYYY-MM-DD, such as 2026-01-01 (got '${since}')`;
  if (format !== undefined && !Object.hasOwn(FORMATS, String(format)))
    return `--format is csv or json (got '${format}')`;
  return undefined;
}

/** `YYYY-MM-DD` naming a day that exists (no February 30th). */
function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(text);
}

/** Why `backup` refuses a PostgreSQL DATABASE_URL, and what to run instead. */
export const PG_DUMP_ADVICE =
  'backup copies a SQLite file; for PostgreSQL use pg_dump: pg_dump --format=custom --file=pushpull.dump "$DATABASE_URL"';

function digestUsage(): string {
  return `Usage: pushpull digest send | pushpull digest preview --manager U…\n  ${COMMANDS['digest send']?.summary}\n  preview: ${COMMANDS['digest preview']?.summary}\n`;
}

async function run(command: string, options: Record<string, string | boolean | undefined>, args: string[]) {
  switch (command) {
    case 'start':
      await start();
      return -1;
    case 'migrate': {
      const config = configFromEnvironment();
      const store = await openMigrated(config, loggerFor(config));
      await store.close();
      process.stdout.write(`Database is up to date: ${store.where}\n`);
      return 0;
    }
    case 'backup': {
      const file = args[0] ?? '';
      const config = configFromEnvironment();
      // Refused before connecting: a PostgreSQL server has its own consistent copy, taken with its own tool.
      if (config.database.dialect !== 'sqlite') throw new StartupError(PG_DUMP_ADVICE);
      const store = await openMigrated(config, loggerFor(config));
      try {
        if (store.dialect !== 'sqlite') throw new StartupError(PG_DUMP_ADVICE);
        await backupDatabase(store as SqliteStore, file);
      } finally {
        await store.close();
      }
      process.stdout.write(`Backed up ${store.where} to ${resolve(file)}\n`);
      return 0;
    }
    case 'digest send':
    case 'digest preview':
      return digest(command === 'digest preview' ? String(options.manager) : undefined);
    case 'forget':
      return forget(args[0] ?? '');
    case 'copy':
      return copyTo(String(options.to));
    case 'export':
      return exportTo(
        args[0] as DatasetName,
        (options.format ?? 'csv') as ExportFormat,
        options.since as string | undefined,
      );
    case 'playground':
      await playground(options);
      return -1;
    default:
      throw new Error(`no runner for ${command}`);
  }
}

async function digest(previewFor: string | undefined): Promise<number> {
  const config = configFromEnvironment();
  const logger = loggerFor(config);
  const store = await openMigrated(config, logger);
  try {
    const deps = { db: store.db, config, logger, clock: Date.now };
    if (previewFor) {
      const now = Date.now();
      process.stdout.write(`${digestPreview(await digestContentFor(deps, previewFor, now), now)}\n`);
      return 0;
    }
    const client = fanOutClient(
      config.slack.botToken,
      config.slack.apiUrl,
      boltLogger(logger, config.logLevel),
    );
    const result = await sendDigests({ deps, client }, { force: true });
    process.stdout.write(digestReport(result));
    return result.failed + result.gaveUp + result.unknown > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}

async function playground(options: Record<string, string | boolean | undefined>): Promise<void> {
  const env = readEnvironment();
  const host = typeof options.host === 'string' ? options.host : '127.0.0.1';
  const running = await startPlayground({
    reset: options.reset === true,
    port: options.port === undefined ? 3000 : Number(options.port),
    host,
    env,
  });
  process.stdout.write(
    `Pushpull playground: ${running.url}\n${running.seeded ? 'Seeded a small team in ./data/playground.db. ' : ''}The real app runs against a local stand-in for Slack; nothing leaves this machine. Ctrl-C stops it.\n`,
  );
  const stop = () => void running.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function forget(userId: string): Promise<number> {
  const config = configFromEnvironment();
  const store = await openMigrated(config, loggerFor(config));
  try {
    const gone = await forgetPerson(store.db, userId);
    process.stdout.write(
      `Forgot ${userId}: profile ${gone.member ? 'deleted' : 'not found'}, ${gone.pulls} pulls, ${gone.pushes} pushes, ${gone.pushUpdates} push updates, ${gone.recognitions} recognitions, ${gone.agreements} agreements.\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

/** `copy --to`: the configured SQLite database into the PostgreSQL database at `url`, migrated first. */
async function copyTo(url: string): Promise<number> {
  const config = configFromEnvironment();
  const target = redacted(url);
  if (config.database.dialect !== 'sqlite')
    throw new StartupError(
      `copy reads the SQLite database named by DATABASE_URL, which is PostgreSQL (${redacted(config.database.url)}): set DATABASE_URL to the SQLite file to copy from`,
    );
  if (!existsSync(resolve(config.database.path)))
    throw new StartupError(
      `there is no SQLite database at ${resolve(config.database.path)}: set DATABASE_URL to the file to copy from`,
    );
  const source = await openMigrated(config, loggerFor(config));
  try {
    await applyPostgresMigrations(url);
    const store = openPostgres(url, { poolSize: 1 });
    let copied: CopiedTable[];
    try {
      copied = await copySqliteToPostgres(source as SqliteStore, store);
    } catch (error) {
      if (error instanceof CopyError) throw error;
      throw postgresProblem(error, url);
    } finally {
      await store.close();
    }
    const width = Math.max(...copied.map((c) => c.table.length));
    const total = copied.reduce((sum, c) => sum + c.rows, 0);
    process.stdout.write(
      `${copied.map((c) => `  ${c.table.padEnd(width)}  ${c.rows}`).join('\n')}\nCopied ${total} rows in ${copied.length} tables from ${source.where} to ${target}; counts verified.\n`,
    );
    return 0;
  } finally {
    await source.close();
  }
}

async function exportTo(
  dataset: DatasetName,
  format: ExportFormat,
  since: string | undefined,
): Promise<number> {
  const config = configFromEnvironment();
  const store = await openMigrated(config, loggerFor(config));
  try {
    const text = await exportDataset(store.db, dataset, format, since);
    // Waited out, so a large export is all written before the database closes and the process exits.
    await new Promise<void>((done, failed) =>
      process.stdout.write(text, (error) => (error ? failed(error) : done())),
    );
    return 0;
  } finally {
    await store.close();
  }
}

/** What `digest send` did, including what it left and why: claims held elsewhere, unknown outcomes. */
function digestReport(r: DigestRun): string {
  const lines = [
    `Digests: ${r.sent} sent, ${r.skipped} skipped (already had this week's), ${r.empty} with nothing to say, ${r.failed} failed; ${r.rateLimited} rate-limit waits.`,
  ];
  if (r.retaken > 0) {
    lines.push(
      `${r.retaken} taken again from an earlier run that stopped mid-send or got no answer from Slack; ${r.found} of them had landed after all (found in the manager's DM) and were not sent again.`,
    );
  } else if (r.found > 0) lines.push(`${r.found} had landed after all (found in the manager's DM).`);
  if (r.busy > 0) {
    const until = r.busyUntil ? new Date(r.busyUntil).toISOString() : 'soon';
    lines.push(
      `${r.busy} being sent by another run (claimed until ${until}); if no Pushpull is running, the next run after that sends them.`,
    );
  }
  if (r.unknown > 0) {
    lines.push(
      `${r.unknown} outcome unknown: Slack took the post but never answered. Pushpull reads the manager's DM before sending again; if it cannot, it leaves them to you (the log names each manager).`,
    );
  }
  if (r.gaveUp > 0)
    lines.push(`${r.gaveUp} refused by Slack ${MAX_ATTEMPTS} times this week; the log has Slack's error.`);
  return `${lines.join('\n')}\n`;
}

/** One line (a short list for configuration) on stderr; a stack only at LOG_LEVEL=debug, for unexpected errors. */
function explain(error: unknown, command: string): string {
  const lead = command === 'start' ? 'Pushpull cannot start' : `pushpull ${command}`;
  if (error instanceof ConfigError) {
    return `${lead}: fix ${error.problems.length === 1 ? 'this setting' : 'these settings'} (environment or .env):\n${error.problems.map((p) => `  ${p}`).join('\n')}\n`;
  }
  if (error instanceof StartupError || error instanceof DatabaseError) return `${lead}: ${error.message}\n`;
  const message = error instanceof Error ? error.message : String(error);
  const stack = process.env.LOG_LEVEL === 'debug' && error instanceof Error ? `\n${error.stack}` : '';
  return `${lead}: ${message}${stack}\n`;
}

export async function main(argv: string[]): Promise<void> {
  const line = parseCommandLine(argv);
  if (line.kind !== 'run') {
    (line.kind === 'print' ? process.stdout : process.stderr).write(line.text);
    process.exitCode = line.kind === 'print' ? 0 : 2;
    return;
  }
  try {
    const code = await run(line.command, line.options, line.args);
    if (code >= 0) process.exitCode = code;
  } catch (error) {
    process.stderr.write(explain(error, line.command));
    // A half-started bot may hold sockets or timers open: leave now.
    process.exit(1);
  }
}

/** True when this file is the program (`pushpull`, `node dist/cli.js`, `tsx src/cli.ts`), not imported by a test. */
function isProgram(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  const here = fileURLToPath(import.meta.url);
  const bin = resolve(dirname(here), '..', 'bin', 'pushpull.js');
  try {
    const real = realpathSync(entry);
    return real === here || real === bin;
  } catch {
    return false;
  }
}

if (isProgram()) void main(process.argv.slice(2));
