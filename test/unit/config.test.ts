import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

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
      database: { dialect: 'sqlite', path: './data/pushpull.db' },
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
    // A newcomer without a Slack app yet is told how to see Pushpull anyway.
    expect(line).toContain('npx pushpull playground');
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
    expect(c.database).toEqual({ dialect: 'sqlite', path: '/var/lib/pushpull/db.sqlite' });
  });
});

describe('DATABASE_URL', () => {
  const path = (url: string | undefined) => {
    const { database } = loadConfig({ ...base, DATABASE_URL: url });
    return database.dialect === 'sqlite' ? database.path : `not SQLite: ${database.dialect}`;
  };

  it('accepts file: URLs and plain paths; empty means the default file', () => {
    expect(path('file:./data/x.db')).toBe('./data/x.db');
    expect(path('file:x.db')).toBe('x.db');
    expect(path('file:/abs/x.db')).toBe('/abs/x.db');
    expect(path('file:///abs/x.db')).toBe('/abs/x.db');
    expect(path('file://localhost/abs/x.db')).toBe('/abs/x.db');
    expect(path('file:///abs/my%20data.db')).toBe('/abs/my data.db');
    expect(path('/abs/y.db')).toBe('/abs/y.db');
    expect(path('relative/y.db')).toBe('relative/y.db');
    expect(path('')).toBe('./data/pushpull.db');
    expect(path('   ')).toBe('./data/pushpull.db');
    expect(path(undefined)).toBe('./data/pushpull.db');
  });

  it('recognizes PostgreSQL URLs, with a pool of 10 connections unless DATABASE_POOL_SIZE says otherwise', () => {
    for (const url of [
      'postgres://app:hunter2@db/pushpull',
      'postgresql://app:hunter2@db.internal:6432/pushpull?sslmode=require',
      'POSTGRES://db/pushpull',
      'postgresql:///pushpull?host=/var/run/postgresql',
    ]) {
      expect(loadConfig({ ...base, DATABASE_URL: url }).database, url).toEqual({
        dialect: 'postgres',
        url,
        poolSize: 10,
      });
    }
    const sized = loadConfig({ ...base, DATABASE_URL: 'postgres://db/pushpull', DATABASE_POOL_SIZE: ' 25 ' });
    expect(sized.database).toMatchObject({ dialect: 'postgres', poolSize: 25 });
    expect(Object.isFrozen(sized.database)).toBe(true);
    expect(loadConfig({ ...base, DATABASE_POOL_SIZE: '' }).database).toEqual({
      dialect: 'sqlite',
      path: './data/pushpull.db',
    });
  });

  it('refuses a PostgreSQL URL it cannot read, without repeating the password', () => {
    const found = problems({ ...base, DATABASE_URL: 'postgres://app:hunter2@db:fivefourthreetwo/pushpull' });
    expect(found).toEqual([
      'DATABASE_URL is not a PostgreSQL URL Pushpull can read: write postgres://user:password@host:5432/database (percent-encode special characters in the password)',
    ]);
  });

  it('refuses a DATABASE_POOL_SIZE that is not a whole number from 1 to 100, whatever the database', () => {
    for (const size of ['0', '-3', '2.5', 'ten', '101']) {
      for (const url of ['postgres://db/pushpull', 'file:./x.db']) {
        expect(problems({ ...base, DATABASE_URL: url, DATABASE_POOL_SIZE: size }), `${size} ${url}`).toEqual([
          'DATABASE_POOL_SIZE must be a whole number from 1 to 100',
        ]);
      }
    }
  });

  it('refuses other schemes, query strings, hosts, folders and :memory:, naming DATABASE_URL', () => {
    const cases: [string, RegExp][] = [
      [
        'sqlite:///var/x.db',
        /^DATABASE_URL uses sqlite:, which Pushpull does not read: write file:\/absolute/,
      ],
      [
        'mysql://u:p@h/db',
        /^DATABASE_URL uses mysql:, which Pushpull does not read: write postgres:\/\/… for/,
      ],
      ['file:./x.db?mode=ro', /^DATABASE_URL has a query string/],
      ['./x.db?cache=shared', /^DATABASE_URL has a query string/],
      ['file://server/share/x.db', /^DATABASE_URL names a host after file:\/\//],
      ['file:./db-folder/', /^DATABASE_URL names a folder/],
      [':memory:', /^DATABASE_URL is :memory:, which loses every pull on restart/],
      ['file:', /^DATABASE_URL names no file/],
      ['file:%zz.db', /^DATABASE_URL has a malformed %-escape/],
    ];
    for (const [url, expected] of cases) {
      const found = problems({ ...base, DATABASE_URL: url });
      expect(found, url).toHaveLength(1);
      expect(found[0], url).toMatch(expected);
      expect(found[0], url).not.toContain('u:p@');
    }
  });
});

describe('HOST', () => {
  it('is every interface by default, and takes an IP address or a host name', () => {
    expect(loadConfig(base).host).toBeUndefined();
    expect(loadConfig({ ...base, HOST: '' }).host).toBeUndefined();
    expect(loadConfig({ ...base, HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
    expect(loadConfig({ ...base, HOST: '[::1]' }).host).toBe('::1');
    expect(loadConfig({ ...base, HOST: 'localhost' }).host).toBe('localhost');
  });

  it('refuses what cannot be an address', () => {
    expect(problems({ ...base, HOST: 'http://example.com' })[0]).toMatch(
      /^HOST must be an address to listen on/,
    );
    expect(problems({ ...base, HOST: 'two words' })[0]).toMatch(/^HOST must be an address to listen on/);
  });
});

describe('every problem at once', () => {
  it('reports the mode rule and DATABASE_URL together with every malformed variable', () => {
    const found = problems({
      SLACK_BOT_TOKEN: 'xoxp-user-token',
      PORT: '-1',
      HOST: 'no such host!',
      DATABASE_URL: 'postgres://app:hunter2@db:port/pushpull',
      DIGEST_TIME: '25:00',
      DATABASE_POOL_SIZE: '0',
    });
    expect(found.map((line) => line.split(' ')[0])).toEqual([
      'SLACK_BOT_TOKEN',
      'PORT',
      'HOST',
      'DATABASE_URL',
      'DATABASE_POOL_SIZE',
      'DIGEST_TIME',
      'SLACK_SIGNING_SECRET',
    ]);
    expect(found.join('\n')).not.toContain('hunter2');
  });
});
