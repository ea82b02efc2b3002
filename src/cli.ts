// The `pushpull` command: start, migrate, backup (and the digest and data verbs as they arrive).
import { resolve } from 'node:path';
import { backupDatabase } from './db/client.js';
import { start } from './index.js';
import { configOrExit, loggerFor, openMigrated } from './runtime.js';

const USAGE = `Usage: pushpull <command>

  start                          run the bot (applies pending migrations first)
  migrate                        apply pending database migrations and exit
  backup <file>                  write a consistent copy of the live database to <file>
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
