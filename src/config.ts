// The environment, validated once at start into a typed, frozen Config.
import { z } from 'zod';
import { isTimeZone } from './domain/time.js';

export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

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

const envSchema = z
  .object({
    SLACK_BOT_TOKEN: z
      .string({ error: 'is missing: set it to the Bot User OAuth Token (xoxb-…) from your Slack app' })
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
    DATABASE_URL: z.string().trim().default('file:./data/pushpull.db'),
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
  })
  .superRefine((env, ctx) => {
    if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message:
          'is missing: HTTP mode needs the Signing Secret (Basic Information → App Credentials), or set SLACK_APP_TOKEN for Socket Mode',
      });
    }
  });

export interface Config {
  readonly slack: {
    readonly botToken: string;
    readonly signingSecret: string | undefined;
    readonly appToken: string | undefined;
    readonly apiUrl: string;
  };
  readonly port: number;
  readonly databasePath: string;
  readonly recognitionChannel: string | undefined;
  readonly pushLimit: number;
  readonly fiscalYearStartMonth: number;
  readonly digest: { readonly day: Weekday; readonly time: string };
  readonly defaultTimezone: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly logFormat: 'json' | 'pretty';
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Pushpull cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** `file:./data/x.db`, `file:/abs/x.db` or a bare path → a filesystem path (or `:memory:`). */
export function databasePathFromUrl(url: string): string {
  const path = url.startsWith('file:') ? url.slice('file:'.length) : url;
  if (path.startsWith('//')) return path.slice(2);
  return path;
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const message =
        issue.code === 'invalid_type' && issue.input === undefined && !issue.message.startsWith('is missing')
          ? 'is missing'
          : issue.message;
      return `${name} ${message}`;
    });
    throw new ConfigError(problems);
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
    databasePath: databasePathFromUrl(e.DATABASE_URL),
    recognitionChannel: e.RECOGNITION_CHANNEL,
    pushLimit: e.PUSH_LIMIT,
    fiscalYearStartMonth: e.FISCAL_YEAR_START_MONTH,
    digest: Object.freeze({ day: e.DIGEST_DAY, time: e.DIGEST_TIME }),
    defaultTimezone: e.DEFAULT_TIMEZONE,
    logLevel: e.LOG_LEVEL,
    logFormat: e.NODE_ENV === 'production' ? 'json' : 'pretty',
  });
}
