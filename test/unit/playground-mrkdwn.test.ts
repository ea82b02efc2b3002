// The playground's mrkdwn renderer: Slack's markup and entities read as Slack shows them, and nothing the app
// sends can become HTML in the page.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mrkdwn, plain } from '../../src/playground/client/mrkdwn.js';
import { renderText } from '../../src/slack/text.js';

const names = (id: string) => ({ UMAYA01: 'Maya Okafor' })[id] ?? id;

describe('mrkdwn', () => {
  it('shows mentions as names, channels and links by their labels, and decodes entities once', () => {
    expect(mrkdwn('<@UMAYA01> asked about <#C0SALES01|sales>: Q&amp;A &lt;draft&gt;', names)).toBe(
      '<span class="mention">@Maya Okafor</span> asked about <span class="mention">#sales</span>: Q&amp;A &lt;draft&gt;',
    );
    expect(mrkdwn('<https://example.com/a?b=1&amp;c=2|the doc>', names)).toBe(
      '<a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noreferrer">the doc</a>',
    );
    expect(mrkdwn('<!here> now', names)).toBe('<span class="mention">@here</span> now');
  });

  it('styles bold, italics and strike, even across a mention, and draws quotes and emoji', () => {
    expect(mrkdwn('*Your call.* _Last update by <@UMAYA01>: fine._', names)).toBe(
      '<b>Your call.</b> <i>Last update by <span class="mention">@Maya Okafor</span>: fine.</i>',
    );
    expect(mrkdwn('>quoted\n:white_check_mark: done :not_an_emoji:', names)).toBe(
      '<blockquote>quoted</blockquote><br>✅ done :not_an_emoji:',
    );
    expect(plain(':tada: <b>')).toBe('🎉 &lt;b&gt;');
  });

  it('never lets text become markup in the page, escaped by the app or not', () => {
    const allowed = ['b', 'i', 's', 'code', 'pre', 'br', 'blockquote', 'span', 'a'];
    fc.assert(
      fc.property(fc.string(), fc.boolean(), (typed, escaped) => {
        const html = mrkdwn(escaped ? renderText(typed) : typed, names);
        // Only the tags the renderer itself writes, and no link that runs script.
        for (const m of html.matchAll(/<\/?([a-z]*)/g)) expect(allowed).toContain(m[1]);
        expect(html).not.toMatch(/href="(?!https?:|mailto:|tel:|#")/i);
      }),
      { numRuns: 500 },
    );
    expect(mrkdwn('<javascript:alert(1)|click>', names)).toContain('href="#"');
  });
});
