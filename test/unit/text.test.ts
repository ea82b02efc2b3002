import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MARKUP, typedLength } from '../../src/domain/text.js';
import {
  atoms,
  cut,
  escapeText,
  excerpt,
  fromSlack,
  literal,
  parseMention,
  parsePullCommand,
  parsePushCommand,
  quote,
  quoteChunks,
  renderText,
  shownText,
  split,
} from '../../src/slack/text.js';

describe('parseMention', () => {
  it('reads both escaped forms', () => {
    expect(parseMention('<@U123ABC>')).toBe('U123ABC');
    expect(parseMention('<@U123ABC|maria>')).toBe('U123ABC');
    expect(parseMention('<@W0ENTERPRISE|x y>')).toBe('W0ENTERPRISE');
  });
  it('rejects anything else', () => {
    for (const token of ['@maria', '<!channel>', '<#C123|general>', 'U123', '<@u123>', '<@U123', '']) {
      expect(parseMention(token)).toBeUndefined();
    }
  });
});

describe('parsePullCommand: away, back, autonomy', () => {
  it('reads the date and the deputy of /pull away, and /pull back alone', () => {
    expect(parsePullCommand('away 2026-12-04')).toEqual({ kind: 'away', until: '2026-12-04' });
    expect(parsePullCommand('Away 2026-12-04 <@W0DEP1|sam>')).toEqual({
      kind: 'away',
      until: '2026-12-04',
      deputyId: 'W0DEP1',
    });
    expect(parsePullCommand('away')).toEqual({ kind: 'usage', of: 'away' });
    expect(parsePullCommand('away 2026-12-04 and more')).toEqual({ kind: 'usage', of: 'away' });
    expect(parsePullCommand('away 2026-12-04 @sam')).toEqual({ kind: 'unresolved-mention', name: '@sam' });
    // A malformed date is the domain's to refuse, with the person's own words shown back.
    expect(parsePullCommand('away next&amp;week')).toEqual({ kind: 'away', until: 'next&week' });
    expect(parsePullCommand('back')).toEqual({ kind: 'back' });
    expect(parsePullCommand('back from the offsite, need a call')).toMatchObject({ kind: 'create' });
  });

  it('reads /pull autonomy @person and /pull autonomy off @person', () => {
    expect(parsePullCommand('autonomy <@U0STAR1>')).toEqual({
      kind: 'autonomy',
      personId: 'U0STAR1',
      granted: true,
    });
    expect(parsePullCommand('autonomy off <@U0STAR1|star>')).toEqual({
      kind: 'autonomy',
      personId: 'U0STAR1',
      granted: false,
    });
    expect(parsePullCommand('autonomy')).toEqual({ kind: 'usage', of: 'autonomy' });
    expect(parsePullCommand('autonomy <@U0STAR1> <@U0STAR2>')).toEqual({ kind: 'usage', of: 'autonomy' });
    expect(parsePullCommand('autonomy @star')).toEqual({ kind: 'unresolved-mention', name: '@star' });
  });
});

describe('parsePullCommand', () => {
  it('reads every form', () => {
    expect(parsePullCommand('')).toEqual({ kind: 'modal' });
    expect(parsePullCommand('   ')).toEqual({ kind: 'modal' });
    expect(parsePullCommand('help')).toEqual({ kind: 'help' });
    expect(parsePullCommand('HELP')).toEqual({ kind: 'help' });
    expect(parsePullCommand('list')).toEqual({ kind: 'list' });
    expect(parsePullCommand('manager <@U1AB|maria>')).toEqual({ kind: 'set-manager', managerId: 'U1AB' });
    expect(parsePullCommand('<@U1AB|maria> price for Initech?')).toEqual({
      kind: 'create',
      managerId: 'U1AB',
      need: 'price for Initech?',
    });
    expect(parsePullCommand('<@U1AB>')).toEqual({ kind: 'modal', managerId: 'U1AB' });
    expect(parsePullCommand('price for Initech?')).toEqual({
      kind: 'create',
      managerId: undefined,
      need: 'price for Initech?',
    });
    expect(parsePullCommand('@maria hello')).toEqual({ kind: 'unresolved-mention', name: '@maria' });
  });

  it('tolerates odd spacing and keeps line breaks in the request', () => {
    expect(parsePullCommand('  \t<@U1AB>    two   spaces\nnext line ')).toEqual({
      kind: 'create',
      managerId: 'U1AB',
      need: 'two   spaces\nnext line',
    });
  });

  it('treats words that merely start like subcommands as requests', () => {
    expect(parsePullCommand('list the options for pricing')).toMatchObject({
      kind: 'create',
      need: 'list the options for pricing',
    });
    expect(parsePullCommand('help me decide on vendors')).toMatchObject({ kind: 'create' });
  });

  it('keeps very long text whole, for the domain to refuse', () => {
    const long = 'x'.repeat(10_000);
    expect(parsePullCommand(`<@U1AB> ${long}`)).toEqual({ kind: 'create', managerId: 'U1AB', need: long });
  });

  it('never throws and always returns a known kind', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (text) => {
        const parsed = parsePullCommand(text);
        expect(['modal', 'help', 'list', 'set-manager', 'create', 'unresolved-mention']).toContain(
          parsed.kind,
        );
      }),
    );
  });
});

