// The strict validator behind the fake Slack, and the fake's answers to a breach: known-good blocks pass,
// each known-bad one is caught with Slack's pointer, and the fake answers the way Slack does.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Breach, validateBlocks, validateMessage, validateView } from '../support/block-kit.js';
import { FakeSlack } from '../support/fake-slack.js';
import {
  assertSlackForm,
  channel,
  escapeTyped,
  link,
  mention,
  SlackDriver,
  special,
  typed,
} from '../support/slack-driver.js';

const plain = (text: string) => ({ type: 'plain_text', text });
const md = (text: string) => ({ type: 'mrkdwn', text });
const section = (text: string) => ({ type: 'section', text: md(text) });
const option = (text: string, value = 'v') => ({ text: plain(text), value });
const pointers = (breaches: Breach[]) => breaches.map((b) => b.pointer);
const modal = (extra: Record<string, unknown> = {}) => ({
  type: 'modal',
  title: plain('Pull someone in'),
  submit: plain('Send'),
  close: plain('Cancel'),
  blocks: [],
  ...extra,
});

describe('validateBlocks accepts what Slack accepts', () => {
  it('passes a message at every limit exactly', () => {
    const blocks = [
      { type: 'header', text: plain('h'.repeat(150)) },
      { type: 'section', text: md('s'.repeat(3000)), block_id: 'b'.repeat(255) },
      { type: 'section', fields: Array.from({ length: 10 }, () => md('f'.repeat(2000))) },
      { type: 'context', elements: Array.from({ length: 10 }, () => md('c')) },
      {
        type: 'actions',
        elements: Array.from({ length: 25 }, (_, i) => ({
          type: 'button',
          action_id: `a${i}`,
          text: plain('t'.repeat(75)),
          value: 'v'.repeat(2000),
        })),
      },
      {
        type: 'section',
        text: md('pick'),
        accessory: {
          type: 'static_select',
          action_id: 'pick',
          options: Array.from({ length: 100 }, (_, i) => option('o'.repeat(75), `${i}`.padEnd(150, 'x'))),
          initial_option: option('o'.repeat(75), '7'.padEnd(150, 'x')),
        },
      },
      { type: 'divider' },
      ...Array.from({ length: 43 }, (_, i) => section(`line ${i}`)),
    ];
    expect(blocks).toHaveLength(50);
    expect(validateBlocks(blocks, 'message')).toEqual([]);
  });

  it('counts characters, not UTF-16 units: 3,000 emoji fit a section', () => {
    expect(validateBlocks([section('🎉'.repeat(3000))], 'message')).toEqual([]);
  });

  it('allows the same action_id in different blocks (input blocks of a modal)', () => {
    const input = (block_id: string) => ({
      type: 'input',
      block_id,
      label: plain('L'),
      element: { type: 'plain_text_input', action_id: 'value' },
    });
    expect(validateView(modal({ blocks: [input('a'), input('b')] }))).toEqual([]);
  });

  it('passes a Home view of 100 blocks', () => {
    const view = { type: 'home', blocks: Array.from({ length: 100 }, () => ({ type: 'divider' })) };
    expect(validateView(view)).toEqual([]);
  });
});

