import { describe, expect, it } from 'vitest';
import type { Pull } from '../../src/db/schema.js';
import {
  managerPullMessage,
  pullList,
  pullModal,
  requesterUpdate,
  resolveModal,
} from '../../src/slack/blocks/pulls.js';
import { page, pullRow } from '../support/rows.js';

const NOW = Date.UTC(2026, 10, 24, 12);
const pull = (over: Partial<Pull> = {}): Pull =>
  pullRow({ id: 7, need: 'Discount for <Initech> & co?', createdAt: NOW - 3 * 3600_000, ...over });

const buttonsOf = (blocks: unknown[]) =>
  blocks.flatMap((b) =>
    (b as { type: string }).type === 'actions'
      ? (b as { elements: { text: { text: string } }[] }).elements.map((e) => e.text.text)
      : [],
  );

describe('managerPullMessage', () => {
  it('shows the five buttons on an open pull, with the pull id as value', () => {
    const { blocks, text } = managerPullMessage({ pull: pull(), now: NOW });
    expect(buttonsOf(blocks)).toEqual(['Acknowledge', 'Your call', 'Input', 'Decision', "Let's talk"]);
    expect(JSON.stringify(blocks)).toContain('"value":"7"');
    expect(text).toContain('<@UREQ1>');
    expect(JSON.stringify(blocks)).toContain('&lt;Initech&gt; &amp; co?');
    expect(JSON.stringify(blocks)).toContain('asked 3h ago');
  });

  it('says a new pull was asked just now, not "just now ago"', () => {
    const json = JSON.stringify(managerPullMessage({ pull: pull({ createdAt: NOW }), now: NOW }));
    expect(json).toContain('asked just now');
    expect(json).not.toContain('just now ago');
  });

  it('carries the whole request, split over sections of at most 3,000 characters', () => {
    const need = `${'&'.repeat(99)}\n`.repeat(30).trim();
    const { blocks } = managerPullMessage({ pull: pull({ need }), now: NOW });
    const quoted = blocks
      .flatMap((b) => (b.type === 'section' && b.text?.text.startsWith('>') ? [b.text.text] : []))
      .join('\n');
    for (const b of blocks) if (b.type === 'section') expect(b.text?.text.length).toBeLessThanOrEqual(3000);
    expect(quoted.replace(/^>/gm, '')).toBe(need.replace(/&/g, '&amp;'));
  });

  it('carries the whole context too, after the whole request, within 50 blocks', () => {
    const need = `${'&'.repeat(99)}\n`.repeat(30).trim();
    const context = `${'<'.repeat(99)}\n`.repeat(30).trim();
    const { blocks } = managerPullMessage({ pull: pull({ need, context }), now: NOW });
    expect(blocks.length).toBeLessThanOrEqual(50);
    const texts = blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
    const after = texts.slice(texts.indexOf('*Context:*') + 1).filter((t) => t.startsWith('>'));
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(3000);
    expect(after.join('\n').replace(/^>/gm, '')).toBe(context.replace(/</g, '&lt;'));
  });

  it('drops Acknowledge once acknowledged and shows the state', () => {
    const { blocks } = managerPullMessage({ pull: pull({ status: 'acknowledged' }), now: NOW });
    expect(buttonsOf(blocks)).toEqual(['Your call', 'Input', 'Decision', "Let's talk"]);
    expect(JSON.stringify(blocks)).toContain('Acknowledged');
  });

  it('shows the answer and no buttons once resolved', () => {
    const { blocks } = managerPullMessage({
      pull: pull({ status: 'resolved', resolution: 'decision', resolutionNote: 'Go <b>' }),
      now: NOW,
    });
    expect(buttonsOf(blocks)).toEqual([]);
    expect(JSON.stringify(blocks)).toContain('Answered: *Decision*');
    expect(JSON.stringify(blocks)).toContain('Go &lt;b&gt;');
  });

  it('shows kind, needed-by and related push', () => {
    const { blocks } = managerPullMessage({
      pull: pull({ kind: 'unblock', neededBy: '2026-12-01' }),
      pushTitle: 'Win <renewal>',
      now: NOW,
    });
    const json = JSON.stringify(blocks);
    expect(json).toContain('Unblock me');
    expect(json).toContain('Tue, Dec 1');
    expect(json).toContain('Win &lt;renewal&gt;');
  });
});

describe('requesterUpdate', () => {
  it('says who answered and how, with the note', () => {
    const update = requesterUpdate(
      pull({ status: 'resolved', resolution: 'your-call', resolutionNote: 'Trust you' }),
    );
    expect(update.text).toContain('Your call');
    expect(update.text).toContain('<@UMGR1>');
    expect(JSON.stringify(update.blocks)).toContain('Trust you');
  });
});

describe('pullList', () => {
  it('stays within 50 blocks with many pulls', () => {
    const many = Array.from({ length: 200 }, (_, i) => pull({ id: i + 1 }));
    const { blocks } = pullList(page(many), page(many), NOW);
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(blocks)).toContain('190 more pulls');
    const ids = blocks.flatMap((b) => (b.block_id ? [b.block_id] : []));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('modals', () => {
  it('pull modal caps the request at 3,000 characters and offers pushes when there are some', () => {
    const view = pullModal({ managerId: 'UMGR1', pushOptions: [{ id: 3, title: 'Win the renewal' }] });
    const json = JSON.stringify(view);
    expect(json).toContain('"max_length":3000');
    expect(json).toContain('"block_id":"push"');
    expect(json).toContain('"initial_user":"UMGR1"');
    expect(JSON.stringify(pullModal())).not.toContain('"block_id":"push"');
  });

  it('resolve modal requires a note only for Input and Decision', () => {
    const optional = (r: 'your-call' | 'input' | 'decision' | 'talk') =>
      (resolveModal(pull(), r).blocks.find((b) => b.type === 'input') as { optional: boolean }).optional;
    expect([optional('your-call'), optional('input'), optional('decision'), optional('talk')]).toEqual([
      true,
      false,
      false,
      true,
    ]);
  });
});
