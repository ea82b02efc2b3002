import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';

describe('logger', () => {
  const capture = (format: 'json' | 'pretty', level: 'debug' | 'info' | 'warn' | 'error' = 'info') => {
    const lines: string[] = [];
    return {
      lines,
      logger: createLogger({ level, format, secrets: ['s3cret-signing'], write: (l) => lines.push(l) }),
    };
  };

  it('writes one JSON object per line in production', () => {
    const { lines, logger } = capture('json');
    logger.child({ pullId: 3 }).warn('could not DM', { error: new Error('boom') });
    const entry = JSON.parse(lines[0] ?? '');
    expect(entry).toMatchObject({
      level: 'warn',
      msg: 'could not DM',
      pullId: 3,
      error: { message: 'boom' },
    });
    expect(entry.time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('writes one readable line in development', () => {
    const { lines, logger } = capture('pretty');
    logger.info('listening', { port: 3000 });
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}listening \{"port":3000\}$/);
  });

  it('filters below the level', () => {
    const { lines, logger } = capture('json', 'warn');
    logger.info('quiet');
    logger.error('loud');
    expect(lines).toHaveLength(1);
  });

  it('scrubs tokens and configured secrets wherever they appear', () => {
    const { lines, logger } = capture('json', 'debug');
    logger.debug('request body token=xoxb-123-456-abcdef and xapp-1-A2-3 and xoxp-9-8', {
      secret: 's3cret-signing',
    });
    expect(lines[0]).not.toMatch(/xoxb-|xapp-|xoxp-|s3cret-signing/);
    expect(lines[0]).toContain('[redacted]');
  });
});
