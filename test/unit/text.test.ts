import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeText, parseMention, parsePullCommand, parsePushCommand } from '../../src/slack/text.js';

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
    expect(parsePullCommand('<@U1AB>')).toEqual({ kind: 'modal' });
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
  it('leaves no raw angle bracket in any output', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const out = escapeText(text);
        expect(out).not.toMatch(/[<>]/);
      }),
    );
  });
});