describe('validateBlocks refuses what Slack refuses', () => {
  const cases: [string, unknown[], string][] = [
    ['51 blocks in a message', Array.from({ length: 51 }, () => ({ type: 'divider' })), '/blocks'],
    ['section text over 3,000', [section('s'.repeat(3001))], '/blocks/0/text/text'],
    ['an empty section text', [section('')], '/blocks/0/text/text'],
    [
      '11 section fields',
      [{ type: 'section', fields: Array.from({ length: 11 }, () => md('f')) }],
      '/blocks/0/fields',
    ],
    ['a field over 2,000', [{ type: 'section', fields: [md('f'.repeat(2001))] }], '/blocks/0/fields/0/text'],
    ['a header over 150', [{ type: 'header', text: plain('h'.repeat(151)) }], '/blocks/0/text/text'],
    ['a mrkdwn header', [{ type: 'header', text: md('*h*') }], '/blocks/0/text/type'],
    [
      '11 context elements',
      [{ type: 'context', elements: Array.from({ length: 11 }, () => md('c')) }],
      '/blocks/0/elements',
    ],
    [
      '26 action elements',
      [
        {
          type: 'actions',
          elements: Array.from({ length: 26 }, (_, i) => ({
            type: 'button',
            action_id: `a${i}`,
            text: plain('b'),
          })),
        },
      ],
      '/blocks/0/elements',
    ],
    [
      'button text over 75',
      [{ type: 'actions', elements: [{ type: 'button', action_id: 'a', text: plain('b'.repeat(76)) }] }],
      '/blocks/0/elements/0/text/text',
    ],
    [
      'a mrkdwn button',
      [{ type: 'actions', elements: [{ type: 'button', action_id: 'a', text: md('b') }] }],
      '/blocks/0/elements/0/text/type',
    ],
    [
      'button value over 2,000',
      [
        {
          type: 'actions',
          elements: [{ type: 'button', action_id: 'a', text: plain('b'), value: 'v'.repeat(2001) }],
        },
      ],
      '/blocks/0/elements/0/value',
    ],
    [
      'an action_id over 255',
      [{ type: 'actions', elements: [{ type: 'button', action_id: 'a'.repeat(256), text: plain('b') }] }],
      '/blocks/0/elements/0/action_id',
    ],
    [
      'a repeated action_id in one block',
      [
        {
          type: 'actions',
          elements: [
            { type: 'button', action_id: 'same', text: plain('1') },
            { type: 'button', action_id: 'same', text: plain('2') },
          ],
        },
      ],
      '/blocks/0/elements/1/action_id',
    ],
    [
      'a repeated block_id',
      [
        { ...section('a'), block_id: 'x' },
        { ...section('b'), block_id: 'x' },
      ],
      '/blocks/1/block_id',
    ],
    ['a block_id over 255', [{ ...section('a'), block_id: 'x'.repeat(256) }], '/blocks/0/block_id'],
    [
      'option text over 75',
      [
        {
          type: 'section',
          text: md('m'),
          accessory: { type: 'static_select', action_id: 's', options: [option('o'.repeat(76))] },
        },
      ],
      '/blocks/0/accessory/options/0/text/text',
    ],
    [
      'option value over 150',
      [
        {
          type: 'section',
          text: md('m'),
          accessory: { type: 'static_select', action_id: 's', options: [option('o', 'v'.repeat(151))] },
        },
      ],
      '/blocks/0/accessory/options/0/value',
    ],
    [
      'a mrkdwn option in a select',
      [
        {
          type: 'section',
          text: md('m'),
          accessory: { type: 'static_select', action_id: 's', options: [{ text: md('o'), value: 'v' }] },
        },
      ],
      '/blocks/0/accessory/options/0/text/type',
    ],
    [
      'an option description over 75',
      [
        {
          type: 'section',
          text: md('m'),
          accessory: {
            type: 'radio_buttons',
            action_id: 'r',
            options: [{ ...option('o'), description: plain('d'.repeat(76)) }],
          },
        },
      ],
      '/blocks/0/accessory/options/0/description/text',
    ],
    [
      '101 select options',
      [
        {
          type: 'section',
          text: md('m'),
          accessory: {
            type: 'static_select',
            action_id: 's',
            options: Array.from({ length: 101 }, (_, i) => option('o', `${i}`)),
          },
        },
      ],
      '/blocks/0/accessory/options',
    ],
    [
      '6 overflow options',
      [
        {
          type: 'section',
          text: md('m'),
          accessory: {
            type: 'overflow',
            action_id: 'o',
            options: Array.from({ length: 6 }, (_, i) => option('o', `${i}`)),
          },
        },
      ],
      '/blocks/0/accessory/options',
    ],
    [
      '11 checkboxes',
      [
        {
          type: 'input',
          label: plain('L'),
          element: {
            type: 'checkboxes',
            action_id: 'c',
            options: Array.from({ length: 11 }, (_, i) => option('o', `${i}`)),
          },
        },
      ],
      '/blocks/0/element/options',
    ],
    [
      'an initial_option not among the options',
      [
        {
          type: 'section',
          text: md('m'),
          accessory: {
            type: 'static_select',
            action_id: 's',
            options: [option('a', 'a')],
            initial_option: option('b', 'b'),
          },
        },
      ],
      '/blocks/0/accessory/initial_option',
    ],
    [
      'a placeholder over 150',
      [
        {
          type: 'input',
          label: plain('L'),
          element: { type: 'plain_text_input', action_id: 'v', placeholder: plain('p'.repeat(151)) },
        },
      ],
      '/blocks/0/element/placeholder/text',
    ],
    [
      'an initial_value over max_length',
      [
        {
          type: 'input',
          label: plain('L'),
          element: { type: 'plain_text_input', action_id: 'v', max_length: 5, initial_value: '123456' },
        },
      ],
      '/blocks/0/element/initial_value',
    ],
    [
      'an input label over 2,000',
      [{ type: 'input', label: plain('L'.repeat(2001)), element: { type: 'plain_text_input' } }],
      '/blocks/0/label/text',
    ],
    ['an unknown block type', [{ type: 'sektion', text: md('x') }], '/blocks/0/type'],
    [
      'an unknown element type',
      [{ type: 'actions', elements: [{ type: 'buton', action_id: 'a', text: plain('b') }] }],
      '/blocks/0/elements/0/type',
    ],
  ];
  for (const [name, blocks, pointer] of cases) {
    it(`catches ${name}`, () => {
      expect(pointers(validateBlocks(blocks, 'message'))).toContain(pointer);
    });
  }

  it('reads blocks the Web API client sent as a JSON string', () => {
    expect(pointers(validateBlocks(JSON.stringify([section('s'.repeat(3001))]), 'message'))).toEqual([
      '/blocks/0/text/text',
    ]);
  });

  it('cites a documentation page for every breach', () => {
    const all = validateBlocks([section(''), { type: 'header', text: md('') }], 'message');
    expect(all.length).toBeGreaterThan(0);
    for (const b of all) expect(b.doc).toMatch(/^https:\/\/docs\.slack\.dev\/reference\//);
  });
});

describe('validateView', () => {
  it('refuses 101 blocks, a long title, submit and close, metadata and callback_id', () => {
    const view = modal({
      title: plain('t'.repeat(25)),
      submit: plain('s'.repeat(25)),
      close: plain('c'.repeat(25)),
      private_metadata: 'm'.repeat(3001),
      callback_id: 'c'.repeat(256),
      blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })),
    });
    expect(pointers(validateView(view)).sort()).toEqual(
      [
        '/view/blocks',
        '/view/callback_id',
        '/view/close/text',
        '/view/private_metadata',
        '/view/submit/text',
        '/view/title/text',
      ].sort(),
    );
  });

  it('refuses a mrkdwn title and an input block without submit', () => {
    const view = {
      type: 'modal',
      title: md('T'),
      blocks: [{ type: 'input', label: plain('L'), element: { type: 'plain_text_input', action_id: 'v' } }],
    };
    expect(pointers(validateView(view))).toEqual(['/view/title/type', '/view/submit']);
  });
});

