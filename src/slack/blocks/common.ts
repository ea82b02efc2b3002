// Small Block Kit pieces every builder uses.
import type { ActionsBlock, Button, ContextBlock, KnownBlock, SectionBlock } from '@slack/types';

export type Blocks = KnownBlock[];

/** Block Kit's hard limit on a section's text. */
export const SECTION_TEXT_MAX = 3000;

export function section(text: string, accessory?: Button): SectionBlock {
  const clipped = text.length > SECTION_TEXT_MAX ? `${text.slice(0, SECTION_TEXT_MAX - 1)}…` : text;
  return { type: 'section', text: { type: 'mrkdwn', text: clipped }, ...(accessory ? { accessory } : {}) };
}

export function context(...texts: string[]): ContextBlock {
  return { type: 'context', elements: texts.map((text) => ({ type: 'mrkdwn', text })) };
}

export function header(text: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text: text.slice(0, 150), emoji: true } };
}

export const divider = (): KnownBlock => ({ type: 'divider' });

export function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text, emoji: true },
    action_id: actionId,
    value,
    ...(style ? { style } : {}),
  };
}

export function actions(blockId: string | undefined, ...elements: Button[]): ActionsBlock {
  return { type: 'actions', ...(blockId ? { block_id: blockId } : {}), elements };
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

/** A short human age: `just now`, `3h`, `2d`, `5w`. */
export function formatAge(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 21) return `${days}d`;
  return `${Math.floor(days / 7)}w`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