describe('parsePushCommand', () => {
  it('reads every form', () => {
    expect(parsePushCommand('')).toEqual({ kind: 'list' });
    expect(parsePushCommand('list')).toEqual({ kind: 'list' });
    expect(parsePushCommand('list <@U9LEE|lee>')).toEqual({ kind: 'list', managerId: 'U9LEE' });
    expect(parsePushCommand('add')).toEqual({ kind: 'add' });
    expect(parsePushCommand('add Win the Initech renewal')).toEqual({
      kind: 'add',
      title: 'Win the Initech renewal',
    });
    expect(parsePushCommand('update 2')).toEqual({ kind: 'update', position: 2 });
    expect(parsePushCommand('done  1')).toEqual({ kind: 'done', position: 1 });
    expect(parsePushCommand('drop 3')).toEqual({ kind: 'drop', position: 3 });
    expect(parsePushCommand('help')).toEqual({ kind: 'help' });
  });
  it('marks bad positions and unknown words invalid', () => {
    expect(parsePushCommand('done abc')).toMatchObject({ kind: 'invalid', reason: 'position' });
    expect(parsePushCommand('update')).toMatchObject({ kind: 'invalid', reason: 'position' });
    expect(parsePushCommand('update -1')).toMatchObject({ kind: 'invalid', reason: 'position' });
    expect(parsePushCommand('list @lee')).toMatchObject({ kind: 'invalid', reason: 'mention' });
    expect(parsePushCommand('frobnicate')).toMatchObject({ kind: 'invalid', reason: 'unknown' });
  });
});

describe('escapeText', () => {
  it('escapes the three control characters', () => {
    expect(escapeText('a & b < c > d')).toBe('a &amp; b &lt; c &gt; d');
    expect(escapeText('<!channel>')).toBe('&lt;!channel&gt;');
  });
});

// ---- The text model: Slack's form in, typed text stored, escaped once out. ----

/** How Slack delivers text a person typed with no markup: the three characters as entities. */
const slackForm = escapeText;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const EMOJI = ['👍', '👍🏽', '👩‍👩‍👧‍👦', '🇫🇷', 'é', '☕️', '𝄞'];
/** Typed text heavy in the characters that break things: entities, brackets, emoji, newlines. */
const typed = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.constantFrom(
        '&',
        '<',
        '>',
        '&amp;',
        '<draft>',
        '\n',
        ' ',
        'Q&A',
        '@channel',
        '<@U1AB>',
        '<https://x.io|x>',
        '<!here>',
        ...EMOJI,
      ),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

/** Slack markup as it arrives in a command or message. */
const markup = fc.constantFrom(
  '<@U0MARIA1|maria>',
  '<@W0GRID01>',
  '<#C0GENERAL|general>',
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<!here|here>',
  '<!subteam^S0TEAM01|@design>',
  '<https://example.com/a?b=1&amp;c=2|the doc>',
  '<https://example.com>',
  '<mailto:ana@example.com|ana@example.com>',
);
/** Command text exactly as Slack sends it: typed parts escaped, markup between them. */
const delivered = fc
  .array(fc.oneof(typed.map(slackForm), markup), { maxLength: 12 })
  .map((parts) => parts.join(' '));

