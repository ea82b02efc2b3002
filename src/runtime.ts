// Shared start-up steps for the bot and the CLI: environment, config, logger, database, version.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { type Config, loadConfig } from './config.js';
import { applyMigrations, assertWritable, openDatabase } from './db/client.js';
import { applyPostgresMigrations, openPostgres, PostgresError } from './db/postgres.js';
import type { Store } from './db/store.js';
import { createLogger, type Logger } from './logger.js';

/** A start-up problem an operator can fix, in one line naming the variable or file and the fix. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/** The version in package.json (one level above both `src/` and `dist/`). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export function readEnvironment(): Record<string, string | undefined> {
  // `.env` fills in what the real environment leaves unset; the real environment wins.
  if (existsSync('.env')) {
    const fix = 'make it a readable text file of NAME=value lines, or remove it';
    if (statSync('.env').isDirectory()) throw new StartupError(`.env is a folder: ${fix}`);
    try {
      process.loadEnvFile('.env');
    } catch (error) {
      throw new StartupError(`.env cannot be read (${(error as { code?: string }).code ?? 'error'}): ${fix}`);
    }
  }
  return process.env;
}

/** Config from the environment (and `.env`); throws a ConfigError listing every problem at once. */
export function configFromEnvironment(env = readEnvironment()): Config {
  return loadConfig(env);
}

export function loggerFor(config: Config): Logger {
  return createLogger({
    level: config.logLevel,
    format: config.logFormat,
    secrets: [config.slack.botToken, config.slack.signingSecret ?? '', config.slack.appToken ?? ''],
  });
}

/**
 * Opens the database, proves it can be written and applies pending migrations. A problem an operator can fix is
 * one line: a DatabaseError naming the SQLite file, or a StartupError naming the PostgreSQL server.
 */
export async function openMigrated(
  config: Config,
  logger: Logger,
  options: { busyTimeoutMs?: number; backgroundCheckpoints?: boolean } = {},
): Promise<Store> {
  if (config.database.dialect === 'postgres') return openMigratedPostgres(config.database, logger);
  const { path } = config.database;
  const store = openDatabase(path, {
    ...(options.backgroundCheckpoints
      ? {
          backgroundCheckpoints: {
            onError: (error) =>
              logger.error(
                'the background checkpoint of the SQLite log stopped; commits checkpoint it again, as SQLite does by default',
                { error: error.message },
              ),
          },
        }
      : {}),
  });
  try {
    assertWritable(store);
    applyMigrations(store);
    // Migrations may wait for another process; the bot then keeps each wait short (db/busy.ts).
    if (options.busyTimeoutMs !== undefined) store.sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
  } catch (error) {
    await store.close();
    throw error;
  }
  logger.debug('database ready', { path });
  return store;
}

async function openMigratedPostgres(
  database: { url: string; poolSize: number },
  logger: Logger,
): Promise<Store> {
  try {
    await applyPostgresMigrations(database.url);
  } catch (error) {
    throw new StartupError(error instanceof PostgresError ? error.message : String(error));
  }
  const store = openPostgres(database.url, {
    poolSize: database.poolSize,
    // The pool replaces a connection the server dropped; the next query that cannot get one fails on its own.
    onIdleError: (error) => logger.warn('a PostgreSQL connection was closed', { error: error.message }),
  });
  logger.debug('database ready', { url: store.where });
  return store;
}