describe('validateMessage', () => {
  it('wants a text fallback with blocks on chat methods', () => {
    expect(pointers(validateMessage({ blocks: [section('x')] }, { requireText: true, doc: '' }))).toEqual([
      '/text',
    ]);
    expect(validateMessage({ blocks: [section('x')], text: 'x' }, { requireText: true, doc: '' })).toEqual(
      [],
    );
    expect(validateMessage({ blocks: [section('x')] }, { requireText: false, doc: '' })).toEqual([]);
  });

  it('refuses text past 40,000 characters, which Slack truncates', () => {
    expect(pointers(validateMessage({ text: 'x'.repeat(40_001) }, { requireText: true, doc: '' }))).toEqual([
      '/text',
    ]);
    expect(validateMessage({ text: 'x'.repeat(40_000) }, { requireText: true, doc: '' })).toEqual([]);
  });
});

describe('the fake answers a breach as Slack does and records it', () => {
  let fake: FakeSlack;
  beforeEach(async () => {
    fake = await new FakeSlack().start();
  });
  afterEach(async () => {
    await fake.stop();
  });
  const call = async (method: string, args: Record<string, unknown>) => {
    const res = await fetch(`${fake.apiUrl}${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(args),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('answers invalid_blocks with pointers, HTTP 200, and records the violation', async () => {
    const res = await call('chat.postMessage', {
      channel: 'C1',
      text: 'x',
      blocks: [section('s'.repeat(3001))],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ok: false,
      error: 'invalid_blocks',
      errors: [expect.stringContaining('[json-pointer:/blocks/0/text/text]')],
      response_metadata: {
        messages: [expect.stringMatching(/^\[ERROR\] must be less than 3001 characters/)],
      },
    });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0);
    expect(fake.callsTo('chat.postMessage#invalid_blocks')).toHaveLength(1);
    expect(fake.takeViolations().map((v) => v.method)).toEqual(['chat.postMessage']);
  });

  it('posts a message with blocks but no text, and still records the missing fallback', async () => {
    const res = await call('chat.postMessage', { channel: 'C1', blocks: [section('x')] });
    expect(res.body.ok).toBe(true);
    expect(fake.takeViolations()[0]?.breaches[0]?.message).toContain('missing_text_or_fallback');
  });

  it('answers invalid_arguments for a bad view and for missing arguments', async () => {
    const bad = await call('views.open', { trigger_id: 't1', view: modal({ title: plain('t'.repeat(25)) }) });
    expect(bad.body).toMatchObject({ ok: false, error: 'invalid_arguments' });
    expect(JSON.stringify(bad.body)).toContain('[json-pointer:/view/title/text]');
    expect((await call('views.open', { view: modal() })).body.error).toBe('invalid_arguments');
    expect((await call('views.publish', { view: { type: 'home', blocks: [] } })).body.error).toBe(
      'invalid_arguments',
    );
    expect((await call('views.publish', { user_id: 'U1', view: modal() })).body.error).toBe(
      'invalid_arguments',
    );
    expect((await call('chat.postMessage', { text: 'x' })).body.error).toBe('channel_not_found');
    expect(fake.takeViolations()).toHaveLength(5);
  });

  it('takes a trigger id once: a second views.open with it is expired_trigger_id', async () => {
    expect((await call('views.open', { trigger_id: 't2', view: modal() })).body.ok).toBe(true);
    expect((await call('views.open', { trigger_id: 't2', view: modal() })).body).toEqual({
      ok: false,
      error: 'expired_trigger_id',
    });
  });

  it('refuses a trigger id used after three seconds', async () => {
    fake.triggerTtlMs = -1; // every use is later than that, without waiting three real seconds
    fake.issueTrigger('t3');
    expect((await call('views.open', { trigger_id: 't3', view: modal() })).body.error).toBe(
      'expired_trigger_id',
    );
  });

  it('refuses a response_url body with bad blocks and records it', async () => {
    const res = await fetch(fake.responseUrl('r1'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) }),
    });
    expect(await res.json()).toEqual({ ok: false, error: 'invalid_blocks' });
    expect(fake.responses).toHaveLength(0);
    expect(fake.takeViolations()[0]?.method).toBe('response_url');
  });
});

describe('text as Slack sends it', () => {
  it('builds Slack’s form from what a person typed', () => {
    expect(typed`${mention('UMGR0001', 'maya')} Q&A on the <draft>`).toBe(
      '<@UMGR0001|maya> Q&amp;A on the &lt;draft&gt;',
    );
    expect(typed`${mention('W0ENTER1')} ${channel('C0KUDOS1', 'kudos')} ${special('here')}`).toBe(
      '<@W0ENTER1> <#C0KUDOS1|kudos> <!here>',
    );
    expect(typed`see ${link('https://x.example/?a=1&b=2', 'Q&A')}`).toBe(
      'see <https://x.example/?a=1&amp;b=2|Q&amp;A>',
    );
    expect(typed`${'typed &amp; literally'}`).toBe('typed &amp;amp; literally');
  });

  it('refuses text Slack could never send', () => {
    for (const raw of ['Q&A', 'a < b', 'a > b', '<draft>', '&nbsp;', '<https://x|a&b>', '<@UMGR0001 oops'])
      expect(() => assertSlackForm(raw), raw).toThrow(/Slack never sends/);
    for (const ok of [
      escapeTyped('Q&A <draft> > x'),
      '<@U1ABC|x> <!channel> <#C1|c> <https://x.example|a &amp; b>',
      '',
    ])
      expect(() => assertSlackForm(ok), ok).not.toThrow();
  });
});

describe('the driver checks what the app answers in its ack', () => {
  it('records a bad view in a view_submission ack and a bad command reply on the fake', async () => {
    const fake = await new FakeSlack().start();
    // A stand-in app that answers every request with whatever `reply` holds.
    let reply: unknown = {};
    const app = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const { port } = app.address() as AddressInfo;
    const slack = new SlackDriver(`http://127.0.0.1:${port}`, 'secret', fake);
    try {
      reply = { response_action: 'update', view: modal({ title: plain('t'.repeat(25)) }) };
      await slack.viewSubmission('U1', 'cb', {});
      reply = { response_type: 'ephemeral', text: 'x', blocks: [section('s'.repeat(3001))] };
      await slack.command('/pull', 'list', 'U1');
      reply = { response_action: 'errors', errors: { need: '' } };
      await slack.viewSubmission('U1', 'cb', {});
      reply = { response_type: 'ephemeral', text: 'fine' };
      await slack.command('/pull', 'list', 'U1');
      expect(fake.takeViolations().map((v) => [v.method, v.breaches[0]?.pointer])).toEqual([
        ['ack:view_submission', '/view/title/text'],
        ['ack:/pull', '/blocks/0/text/text'],
        ['ack:view_submission', '/errors'],
      ]);
    } finally {
      await new Promise<void>((resolve) => app.close(() => resolve()));
      await fake.stop();
    }
  });
});
