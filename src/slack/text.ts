// The text model: how text arrives from Slack, how Pushpull stores it, and how it is shown again.
//
// Arriving. Slash-command `text` and a message's `text` (the message shortcut) come as Slack mrkdwn: a typed
// `&`, `<`, `>` arrives as `&amp;`, `&lt;`, `&gt;`, and `<…>` is markup: `<@U123|maya>`, `<@W123>`,
// `<#C123|general>`, `<!channel>`, `<!here>`, `<!everyone>`, `<!subteam^S123|@team>`, `<https://x|label>`,
// `<mailto:a@b.co>`. Modal `state.values` come raw, exactly as typed.
//
// Stored ("typed text"). `fromSlack` decodes once, at the edge (the command parsers below and the message
// shortcut), into what the person typed: the entities become `&`, `<`, `>`; a person stays a mention as the
// canonical `<@U123>`; a channel stays `<#C123|general>`; a link stays `<https://x>` or `<https://x|label>`;
// `<!channel>`, `<!here>`, `<!everyone>` and group mentions become the plain words `@channel`, `@here`,
// `@everyone`, `@team` (plain words never ping). Modal values are stored as they arrive (`literal`, in the
// payload readers). Those three kinds of token (`MARKUP` in domain/text.ts) are the only markup stored text
// holds. Text a person typed character by character that merely looks like one (`<@U123>` typed in a form, or
// `&lt;@U123&gt;` in a command) is kept plain by a word joiner after its `<` (`INERT`), which no reader sees
// and which rendering and counting drop: a reader sees exactly what was typed, and only Slack makes mentions.
//
// Counting. Limits count what a reader sees, in graphemes: `Q&A` is 3, an emoji is 1, a mention is `@U123`
// (`typedLength`, in the domain). Never the escaped form.
//
// Shown. `renderText` escapes stored text exactly once for mrkdwn, passing the kept tokens through; plain_text
// places show `shownText` (no markup), and a form is prefilled with the stored text itself, so sending it back
// keeps its mentions. `cut` is the only way text is shortened: by whole graphemes, never inside a surrogate
// pair, an emoji, an entity or a piece of markup; `excerpt` is a one-line cut, `quoteChunks` spreads a whole
// text over as many ≤ 3,000-character pieces as it needs.
import {
  decodeEntities,
  INERT,
  literal,
  shownText,
  splitMarkup,
  typedLength,
  withoutNul,
} from '../domain/text.js';

export { decodeEntities, literal, shownText, typedLength };

/** Slack's three control characters, escaped; for text that is plain by nature (an error code, a config value). */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const BROADCASTS = new Set(['channel', 'here', 'everyone']);
const LINK = /^(?:https?:\/\/|mailto:)[^<>|\s]+$/;

