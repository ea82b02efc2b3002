// Shared start-up steps for the bot and the CLI: environment, config, logger, database.
import { existsSync } from 'node:fs';
import { type Config, ConfigError, loadConfig } from './config.js';
import { applyMigrations, openDatabase, type Store } from './db/client.js';
import { createLogger, type Logger } from './logger.js';

export function readEnvironment(): Record<string, string | undefined> {
  // `.env` fills in what the real environment leaves unset; the real environment wins.
  if (existsSync('.env')) process.loadEnvFile('.env');
  return process.env;
}

/** Config from the environment, or a clear message naming what is wrong and exit code 1. */
export function configOrExit(env = readEnvironment()): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

export function loggerFor(config: Config): Logger {
  return createLogger({
    level: config.logLevel,
    format: config.logFormat,
    secrets: [config.slack.botToken, config.slack.signingSecret ?? '', config.slack.appToken ?? ''],
  });
}

export function openMigrated(config: Config, logger: Logger): Store {
  const store = openDatabase(config.databasePath);
  applyMigrations(store);
  logger.debug('database ready', { path: config.databasePath });
  return store;
}