describe('fromSlack: decoding at the edge', () => {
  it('drops U+0000, which PostgreSQL text cannot hold, so both stores keep the same words', () => {
    expect(fromSlack('ship\u0000 it <#C0GENERAL|gen\u0000eral>')).toBe('ship it <#C0GENERAL|general>');
    expect(literal('a\u0000b\u0000')).toBe('ab');
  });

  it('gives back what the person typed', () => {
    expect(fromSlack('Q&amp;A on the &lt;draft&gt;')).toBe('Q&A on the <draft>');
    expect(fromSlack('&amp;lt; is how you write &lt;')).toBe('&lt; is how you write <');
  });

  it('keeps people as canonical mentions, channels and links as markup, and never keeps a broadcast', () => {
    expect(fromSlack('<@U0MARIA1|maria> and <@W0GRID01>')).toBe('<@U0MARIA1> and <@W0GRID01>');
    expect(fromSlack('see <#C0GENERAL|general>')).toBe('see <#C0GENERAL|general>');
    expect(fromSlack('<https://x.io/a?b&amp;c|doc> <https://x.io>')).toBe(
      '<https://x.io/a?b&amp;c|doc> <https://x.io>',
    );
    expect(fromSlack('<!channel> <!here|here> <!everyone>')).toBe('@channel @here @everyone');
    expect(fromSlack('ping <!subteam^S0TEAM01|@design>')).toBe('ping @design');
    expect(fromSlack('due <!date^1700000000^{date}|Nov 14>')).toBe('due Nov 14');
  });

  it('keeps typed-out markup plain, from a command or a form', () => {
    expect(renderText(fromSlack('&lt;@U1AB&gt; &lt;!channel&gt; &lt;https://x.io|x&gt;'))).toBe(
      '&lt;@U1AB&gt; &lt;!channel&gt; &lt;https://x.io|x&gt;',
    );
    expect(renderText(literal('<@UFAKE999> <https://evil.example|x> <#C1>'))).toBe(
      '&lt;@UFAKE999&gt; &lt;https://evil.example|x&gt; &lt;#C1&gt;',
    );
    expect(typedLength(literal('<@U1AB>'))).toBe(7);
  });

  it('round trips: typed text, sent as Slack sends it, decodes to exactly what was typed', () => {
    fc.assert(
      fc.property(typed, (t) => {
        expect(shownText(fromSlack(slackForm(t)))).toBe(t);
      }),
    );
  });

  it('round trips: rendering decoded text gives Slack form back, escaped exactly once', () => {
    fc.assert(
      fc.property(typed, (t) => {
        expect(renderText(fromSlack(slackForm(t)))).toBe(slackForm(t));
      }),
    );
  });

  it('renders any delivered text with mentions kept, broadcasts inert, and every & an entity', () => {
    fc.assert(
      fc.property(delivered, (text) => {
        const out = renderText(fromSlack(text));
        expect(out).not.toMatch(/<!/);
        expect(out).not.toMatch(/&(?!amp;|lt;|gt;)/);
        for (const id of text.matchAll(/<@([UW][A-Z0-9]+)\|?[^>]*>/g)) expect(out).toContain(`<@${id[1]}>`);
        for (const token of out.matchAll(/<[^>]*>/g)) expect(token[0]).toMatch(MARKUP);
      }),
    );
  });
});

describe('typedLength: limits count what was typed', () => {
  it('counts characters a person sees', () => {
    expect(typedLength('Q&A on the <draft>')).toBe(18);
    expect(typedLength(fromSlack('Q&amp;A'))).toBe(3);
    expect(typedLength('👍🏽👩‍👩‍👧‍👦🇫🇷')).toBe(3);
    expect(typedLength('<@U0MARIA1>')).toBe('@U0MARIA1'.length);
    expect(typedLength('<https://x.io|doc>')).toBe(3);
    expect(typedLength(fromSlack('&amp;'.repeat(3000)))).toBe(3000);
  });
  it('counts graphemes of what is shown, for any text (the plain-ASCII shortcut included)', () => {
    const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'grapheme' }),
          fc.constantFrom('a\r\nb', '\r\n', 'e\u0301', '\t\n'),
        ),
        (text) => {
          expect(typedLength(text)).toBe([...segmenter.segment(shownText(text))].length);
        },
      ),
      { numRuns: 300 },
    );
  });
  it('shows markup as a reader sees it', () => {
    expect(shownText('<@U1AB> see <#C1|general> and <https://x.io|the doc> &amp;')).toBe(
      '@U1AB see #general and the doc &amp;',
    );
  });
});

/** Does `prefix` end on a boundary between whole pieces of `text`? */
function onBoundary(text: string, prefix: string): boolean {
  let at = 0;
  for (const atom of atoms(text)) {
    if (at === prefix.length) return true;
    at += atom.length;
  }
  return at === prefix.length;
}

