import { describe, expect, it } from 'vitest';
import { ConfigError, databasePathFromUrl, loadConfig } from '../../src/config.js';

const base = { SLACK_BOT_TOKEN: 'xoxb-1-2-3', SLACK_SIGNING_SECRET: 'shh' };

function problems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig(base);
    expect(c).toMatchObject({
      port: 3000,
      databasePath: './data/pushpull.db',
      pushLimit: 3,
      fiscalYearStartMonth: 1,
      digest: { day: 'monday', time: '09:00' },
      defaultTimezone: 'UTC',
      logLevel: 'info',
      recognitionChannel: undefined,
    });
    expect(c.slack.apiUrl).toBe('https://slack.com/api/');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names a missing bot token and how to fix it', () => {
    const [line] = problems({ SLACK_SIGNING_SECRET: 'x' });
    expect(line).toMatch(/^SLACK_BOT_TOKEN is missing/);
    expect(line).toContain('xoxb-');
  });

  it('needs the signing secret in HTTP mode only', () => {
    expect(problems({ SLACK_BOT_TOKEN: 'xoxb-1' })[0]).toMatch(/^SLACK_SIGNING_SECRET is missing/);
    expect(problems({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-2' })).toEqual([]);
  });

  it('names each malformed variable', () => {
    const found = problems({
      ...base,
      SLACK_APP_TOKEN: 'xoxb-wrong',
      PORT: 'eighty',
      PUSH_LIMIT: '9',
      FISCAL_YEAR_START_MONTH: '13',
      DIGEST_DAY: 'someday',
      DIGEST_TIME: '9am',
      DEFAULT_TIMEZONE: 'Mars/Olympus',
      LOG_LEVEL: 'loud',
      SLACK_API_URL: 'not a url',
      RECOGNITION_CHANNEL: 'has spaces in it',
    });
    const names = found.map((line) => line.split(' ')[0]);
    expect(names.sort()).toEqual(
      [
        'SLACK_APP_TOKEN',
        'PORT',
        'PUSH_LIMIT',
        'FISCAL_YEAR_START_MONTH',
        'DIGEST_DAY',
        'DIGEST_TIME',
        'DEFAULT_TIMEZONE',
        'LOG_LEVEL',
        'SLACK_API_URL',
        'RECOGNITION_CHANNEL',
      ].sort(),
    );
  });

  it('reads overrides and normalizes them', () => {
    const c = loadConfig({
      ...base,
      PORT: '8080',
      PUSH_LIMIT: '5',
      DIGEST_DAY: 'Friday',
      DIGEST_TIME: '16:30',
      SLACK_API_URL: 'http://127.0.0.1:9999/api',
      RECOGNITION_CHANNEL: '#kudos',
      DATABASE_URL: 'file:/var/lib/pushpull/db.sqlite',
    });
    expect(c).toMatchObject({
      port: 8080,
      pushLimit: 5,
      digest: { day: 'friday', time: '16:30' },
      recognitionChannel: '#kudos',
    });
    expect(c.slack.apiUrl).toBe('http://127.0.0.1:9999/api/');
    expect(c.databasePath).toBe('/var/lib/pushpull/db.sqlite');
  });
});

describe('databasePathFromUrl', () => {
  it('accepts file: URLs and bare paths', () => {
    expect(databasePathFromUrl('file:./data/x.db')).toBe('./data/x.db');
    expect(databasePathFromUrl('file:///tmp/x.db')).toBe('/tmp/x.db');
    expect(databasePathFromUrl('/tmp/y.db')).toBe('/tmp/y.db');
  });
});
