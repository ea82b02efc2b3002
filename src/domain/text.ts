// What a person typed, as Pushpull stores it: the markup it may hold, what a reader sees, and how long it is.
// The whole text model is described in src/slack/text.ts; the domain only needs to count and show.

/**
 * The Slack markup stored text may keep: a person (`<@U123>`), a channel (`<#C123|general>`) and a link
 * (`<https://x|label>`, `<mailto:a@b.co>`). Broadcasts (`<!channel>`) are never kept: they are plain text by then.
 */
export const MARKUP =
  /<(?:@[UW][A-Z0-9]+|#[CG][A-Z0-9]+(?:\|[^<>]*)?|(?:https?:\/\/|mailto:)[^<>|\s]+(?:\|[^<>]*)?)>/;

const MARKUP_SPLIT = new RegExp(`(${MARKUP.source})`);
const MARKUP_ALL = new RegExp(MARKUP.source, 'g');

/**
 * Kept after a typed `<` that would otherwise read as markup (`<@U123>` typed out in a form, or `&lt;@U123&gt;`
 * in a command): a word joiner, which no reader sees and which makes the text no longer markup.
 */
export const INERT = '\u2060';

/**
 * Text the person typed character by character: any markup-looking part of it stays plain text — except the
 * tokens in `keep`, which Pushpull itself put in a form's initial value (a mention Slack made earlier) and which
 * come back unchanged when the person submits the form as it was.
 */
export function literal(typed: string, keep: readonly string[] = []): string {
  return withoutNul(typed).replace(MARKUP_ALL, (token) =>
    keep.includes(token) ? token : `<${INERT}${token.slice(1)}`,
  );
}

/**
 * Text without U+0000: no one means it, no reader sees it, and PostgreSQL's text cannot hold it (SQLite's can),
 * so it is dropped where text comes in and both stores keep the same words.
 */
export function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '') : text;
}

/** The markup tokens stored text holds (a form prefilled with it keeps exactly these when sent back). */
export function markupTokens(stored: string): string[] {
  return [...new Set(splitMarkup(stored).filter((_, i) => i % 2 === 1))];
}

/** Stored text as alternating plain text (even indexes) and markup tokens (odd indexes). */
export function splitMarkup(stored: string): string[] {
  return stored.split(MARKUP_SPLIT);
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

/** Slack's three entities back to the characters typed. */
export function decodeEntities(text: string): string {
  return text.replace(/&(?:amp|lt|gt);/g, (entity) => ENTITIES[entity] ?? entity);
}

/** What a reader sees of one markup token: `@U123`, `#general`, a link's label or its address. */
export function shownToken(token: string): string {
  const inner = token.slice(1, -1);
  if (inner.startsWith('@')) return inner;
  const bar = inner.indexOf('|');
  if (inner.startsWith('#')) return bar < 0 ? inner : `#${decodeEntities(inner.slice(bar + 1))}`;
  const label = bar < 0 ? '' : decodeEntities(inner.slice(bar + 1));
  return label || decodeEntities(bar < 0 ? inner : inner.slice(0, bar)).replace(/^mailto:/, '');
}

/** Stored text as a reader sees it, with no markup: for plain-text places and counting. */
/** What the person typed, markup as stored: only the invisible mark that keeps typed-out markup plain is dropped. */
export function typedText<T extends string | null>(stored: T): T {
  return (stored === null ? null : stored.replaceAll(INERT, '')) as T;
}

export function shownText(stored: string): string {
  return splitMarkup(stored)
    .map((part, i) => (i % 2 === 1 ? shownToken(part) : part.replaceAll(INERT, '')))
    .join('');
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** How many characters a person typed, as they count them: graphemes of what they see (an emoji is one). */
export function typedLength(stored: string): number {
  const shown = shownText(stored);
  // Printable ASCII (and newlines, tabs) is one grapheme per character: no need to segment the common case.
  if (PLAIN_ASCII.test(shown)) return shown.length;
  let count = 0;
  for (const _ of graphemes.segment(shown)) count += 1;
  return count;
}

const PLAIN_ASCII = /^[\x20-\x7e\t\n]*$/;

/** A zod refinement's predicate: stored text within `max` typed characters. */
export const withinTyped = (max: number) => (stored: string) => typedLength(stored) <= max;
