// Escaping user text for mrkdwn, and parsing slash-command text and mentions.

/** Slack's three control characters; escaping them means no user text can become a mention, link or `<!channel>`. */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A one-line excerpt of user text, escaped, for places where a whole request would overwhelm. */
export function excerpt(text: string, max = 140): string {
  return escapeText(clip(text, max));
}

/** User text on one line, cut to `max` characters. Not escaped: pass it through `escapeText` or `quote`. */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Quote user text as a mrkdwn blockquote, escaped. */
export function quote(text: string): string {
  return escapeText(text)
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
}

const MENTION = /^<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>$/;

/** `<@U123>` or `<@U123|name>` → `U123`. */
export function parseMention(token: string): string | undefined {
  return MENTION.exec(token)?.[1];
}

export const mention = (userId: string): string => `<@${userId}>`;

function splitFirst(text: string): [string, string] {
  const trimmed = text.trim();
  const match = /^(\S+)\s*([\s\S]*)$/.exec(trimmed);
  return match ? [match[1] ?? '', match[2] ?? ''] : ['', ''];
}

export type PullCommand =
  | { kind: 'modal'; need?: string }
  | { kind: 'help' }
  | { kind: 'list' }
  | { kind: 'set-manager'; managerId: string }
  | { kind: 'create'; managerId: string | undefined; need: string }
  | { kind: 'unresolved-mention'; name: string };

export function parsePullCommand(text: string): PullCommand {
  const [first, rest] = splitFirst(text);
  const word = first.toLowerCase();
  if (first === '') return { kind: 'modal' };
  if ((word === 'help' || word === '?') && rest === '') return { kind: 'help' };
  if (word === 'list' && rest === '') return { kind: 'list' };
  if (word === 'manager') {
    const [target, extra] = splitFirst(rest);
    const managerId = parseMention(target);
    if (managerId && extra === '') return { kind: 'set-manager', managerId };
    if (target.startsWith('@')) return { kind: 'unresolved-mention', name: target };
    if (target === '') return { kind: 'help' };
  }
  const managerId = parseMention(first);
  if (managerId) return rest === '' ? { kind: 'modal' } : { kind: 'create', managerId, need: rest };
  // Slack escapes real mentions; a bare @word means autocomplete was skipped and we cannot know who it is.
  if (/^@[^\s]+$/.test(first)) return { kind: 'unresolved-mention', name: first };
  return { kind: 'create', managerId: undefined, need: text.trim() };
}

export type PushCommand =
  | { kind: 'list'; managerId?: string }
  | { kind: 'help' }
  | { kind: 'add'; title?: string }
  | { kind: 'update' | 'done' | 'drop'; position: number }
  | { kind: 'invalid'; reason: 'position' | 'mention' | 'unknown'; input: string };

export function parsePushCommand(text: string): PushCommand {
  const [first, rest] = splitFirst(text);
  const word = first.toLowerCase();
  if (first === '' || (word === 'list' && rest === '')) return { kind: 'list' };
  if (word === 'help' || word === '?') return { kind: 'help' };
  if (word === 'list') {
    const managerId = parseMention(rest.trim());
    return managerId ? { kind: 'list', managerId } : { kind: 'invalid', reason: 'mention', input: rest };
  }
  if (word === 'add') return rest === '' ? { kind: 'add' } : { kind: 'add', title: rest };
  if (word === 'update' || word === 'done' || word === 'drop') {
    if (!/^\d{1,3}$/.test(rest.trim())) return { kind: 'invalid', reason: 'position', input: rest };
    return { kind: word, position: Number(rest.trim()) };
  }
  const managerId = parseMention(first);
  if (managerId && rest === '') return { kind: 'list', managerId };
  return { kind: 'invalid', reason: 'unknown', input: text.trim() };
}
