// The environment, validated once at start into a typed, frozen Config.
import { isIP } from 'node:net';
import { z } from 'zod';
import { WEEKDAYS, type Weekday } from './domain/schedule.js';
import { isTimeZone } from './domain/time.js';

export { WEEKDAYS, type Weekday };

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const integer = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .default(String(fallback))
    .transform((value, ctx) => {
      const parsed = Number(value === '' ? fallback : value);
      if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return parsed;
    });

const envSchema = z.object({
  SLACK_BOT_TOKEN: z
    .string({
      error:
        'is missing: set it to the Bot User OAuth Token (xoxb-…) from your Slack app, or try Pushpull without Slack first: npx pushpull playground',
    })
    .trim()
    .regex(
      /^xoxb-\S+$/,
      'must be a bot token starting with xoxb- (OAuth & Permissions page of your Slack app)',
    ),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.pipe(
    z
      .string()
      .regex(
        /^xapp-\S+$/,
        'must be an app-level token starting with xapp- (Basic Information → App-Level Tokens)',
      )
      .optional(),
  ),
  PORT: integer(0, 65_535, 3000),
  HOST: optionalText.pipe(
    z
      .string()
      .transform((host) => host.replace(/^\[(.*)\]$/, '$1'))
      .refine(
        (host) => isIP(host) !== 0 || /^[a-z0-9](?:[a-z0-9-]{0,62})(?:\.[a-z0-9-]{1,63})*$/i.test(host),
        'must be an address to listen on, such as 127.0.0.1, ::1 or localhost (leave it unset for all interfaces)',
      )
      .optional(),
  ),
  // An empty `DATABASE_URL=` line (as left by a copied .env) means the default file, not a temporary database.
  DATABASE_URL: optionalText.transform((url, ctx) => {
    const parsed = databaseFromUrl(url ?? DEFAULT_DATABASE_URL);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.reason });
      return z.NEVER;
    }
    return parsed.database;
  }),
  // Connections each instance keeps to PostgreSQL. The server's default max_connections is 100, so a larger pool
  // for one instance could never be served; several instances share that budget.
  DATABASE_POOL_SIZE: integer(1, 100, 10),
  SLACK_API_URL: z
    .url({ error: 'must be a URL such as https://slack.com/api/' })
    .default('https://slack.com/api/')
    .transform((url) => (url.endsWith('/') ? url : `${url}/`)),
  RECOGNITION_CHANNEL: optionalText.pipe(
    z
      .string()
      .regex(
        /^(?:[CG][A-Z0-9]{2,}|#?[a-z0-9][a-z0-9._-]{0,79})$/,
        'must be a channel id (C…) or name (#kudos)',
      )
      .optional(),
  ),
  PUSH_LIMIT: integer(1, 5, 3),
  FISCAL_YEAR_START_MONTH: integer(1, 12, 1),
  DIGEST_DAY: z
    .string()
    .trim()
    .toLowerCase()
    .default('monday')
    .pipe(z.enum(WEEKDAYS, { error: `must be a weekday name: ${WEEKDAYS.join(', ')}` })),
  DIGEST_TIME: z
    .string()
    .trim()
    .default('09:00')
    .pipe(z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time as HH:MM, such as 09:00')),
  DEFAULT_TIMEZONE: z
    .string()
    .trim()
    .default('UTC')
    .refine(isTimeZone, 'must be an IANA timezone name, such as UTC or Europe/Paris'),
  LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .default('info')
    .pipe(z.enum(['debug', 'info', 'warn', 'error'], { error: 'must be one of debug, info, warn, error' })),
  NODE_ENV: optionalText,
  SLACK_PACE: z
    .string()
    .trim()
    .default('')
    .transform((text, ctx) => {
      const rates: Record<string, number> = {};
      for (const part of text.split(',').filter((p) => p.trim() !== '')) {
        const m = /^\s*(\*|[a-z]+(?:\.[a-zA-Z]+)+)\s*=\s*(\d+(?:\.\d+)?)\s*\/\s*(s|min)\s*$/.exec(part);
        const rate = m ? Number(m[2]) / (m[3] === 's' ? 1 : 60) : 0;
        if (!m?.[1] || !(rate > 0)) {
          ctx.addIssue({
            code: 'custom',
            message: `cannot read '${part.trim()}': write method=rate, such as chat.postMessage=20/s,users.info=100/min`,
          });
          return z.NEVER;
        }
        rates[m[1]] = rate;
      }
      return rates;
    }),
});

// zod skips an object's refinements once a field has failed, so this rule is checked beside the schema,
// and every problem is reported in one go.
function modeProblems(env: Record<string, string | undefined>): string[] {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  if (set('SLACK_APP_TOKEN') || set('SLACK_SIGNING_SECRET')) return [];
  return [
    'SLACK_SIGNING_SECRET is missing: HTTP mode needs the Signing Secret (Basic Information → App Credentials), or set SLACK_APP_TOKEN for Socket Mode',
  ];
}

