// Small Block Kit pieces every builder uses, each keeping to Slack's limits whatever it is given.
// Limits: https://docs.slack.dev/reference/block-kit/blocks and https://docs.slack.dev/reference/block-kit/composition-objects
import type {
  ActionsBlock,
  Button,
  ContextBlock,
  KnownBlock,
  PlainTextOption,
  SectionBlock,
} from '@slack/types';
import { cut, quoteChunks } from '../text.js';

export type Blocks = KnownBlock[];

/** Slack's documented limits, in one place. */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  text: 3000,
  header: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  optionText: 75,
  optionValue: 150,
  options: 100,
  viewTitle: 24,
  privateMetadata: 3000,
  id: 255,
} as const;

/** Block Kit's hard limit on a section's text. */
export const SECTION_TEXT_MAX = LIMITS.text;

export function section(text: string, accessory?: Button): SectionBlock {
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: cut(text, LIMITS.text) || ' ' },
    ...(accessory ? { accessory } : {}),
  };
}

/** A whole text as a blockquote, over as many sections as it needs (at most `maxSections`, the rest cut). */
export function quoteSections(stored: string, maxSections = 10): SectionBlock[] {
  const chunks = quoteChunks(stored, LIMITS.text);
  const kept = chunks.slice(0, maxSections);
  if (chunks.length > maxSections) kept[kept.length - 1] = `${cut(kept.at(-1) ?? '', LIMITS.text - 1)}…`;
  return kept.map((chunk) => section(chunk));
}

export function context(...texts: string[]): ContextBlock {
  const elements = texts
    .filter((text) => text !== '')
    .slice(0, LIMITS.contextElements)
    .map((text) => ({ type: 'mrkdwn' as const, text: cut(text, LIMITS.text) }));
  return { type: 'context', elements: elements.length > 0 ? elements : [{ type: 'mrkdwn', text: ' ' }] };
}

export function header(text: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text: cut(text, LIMITS.header), emoji: true } };
}

export const divider = (): KnownBlock => ({ type: 'divider' });

export function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text: cut(text, LIMITS.buttonText), emoji: true },
    action_id: actionId,
    value: value.slice(0, LIMITS.buttonValue),
    ...(style ? { style } : {}),
  };
}

export function actions(blockId: string | undefined, ...elements: Button[]): ActionsBlock {
  return {
    type: 'actions',
    ...(blockId ? { block_id: blockId } : {}),
    elements: elements.slice(0, LIMITS.actionsElements),
  };
}

/** A select or checkbox option; `text` is plain text, already free of markup. */
export function option(text: string, value: string): PlainTextOption {
  return { text: { type: 'plain_text', text: cut(text, LIMITS.optionText) || ' ' }, value };
}

/** What a capped list is of: `pull`, or `['push', 'pushes']` where the plural is not an added s. */
export type Noun = string | readonly [string, string];

/**
 * `…and 3 more pulls — see the Home tab.`: the one wording of a capped list; `…and more pulls.` when the
 * count may not be shown (it would count the activity of someone with autonomy).
 */
export function andMore(count: number | undefined, what: Noun, where = ''): string {
  const [one, many] = typeof what === 'string' ? [what, `${what}s`] : what;
  const more = count === undefined ? `more ${many}` : `${count} more ${count === 1 ? one : many}`;
  return `…and ${more}${where ? ` — ${where}` : ''}.`;
}

/** The first `shown` items as blocks, then a line saying how many more there are. */
export function listed<T>(
  items: readonly T[],
  shown: number,
  render: (item: T, index: number) => Blocks,
  what: Noun,
  where?: string,
  /** How many there are in all, when `items` holds only the first of them. */
  total = items.length,
): Blocks {
  const blocks = items.slice(0, shown).flatMap(render);
  const shownCount = Math.min(items.length, shown);
  if (total > shownCount) blocks.push(context(andMore(total - shownCount, what, where)));
  return blocks;
}

/**
 * As many `parts` as fit in `max` characters, joined, then how many more of `total` there are (or only that
 * there are more, when `counted` is false).
 */
export function joinedWithin(
  parts: readonly string[],
  separator: string,
  max: number,
  what: Noun,
  total = parts.length,
  counted = true,
): string {
  const more = (rest: number) => andMore(counted ? rest : undefined, what);
  let out = '';
  for (const [i, part] of parts.entries()) {
    const next = i === 0 ? part : `${out}${separator}${part}`;
    const rest = total - i - 1;
    // Keep room to say how many are left.
    const tail = rest > 0 ? `${separator}${more(rest)}` : '';
    if (next.length + tail.length > max) {
      return i === 0 ? cut(more(total), max) : `${out}${separator}${more(total - i)}`;
    }
    out = next;
  }
  return total > parts.length ? `${out}${separator}${more(total - parts.length)}` : out;
}

/** At most `limit` blocks; the last one says there is more and where to see it. */
export function capBlocks(blocks: Blocks, limit: number, note: string): Blocks {
  return blocks.length > limit ? [...blocks.slice(0, limit - 1), context(note)] : blocks;
}

/** `2026-12-04` → `Fri, Dec 4` (the date is a calendar date, shown as typed, in no timezone). */
export function formatDate(isoDate: string): string {
  const date = new Date(`${isoDate}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return isoDate;
  return date.toLocaleDateString('en-US', {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
}

/** A short human duration: `under a minute`, `3m`, `3h`, `2d`, `5w`. */
export function formatAge(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 21) return `${days}d`;
  return `${Math.floor(days / 7)}w`;
}

/** When something happened: `just now`, `3h ago`. */
export function ago(ms: number): string {
  return ms < 60_000 ? 'just now' : `${formatAge(ms)} ago`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
