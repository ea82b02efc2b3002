// Structured logs (JSON in production, one readable line in development) that never carry secrets.
import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const SECRET_PATTERNS: RegExp[] = [/xox[abposr]-[A-Za-z0-9-]+/g, /xapp-[A-Za-z0-9-]+/g];

export interface Logger {
  debug(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
  child(context: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level: Level;
  format: 'json' | 'pretty';
  /** Exact strings to scrub wherever they appear (tokens, signing secret). */
  secrets?: string[];
  write?: (line: string) => void;
}

function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { value: String(error) };
  const extra = error as Error & { code?: unknown; data?: { error?: unknown } };
  return {
    name: error.name,
    message: error.message,
    ...(extra.code !== undefined ? { code: extra.code } : {}),
    ...(extra.data?.error !== undefined ? { slackError: extra.data.error } : {}),
    stack: error.stack,
  };
}

export function createLogger(options: LoggerOptions, bound: Record<string, unknown> = {}): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 6);
  const scrub = (text: string): string => {
    let out = text;
    for (const secret of secrets) out = out.split(secret).join('[redacted]');
    for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, '[redacted]');
    return out;
  };
  const emit = (level: Level, message: string, context?: Record<string, unknown>) => {
    if (ORDER[level] < ORDER[options.level]) return;
    const fields: Record<string, unknown> = { ...bound, ...context };
    for (const [key, value] of Object.entries(fields)) {
      if (value instanceof Error) fields[key] = describeError(value);
    }
    if (options.format === 'json') {
      write(scrub(JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields })));
      return;
    }
    const rest = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    write(
      scrub(`${new Date().toISOString().slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${message}${rest}`),
    );
  };
  return {
    debug: (m, c) => emit('debug', m, c),
    info: (m, c) => emit('info', m, c),
    warn: (m, c) => emit('warn', m, c),
    error: (m, c) => emit('error', m, c),
    child: (context) => createLogger(options, { ...bound, ...context }),
  };
}

const BOLT_LEVEL: Record<Level, LogLevel> = {
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
};

/** Bolt and the Web API client log through this adapter, so their lines get the same format and scrubbing. */
export function boltLogger(logger: Logger, initial: Level): SlackLogger {
  let level = initial;
  let name = 'bolt';
  const join = (parts: unknown[]) =>
    parts
      .map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p)))
      .join(' ');
  const enabled = (wanted: Level) => ORDER[wanted] >= ORDER[level];
  return {
    // The Web API client logs every request body at debug: skip building those lines unless they will be shown.
    debug: (...msg) => {
      if (enabled('debug')) logger.debug(join(msg), { source: name });
    },
    info: (...msg) => logger.info(join(msg), { source: name }),
    warn: (...msg) => logger.warn(join(msg), { source: name }),
    error: (...msg) => logger.error(join(msg), { source: name }),
    setLevel: (next) => {
      level = (Object.entries(BOLT_LEVEL).find(([, v]) => v === next)?.[0] as Level | undefined) ?? level;
    },
    getLevel: () => BOLT_LEVEL[level],
    setName: (next) => {
      name = next;
    },
  };
}