describe('cut: never half a character, an entity or a piece of markup', () => {
  it('cuts by grapheme and says so', () => {
    expect(cut('abcdef', 4)).toBe('abc…');
    expect(cut('abc', 3)).toBe('abc');
    expect(cut('ab👍🏽cd', 4)).toBe('ab…');
    expect(cut('a&amp;b', 4)).toBe('a…');
    expect(cut('a <@U123> b', 8)).toBe('a …');
  });

  it('holds at every cut point of rendered text', () => {
    fc.assert(
      fc.property(delivered, fc.integer({ min: 1, max: 400 }), (text, max) => {
        const rendered = renderText(fromSlack(text));
        const out = cut(rendered, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(out).not.toMatch(LONE_SURROGATE);
        if (out === rendered) return;
        const prefix = out.slice(0, -1);
        expect(out.endsWith('…')).toBe(true);
        expect(rendered.startsWith(prefix)).toBe(true);
        expect(onBoundary(rendered, prefix)).toBe(true);
        expect(prefix).not.toMatch(/&[a-z]*$/);
        expect(prefix).not.toMatch(/<[^>]*$/);
      }),
    );
  });

  it('cuts an emoji nowhere, whatever its position', () => {
    for (const emoji of EMOJI)
      for (let at = 0; at < 6; at++)
        for (let max = 1; max < 12; max++) {
          const out = cut(`${'x'.repeat(at)}${emoji}${'y'.repeat(4)}`, max);
          expect(out).not.toMatch(LONE_SURROGATE);
          expect(out.replace(/…$/, '')).toMatch(new RegExp(`^x{0,${at}}(${emoji}y{0,4})?$`, 'u'));
        }
  });
});

describe('split and quoteChunks: the whole text, in pieces Slack accepts', () => {
  it('split loses nothing and keeps every piece within the limit', () => {
    fc.assert(
      fc.property(delivered, fc.integer({ min: 60, max: 300 }), (text, max) => {
        const rendered = renderText(fromSlack(text));
        const parts = split(rendered, max);
        expect(parts.join('')).toBe(rendered);
        for (const part of parts) {
          expect(part.length).toBeLessThanOrEqual(max);
          expect(part).not.toMatch(LONE_SURROGATE);
        }
      }),
    );
  });

  it('quotes 3,000 typed ampersands and newlines in full, every piece ≤ 3,000 characters', () => {
    const need = fromSlack(`${'&amp;'.repeat(99)}\n`.repeat(30).trim());
    expect(typedLength(need)).toBe(2999);
    const chunks = quoteChunks(need);
    expect(chunks.length).toBeGreaterThan(4);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(3000);
    const back = chunks
      .join('\n')
      .split('\n')
      .map((line) => line.replace(/^>/, ''))
      .join('\n');
    expect(back).toBe(renderText(need));
  });

  it('quotes a single line of 3,000 ampersands in full too', () => {
    const chunks = quoteChunks('&'.repeat(3000));
    expect(chunks.join('').replace(/[>\n]/g, '')).toBe('&amp;'.repeat(3000));
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(3000);
  });

  it('excerpt flattens to one line, escaped once', () => {
    expect(excerpt('Q&A\non the <draft>')).toBe('Q&amp;A on the &lt;draft&gt;');
    expect(excerpt('<@U1AB> can you?')).toBe('<@U1AB> can you?');
  });
});

describe('command parsers decode what they hand back', () => {
  it('/pull: the need is typed text', () => {
    expect(parsePullCommand('<@U1AB|maya> Q&amp;A on the &lt;draft&gt; <!channel>')).toEqual({
      kind: 'create',
      managerId: 'U1AB',
      need: 'Q&A on the <draft> @channel',
    });
    expect(parsePullCommand('<!here> can someone look?')).toEqual({
      kind: 'create',
      managerId: undefined,
      need: '@here can someone look?',
    });
  });
  it('/push: the title and a bad input are typed text', () => {
    expect(parsePushCommand('add R&amp;D &lt;2027&gt;')).toEqual({ kind: 'add', title: 'R&D <2027>' });
    expect(parsePushCommand('frob &amp;')).toMatchObject({ kind: 'invalid', input: 'frob &' });
  });
});

describe('quote', () => {
  it('marks a text too long for one quote with exactly one ellipsis', () => {
    for (const stored of [
      'a'.repeat(5_000),
      `${'b'.repeat(2_990)}\n${'c'.repeat(2_990)}`,
      '&'.repeat(3_000),
    ]) {
      const quoted = quote(stored, 3_000);
      expect(quoted.length).toBeLessThanOrEqual(3_000);
      expect(quoted.endsWith('…')).toBe(true);
      expect(quoted.endsWith('……')).toBe(false);
    }
    expect(quote('short & sweet')).toBe('>short &amp; sweet');
  });
});