export interface Config {
  readonly slack: {
    readonly botToken: string;
    readonly signingSecret: string | undefined;
    readonly appToken: string | undefined;
    readonly apiUrl: string;
  };
  readonly port: number;
  /** The address to listen on; undefined means every interface. */
  readonly host: string | undefined;
  readonly database: Database;
  readonly recognitionChannel: string | undefined;
  readonly pushLimit: number;
  readonly fiscalYearStartMonth: number;
  readonly digest: { readonly day: Weekday; readonly time: string };
  readonly defaultTimezone: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly logFormat: 'json' | 'pretty';
  /** Per Web API method, the rate Slack allows in calls per second, overriding the pacer's defaults. */
  readonly slackPace: Readonly<Record<string, number>>;
}

/** Where the data lives: one SQLite file (the default), or a PostgreSQL database shared by any number of instances. */
export type Database =
  | { readonly dialect: 'sqlite'; readonly path: string }
  | { readonly dialect: 'postgres'; readonly url: string; readonly poolSize: number };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

export const DEFAULT_DATABASE_URL = 'file:./data/pushpull.db';
const USE_A_FILE = 'use a file: URL or a path, such as file:./data/pushpull.db';

type Parsed = { ok: true; database: DatabaseUrl } | { ok: false; reason: string };
type DatabaseUrl = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };

/**
 * `postgres://…` or `postgresql://…` → PostgreSQL; `file:./x.db`, `file:/abs/x.db`, `file:///abs/x.db` or a plain
 * path → that SQLite file. Anything else is refused with a reason that never repeats the value (a database URL may
 * carry a password).
 */
export function databaseFromUrl(url: string): Parsed {
  const refuse = (reason: string) => ({ ok: false as const, reason });
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') {
    if (!URL.canParse(url)) {
      return refuse(
        'is not a PostgreSQL URL Pushpull can read: write postgres://user:password@host:5432/database (percent-encode special characters in the password)',
      );
    }
    return { ok: true, database: { dialect: 'postgres', url } };
  }
  if (scheme === 'sqlite' || scheme === 'sqlite3') {
    return refuse(
      `uses ${scheme}:, which Pushpull does not read: write file:/absolute/path.db or file:./relative/path.db`,
    );
  }
  if (scheme !== undefined && scheme !== 'file') {
    return refuse(
      `uses ${scheme}:, which Pushpull does not read: write postgres://… for PostgreSQL, or ${USE_A_FILE} for SQLite`,
    );
  }
  if (url.includes('?')) {
    return refuse(
      `has a query string (?…), which Pushpull does not read: give just the file, such as file:./data/pushpull.db`,
    );
  }
  let path = url;
  if (scheme === 'file') {
    path = url.slice('file:'.length);
    if (path.startsWith('//')) {
      const authority = /^\/\/([^/]*)/.exec(path)?.[1] ?? '';
      if (authority !== '' && authority.toLowerCase() !== 'localhost') {
        return refuse(
          'names a host after file://: write file:///absolute/path.db or file:./relative/path.db',
        );
      }
      path = path.slice(2 + authority.length);
    }
    try {
      path = decodeURIComponent(path);
    } catch {
      return refuse(`has a malformed %-escape: ${USE_A_FILE}`);
    }
  }
  if (path === ':memory:') return refuse(`is :memory:, which loses every pull on restart: ${USE_A_FILE}`);
  if (path === '') return refuse(`names no file: ${USE_A_FILE}`);
  if (path.endsWith('/') || path.endsWith('\\')) {
    return refuse('names a folder: add a file name, such as file:./data/pushpull.db');
  }
  return { ok: true, database: { dialect: 'sqlite', path } };
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  const crossProblems = modeProblems(env);
  if (!parsed.success || crossProblems.length > 0) {
    const issues = parsed.success ? [] : parsed.error.issues;
    const problems = issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const message =
        issue.code === 'invalid_type' && issue.input === undefined && !issue.message.startsWith('is missing')
          ? 'is missing'
          : issue.message;
      return `${name} ${message}`;
    });
    throw new ConfigError([...problems, ...crossProblems]);
  }
  const e = parsed.data;
  return Object.freeze({
    slack: Object.freeze({
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
    }),
    port: e.PORT,
    host: e.HOST,
    database: Object.freeze(
      e.DATABASE_URL.dialect === 'postgres'
        ? { ...e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
        : e.DATABASE_URL,
    ),
    recognitionChannel: e.RECOGNITION_CHANNEL,
    pushLimit: e.PUSH_LIMIT,
    fiscalYearStartMonth: e.FISCAL_YEAR_START_MONTH,
    digest: Object.freeze({ day: e.DIGEST_DAY, time: e.DIGEST_TIME }),
    defaultTimezone: e.DEFAULT_TIMEZONE,
    logLevel: e.LOG_LEVEL,
    logFormat: e.NODE_ENV === 'production' ? 'json' : 'pretty',
    slackPace: Object.freeze(e.SLACK_PACE),
  });
}
