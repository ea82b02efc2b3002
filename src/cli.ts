// The `pushpull` command: start, migrate, backup (and the digest and data verbs as they arrive).
import { resolve } from 'node:path';
import { backupDatabase } from './db/client.js';
import { MAX_ATTEMPTS } from './domain/digest-claims.js';
import { forgetPerson } from './domain/forget.js';
import { start } from './index.js';
import { boltLogger } from './logger.js';
import { configOrExit, loggerFor, openMigrated } from './runtime.js';
import { type DigestRun, digestContentFor, sendDigests } from './scheduler/digest.js';
import { fanOutClient } from './scheduler/pace.js';
import { digestPreview } from './slack/blocks/digest.js';

const USAGE = `Usage: pushpull <command>

  start                          run the bot (applies pending migrations first)
  migrate                        apply pending database migrations and exit
  backup <file>                  write a consistent copy of the live database to <file>
  digest send                    send this week's digest now to every manager who has not had it
  digest preview --manager U…    print a manager's digest as text; sends nothing
  forget U…                      erase what Pushpull keeps about a person (on their request)
  help                           this message
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      await start();
      return -1;
    case 'migrate': {
      const config = configOrExit();
      const store = openMigrated(config, loggerFor(config));
      store.close();
      process.stdout.write(`Database is up to date: ${config.databasePath}\n`);
      return 0;
    }
    case 'backup': {
      const file = rest[0];
      if (!file) {
        process.stderr.write('Usage: pushpull backup <file>\n');
        return 2;
      }
      const config = configOrExit();
      const store = openMigrated(config, loggerFor(config));
      try {
        await backupDatabase(store, file);
      } finally {
        store.close();
      }
      process.stdout.write(`Backed up ${config.databasePath} to ${resolve(file)}\n`);
      return 0;
    }
    case 'digest':
      return digest(rest);
    case 'forget':
      return forget(rest[0]);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`Unknown command: ${command}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`pushpull: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);

async function digest(args: string[]): Promise<number> {
  const [verb, ...options] = args;
  if (verb !== 'send' && verb !== 'preview') {
    process.stderr.write('Usage: pushpull digest send | pushpull digest preview --manager U…\n');
    return 2;
  }
  const managerFlag = options.indexOf('--manager');
  const managerId = managerFlag >= 0 ? options[managerFlag + 1] : undefined;
  if (verb === 'preview' && !(managerId && /^[UW][A-Z0-9]{2,}$/.test(managerId))) {
    process.stderr.write(
      'Usage: pushpull digest preview --manager U… (a Slack user id, such as U012ABCDEF)\n',
    );
    return 2;
  }
  const config = configOrExit();
  const logger = loggerFor(config);
  const store = openMigrated(config, logger);
  try {
    const deps = { db: store.db, config, logger, clock: Date.now };
    if (verb === 'preview' && managerId) {
      const now = Date.now();
      process.stdout.write(`${digestPreview(digestContentFor(deps, managerId, now), now)}\n`);
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
    store.close();
  }
}

async function forget(userId: string | undefined): Promise<number> {
  if (!userId || !/^[UW][A-Z0-9]{2,}$/.test(userId)) {
    process.stderr.write('Usage: pushpull forget U… (the Slack user id, such as U012ABCDEF)\n');
    return 2;
  }
  const config = configOrExit();
  const store = openMigrated(config, loggerFor(config));
  try {
    const gone = forgetPerson(store.db, userId);
    process.stdout.write(
      `Forgot ${userId}: profile ${gone.member ? 'deleted' : 'not found'}, ${gone.pulls} pulls, ${gone.pushes} pushes, ${gone.pushUpdates} push updates, ${gone.recognitions} recognitions.\n`,
    );
    return 0;
  } finally {
    store.close();
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
