import { describe, expect, it } from 'vitest';
import { type Answered, median, mirrorOf } from '../../src/domain/mirror.js';
import { mirrorLines, teammateLine } from '../../src/slack/blocks/mirror.js';

const H = 3_600_000;
const answered = (hours: number, over: Partial<Answered> = {}): Answered => ({
  createdAt: 0,
  resolvedAt: hours * H,
  resolution: 'input',
  onTheirPush: false,
  ...over,
});

describe('median', () => {
  it('is the middle value of an odd count and the mean of the middle two of an even count', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([10, 2])).toBe(6);
    expect(median([])).toBeUndefined();
  });
});

describe('mirrorOf', () => {
  it('an empty quarter: nothing answered, no median or share, nothing waiting', () => {
    expect(mirrorOf([], undefined)).toEqual({
      answered: 0,
      medianAnswerMs: undefined,
      yourCallShare: undefined,
      onPushes: 0,
      elsewhere: 0,
      oldestWaitingSince: undefined,
    });
    expect(mirrorLines(mirrorOf([], undefined), 0).join('\n')).toContain(
      'No pulls answered yet this quarter',
    );
  });

  it('takes the mean of the middle two answer times with an even count', () => {
    const m = mirrorOf([answered(1), answered(10), answered(2), answered(4)], undefined);
    expect(m.medianAnswerMs).toBe(3 * H);
    expect(mirrorLines(m, 0)[0]).toContain('*3h*');
  });

  it('counts Your call answers as a share, and pulls on their pushes against everything else', () => {
    const m = mirrorOf(
      [
        answered(1, { resolution: 'your-call', onTheirPush: true }),
        answered(1, { resolution: 'your-call' }),
        answered(1, { resolution: 'decision' }),
        answered(1, { resolution: 'talk', onTheirPush: true }),
      ],
      { createdAt: 5 },
    );
    expect(m.yourCallShare).toBe(0.5);
    expect(m.onPushes).toBe(2);
    expect(m.elsewhere).toBe(2);
    expect(m.oldestWaitingSince).toBe(5);
    const lines = mirrorLines(m, 5 + 50 * H).join('\n');
    expect(lines).toContain('*50%*');
    expect(lines).toContain('on your pushes: *2* · on everything else: *2*');
    expect(lines).toContain('Oldest pull still waiting: *2d*');
  });
});

describe('the Your call share', () => {
  it('leaves agreed definitions of success out: a handshake is not a one-shot answer', () => {
    const m = mirrorOf(
      [
        answered(1, { resolution: 'your-call' }),
        answered(1, { resolution: 'decision' }),
        answered(2, { resolution: 'agreed' }),
        answered(2, { resolution: 'agreed' }),
      ],
      undefined,
    );
    expect(m.yourCallShare).toBe(0.5);
    // They still count as answered, in the median and in where the manager was pulled in.
    expect(m.answered).toBe(4);
    expect(m.elsewhere).toBe(4);
    expect(mirrorLines(m, 0).join('\n')).toContain('Answered *Your call*: *50%*');
  });

  it('has no share, and shows none, when every answer was an agreement', () => {
    const m = mirrorOf([answered(1, { resolution: 'agreed' })], undefined);
    expect(m.yourCallShare).toBeUndefined();
    const lines = mirrorLines(m, 0).join('\n');
    expect(lines).toContain('(1 pull answered)');
    expect(lines).not.toContain('Your call');
  });
});

describe('teammateLine', () => {
  it('shows counts for a teammate and none for someone who runs on their own', () => {
    expect(teammateLine({ userId: 'U1', counts: { pullsSent: 3, recognitionsReceived: 1 } })).toBe(
      '• <@U1> — 3 pulls sent, 1 recognition received',
    );
    const own = teammateLine({ userId: 'U2' });
    expect(own).toBe('• <@U2> — runs on their own');
  });
});