/** One piece of Slack markup (without its brackets) as stored text. */
function fromMarkup(inner: string): string {
  const bar = inner.indexOf('|');
  const head = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? undefined : inner.slice(bar + 1);
  const user = /^@([UW][A-Z0-9]+)$/.exec(head);
  if (user) return `<@${user[1]}>`;
  if (/^#[CG][A-Z0-9]+$/.test(head)) return `<${head}${label ? `|${label}` : ''}>`;
  if (head.startsWith('!')) {
    const word = head.slice(1).split('^')[0] ?? '';
    if (BROADCASTS.has(word)) return `@${word}`;
    if (label) return literal(decodeEntities(label));
    return word === 'subteam' ? '@group' : literal(decodeEntities(word));
  }
  if (LINK.test(head)) return label ? `<${head}|${label}>` : `<${head}>`;
  return literal(decodeEntities(`<${inner}>`));
}

/** Slack's mrkdwn (command or message text) → what the person typed. Call once, at the edge. */
export function fromSlack(mrkdwn: string): string {
  return withoutNul(mrkdwn)
    .split(/<([^<>]*)>/)
    .map((part, i) => (i % 2 === 1 ? fromMarkup(part) : literal(decodeEntities(part))))
    .join('');
}

/** A kept token, normalised so its label and address are escaped once whatever form they were stored in. */
function renderToken(token: string): string {
  const inner = token.slice(1, -1);
  const bar = inner.indexOf('|');
  if (bar < 0) return `<${escapeText(decodeEntities(inner))}>`;
  const head = escapeText(decodeEntities(inner.slice(0, bar)));
  return `<${head}|${escapeText(decodeEntities(inner.slice(bar + 1)))}>`;
}

/** Stored text → mrkdwn: escaped exactly once; mentions, channels and links stay what they are. */
export function renderText(stored: string): string {
  return splitMarkup(stored)
    .map((part, i) => (i % 2 === 1 ? renderToken(part) : escapeText(part.replaceAll(INERT, ''))))
    .join('');
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
const UNBREAKABLE = /(<[^<>]*>|&(?:amp|lt|gt);)/;

/** The pieces a cut may fall between: a piece of markup, an entity, or one grapheme; read lazily. */
export function* atoms(text: string): Generator<string> {
  const parts = text.split(UNBREAKABLE);
  for (const [i, part] of parts.entries()) {
    if (i % 2 === 1) yield part;
    else for (const { segment } of graphemes.segment(part)) yield segment;
  }
}

/** At most `max` UTF-16 units (Slack's count, and never less than the characters), ending in `…` when cut. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const atom of atoms(text)) {
    if (out.length + atom.length + 1 > max) break;
    out += atom;
  }
  return `${out}…`;
}

/** Text split at piece boundaries into parts of at most `max` UTF-16 units, nothing dropped or added. */
export function split(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const parts: string[] = [];
  let current = '';
  for (const atom of atoms(text)) {
    // A single grapheme longer than a whole part (hundreds of combining marks) is the one thing cut short.
    const piece = atom.length > max ? cut(atom, max) : atom;
    if (current.length + piece.length > max) {
      parts.push(current);
      current = '';
    }
    current += piece;
  }
  if (current !== '' || parts.length === 0) parts.push(current);
  return parts;
}

/** Stored text on one line, rendered for mrkdwn and cut to `max`: a request named in a sentence. */
export function excerpt(stored: string, max = 140): string {
  return cut(renderText(stored.replace(/\s+/g, ' ').trim()), max);
}

/** Stored text on one line, as plain text, cut to `max`: for plain_text places (options, headers). */
export function plainExcerpt(stored: string, max: number): string {
  return cut(shownText(stored).replace(/\s+/g, ' ').trim(), max);
}

/** Stored text as a mrkdwn blockquote, rendered whole, in parts of at most `max` characters each. */
export function quoteChunks(stored: string, max = 3000): string[] {
  const lines = renderText(stored.trim())
    .split('\n')
    .flatMap((line) => split(line, max - 1).map((piece) => `>${piece}`));
  const chunks: string[] = [];
  let current: string | undefined;
  for (const line of lines) {
    if (current !== undefined && current.length + 1 + line.length <= max) current += `\n${line}`;
    else {
      if (current !== undefined) chunks.push(current);
      current = line;
    }
  }
  if (current !== undefined) chunks.push(current);
  return chunks;
}

/** Stored text as a blockquote in one piece, cut to `max`. */
export function quote(stored: string, max = 3000): string {
  const chunks = quoteChunks(stored, max);
  const first = chunks[0] ?? '>';
  if (chunks.length <= 1) return first;
  // One ellipsis, whether the first piece was itself cut or only the pieces after it are left out.
  return first.length < max ? `${first}…` : cut(first, max - 1);
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

// The command parsers read Slack's form (so `<!here>` is never taken for a person) and hand back typed text.

export type PullCommand =
  | { kind: 'modal'; need?: string; managerId?: string }
  | { kind: 'help' }
  | { kind: 'list' }
  | { kind: 'decisions' }
  | { kind: 'export' }
  | { kind: 'agreements' }
  | { kind: 'set-manager'; managerId: string }
  | { kind: 'create'; managerId: string | undefined; need: string }
  | { kind: 'unresolved-mention'; name: string }
  | { kind: 'away'; until: string; deputyId?: string }
  | { kind: 'back' }
  | { kind: 'autonomy'; personId: string; granted: boolean }
  | { kind: 'usage'; of: 'away' | 'autonomy' };

export function parsePullCommand(slackText: string): PullCommand {
  const [first, rest] = splitFirst(slackText);
  const word = first.toLowerCase();
  if (first === '') return { kind: 'modal' };
  if ((word === 'help' || word === '?') && rest === '') return { kind: 'help' };
  if (word === 'list' && rest === '') return { kind: 'list' };
  if (word === 'back' && rest === '') return { kind: 'back' };
  if (word === 'away') {
    const [until, deputy] = splitFirst(rest);
    if (until === '') return { kind: 'usage', of: 'away' };
    if (deputy === '') return { kind: 'away', until: fromSlack(until) };
    const deputyId = parseMention(deputy);
    if (deputyId) return { kind: 'away', until: fromSlack(until), deputyId };
    if (deputy.startsWith('@')) return { kind: 'unresolved-mention', name: fromSlack(deputy) };
    return { kind: 'usage', of: 'away' };
  }
  if (word === 'autonomy') {
    const [target, extra] = splitFirst(rest);
    const off = target.toLowerCase() === 'off';
    const person = off ? extra : target;
    const personId = parseMention(person);
    if (personId && (off || extra === '')) return { kind: 'autonomy', personId, granted: !off };
    if (person.startsWith('@')) return { kind: 'unresolved-mention', name: fromSlack(person) };
    return { kind: 'usage', of: 'autonomy' };
  }
  if (word === 'decisions' && rest === '') return { kind: 'decisions' };
  // `/pull export pulls` looks like an operator's export; `/pull export the Q3 numbers` is a real pull.
  if (word === 'export' && /^(|pulls|pushes|recognitions|decisions|agreements)(\s|$)/i.test(rest))
    return { kind: 'export' };
  if (word === 'agreements' && rest === '') return { kind: 'agreements' };
  if (word === 'manager') {
    const [target, extra] = splitFirst(rest);
    const managerId = parseMention(target);
    if (managerId && extra === '') return { kind: 'set-manager', managerId };
    if (target.startsWith('@')) return { kind: 'unresolved-mention', name: fromSlack(target) };
    if (target === '') return { kind: 'help' };
  }
  const managerId = parseMention(first);
  if (managerId)
    return rest === '' ? { kind: 'modal', managerId } : { kind: 'create', managerId, need: fromSlack(rest) };
  // Slack turns a person picked from autocomplete into markup; a bare @word means we cannot know who it is.
  if (/^@[^\s]+$/.test(first)) return { kind: 'unresolved-mention', name: fromSlack(first) };
  return { kind: 'create', managerId: undefined, need: fromSlack(slackText.trim()) };
}

export type PushCommand =
  | { kind: 'list'; managerId?: string }
  | { kind: 'help' }
  | { kind: 'add'; title?: string }
  | { kind: 'update' | 'done' | 'drop'; position: number }
  | { kind: 'invalid'; reason: 'position' | 'mention' | 'unknown'; input: string };

export function parsePushCommand(slackText: string): PushCommand {
  const [first, rest] = splitFirst(slackText);
  const word = first.toLowerCase();
  const invalid = (reason: 'position' | 'mention' | 'unknown', input: string): PushCommand => ({
    kind: 'invalid',
    reason,
    input: fromSlack(input.trim()),
  });
  if (first === '' || (word === 'list' && rest === '')) return { kind: 'list' };
  if (word === 'help' || word === '?') return { kind: 'help' };
  if (word === 'list') {
    const managerId = parseMention(rest.trim());
    return managerId ? { kind: 'list', managerId } : invalid('mention', rest);
  }
  if (word === 'add') return rest === '' ? { kind: 'add' } : { kind: 'add', title: fromSlack(rest) };
  if (word === 'update' || word === 'done' || word === 'drop') {
    if (!/^\d{1,3}$/.test(rest.trim())) return invalid('position', rest);
    return { kind: word, position: Number(rest.trim()) };
  }
  const managerId = parseMention(first);
  if (managerId && rest === '') return { kind: 'list', managerId };
  return invalid('unknown', slackText);
}
