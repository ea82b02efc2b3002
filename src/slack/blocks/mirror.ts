// The manager's mirror (their own signals, never anyone else's) and the Your team list on Home.
import type { Mirror, Teammate } from '../../domain/mirror.js';
import type { Page } from '../../domain/pulls.js';
import { mention } from '../text.js';
import { type Blocks, formatAge, header, joinedWithin, LIMITS, plural, section } from './common.js';

export const RUNS_ON_THEIR_OWN = 'runs on their own';

/** The mirror's lines: how they answer, how often they hand the call back, where they are pulled in. */
export function mirrorLines(mirror: Mirror, now: number): string[] {
  const lines: string[] = [];
  if (mirror.answered === 0) lines.push('No pulls answered yet this quarter.');
  else {
    lines.push(
      `• Median time to answer: *${formatAge(mirror.medianAnswerMs ?? 0)}* (${plural(mirror.answered, 'pull')} answered)`,
      ...(mirror.yourCallShare === undefined
        ? []
        : [
            `• Answered *Your call*: *${Math.round(mirror.yourCallShare * 100)}%* — how often you hand the decision back`,
          ]),
      `• Pulled in on your pushes: *${mirror.onPushes}* · on everything else: *${mirror.elsewhere}*`,
    );
  }
  lines.push(
    mirror.oldestWaitingSince === undefined
      ? '• Nothing waiting on you.'
      : `• Oldest pull still waiting: *${formatAge(now - mirror.oldestWaitingSince)}*`,
  );
  return lines;
}

export function mirrorBlocks(mirror: Mirror, quarterLabel: string, now: number): Blocks {
  return [header(`Your mirror — ${quarterLabel}`), section(mirrorLines(mirror, now).join('\n'))];
}

export function teammateLine(t: Teammate): string {
  if (!t.counts) return `• ${mention(t.userId)} — ${RUNS_ON_THEIR_OWN}`;
  return `• ${mention(t.userId)} — ${plural(t.counts.pullsSent, 'pull')} sent, ${plural(t.counts.recognitionsReceived, 'recognition')} received`;
}

export function teamBlocks(team: Page<Teammate>): Blocks {
  if (team.total === 0) return [];
  return [
    header(`Your team — this quarter (${team.total})`),
    section(joinedWithin(team.shown.map(teammateLine), '\n', LIMITS.text, 'person', team.total)),
  ];
}
