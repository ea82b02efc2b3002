// Block Kit for the define-success handshake: the three modals, the requester's DM, the manager's side-by-side,
// and agreements wherever they are listed.
import type { KnownBlock, ModalView } from '@slack/types';
import type { Agreement, Pull } from '../../db/schema.js';
import { AGREEMENT_FIELD_MAX } from '../../domain/agreements.js';
import type { Page } from '../../domain/pulls.js';
import { excerpt, mention, quote } from '../text.js';
import {
  actions,
  ago,
  type Blocks,
  button,
  capBlocks,
  context,
  formatDate,
  header,
  LIMITS,
  listed,
  section,
} from './common.js';
import {
  definitionBlocks,
  HANDSHAKE_ACTIONS,
  INPUT_ACTION,
  type PushFrame,
  pushFrameBlocks,
} from './pulls.js';

export const DEFINE_VIEW = 'agreement_define';
export const REPEAT_VIEW = 'agreement_repeat';
export const NOT_QUITE_VIEW = 'agreement_not_quite';

export const DEFINE_FORM = { success: 'success', byWhen: 'by_when', guardrails: 'guardrails' } as const;
export const REPEAT_FORM = { ownWords: 'own_words', approach: 'approach' } as const;
export const NOT_QUITE_FORM = { note: 'note' } as const;

/** Room for each side of the side-by-side: a section field holds 2,000 characters. */
const FIELD_SHOWN = 1900;

function textInput(blockId: string, label: string, placeholder: string, optional: boolean, hint?: string) {
  return {
    type: 'input' as const,
    block_id: blockId,
    optional,
    label: { type: 'plain_text' as const, text: label },
    ...(hint ? { hint: { type: 'plain_text' as const, text: hint } } : {}),
    element: {
      type: 'plain_text_input' as const,
      action_id: INPUT_ACTION,
      multiline: true,
      max_length: AGREEMENT_FIELD_MAX,
      placeholder: { type: 'plain_text' as const, text: placeholder },
    },
  };
}

function modal(
  callbackId: string,
  title: string,
  submit: string,
  pullId: number,
  blocks: KnownBlock[],
): ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: JSON.stringify({ pullId }),
    title: { type: 'plain_text', text: title },
    submit: { type: 'plain_text', text: submit },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

/** Step 1, for the manager: what success looks like, by when, and what must not happen. */
export function defineModal(pull: Pull, frame?: PushFrame): ModalView {
  return modal(DEFINE_VIEW, 'Define success', 'Send', pull.id, [
    section(`${mention(pull.requesterId)} asked you to define success:`),
    section(quote(pull.need, 2900)),
    ...pushFrameBlocks(frame),
    textInput(
      DEFINE_FORM.success,
      'What success looks like',
      'The outcome you will call a win, in words they can check against',
      false,
    ),
    {
      type: 'input',
      block_id: DEFINE_FORM.byWhen,
      optional: true,
      label: { type: 'plain_text', text: 'By when' },
      element: { type: 'datepicker', action_id: INPUT_ACTION },
    },
    textInput(
      DEFINE_FORM.guardrails,
      'Guardrails — what must not happen',
      'The few limits that matter; everything inside them is theirs to decide',
      true,
    ),
  ]);
}

/** Step 2, for the requester: say it back, and ask for room to run it their way. */
export function repeatModal(pull: Pull, agreement: Agreement, frame?: PushFrame): ModalView {
  return modal(REPEAT_VIEW, 'Repeat it back', 'Send', pull.id, [
    section(`${mention(pull.managerId)} defined success:`),
    ...definitionBlocks(agreement),
    ...pushFrameBlocks(frame),
    ...notQuiteBlocks(pull, agreement),
    textInput(
      REPEAT_FORM.ownWords,
      'In your own words',
      'What success looks like, as you understood it',
      false,
    ),
    textInput(
      REPEAT_FORM.approach,
      'How you mean to get there',
      'Your way of reaching their goal — the room you ask for to run it',
      true,
      'Frame it as the best way to reach the goal they just set.',
    ),
  ]);
}

/** Step 3, for the manager: what is not quite right. */
export function notQuiteModal(pull: Pull, agreement: Agreement): ModalView {
  return modal(NOT_QUITE_VIEW, 'Not quite', 'Send back', pull.id, [
    ...sideBySide(pull, agreement),
    textInput(NOT_QUITE_FORM.note, 'What is not quite right', 'What they missed or got wrong', false),
  ]);
}

function notQuiteBlocks(pull: Pull, agreement: Agreement): Blocks {
  if (!agreement.notQuiteNote) return [];
  return [section(`*Not quite — ${mention(pull.managerId)} says:*\n${quote(agreement.notQuiteNote, 2800)}`)];
}

/** The manager's definition and the requester's words, next to each other, then how they mean to get there. */
function sideBySide(pull: Pull, agreement: Agreement): Blocks {
  const blocks: Blocks = [
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*You said success is:*\n${quote(agreement.success, FIELD_SHOWN)}` },
        {
          type: 'mrkdwn',
          text: `*${mention(pull.requesterId)} says:*\n${quote(agreement.ownWords ?? '', FIELD_SHOWN)}`,
        },
      ],
    },
  ];
  if (agreement.approach)
    blocks.push(section(`*How they mean to get there:*\n${quote(agreement.approach, 2800)}`));
  const details: string[] = [];
  if (agreement.byWhen) details.push(`By ${formatDate(agreement.byWhen)}`);
  if (agreement.guardrails) details.push(`Guardrails: ${excerpt(agreement.guardrails, 600)}`);
  if (details.length > 0) blocks.push(context(details.join(' · ')));
  return blocks;
}

/**
 * A handshake that stopped short of That's it — the pull withdrawn, or taken to a live talk — or undefined
 * while it still runs. Said on both handshake DMs in place of their buttons, so nobody presses a dead one.
 */
function endedLine(pull: Pull, agreement: Agreement, reader: 'requester' | 'manager'): string | undefined {
  if (agreement.stage === 'agreed') return undefined;
  if (pull.status === 'withdrawn')
    return reader === 'requester'
      ? ':leftwards_arrow_with_hook: You withdrew this pull, so the handshake ended here. Pull them in again when you need them.'
      : `:leftwards_arrow_with_hook: ${mention(pull.requesterId)} withdrew this pull, so the handshake ended here.`;
  if (pull.status === 'resolved')
    return reader === 'requester'
      ? `:speech_balloon: ${mention(pull.managerId)} would rather talk it through live, so the handshake ended here — agree on what success looks like when you meet.`
      : ":speech_balloon: You chose *Let's talk*, so the handshake ended here — agree on success when you meet.";
  return undefined;
}

/** The manager's DM once the requester has said it back; updated in place after That's it or Not quite. */
export function confirmMessage(pull: Pull, agreement: Agreement): { text: string; blocks: Blocks } {
  const text = `${mention(pull.requesterId)} repeated back what success looks like: _${excerpt(pull.need, 120)}_`;
  const blocks: Blocks = [section(`:speech_balloon: ${text}`), ...sideBySide(pull, agreement)];
  const ended = endedLine(pull, agreement, 'manager');
  if (ended) return { text, blocks: [...blocks, context(ended)] };
  switch (agreement.stage) {
    case 'confirm':
      blocks.push(
        actions(
          `agreement_confirm_${pull.id}`,
          button("That's it", HANDSHAKE_ACTIONS.thatsIt, String(pull.id), 'primary'),
          button('Not quite', HANDSHAKE_ACTIONS.notQuite, String(pull.id)),
        ),
      );
      break;
    case 'repeat':
      blocks.push(
        context(`:leftwards_arrow_with_hook: Not quite — sent back to ${mention(pull.requesterId)}`),
      );
      if (agreement.notQuiteNote) blocks.push(section(quote(agreement.notQuiteNote, 2800)));
      break;
    case 'agreed':
      blocks.push(context(`:handshake: *That's it* — agreed. It is kept on both your Home tabs.`));
      break;
  }
  return { text, blocks };
}

/** The requester's DM for the handshake, at each of their stages. */
export function requesterHandshakeMessage(
  pull: Pull,
  agreement: Agreement,
  frame?: PushFrame,
): { text: string; blocks: Blocks } {
  const manager = mention(pull.managerId);
  const about = `_${excerpt(pull.need, 120)}_`;
  const ended = endedLine(pull, agreement, 'requester');
  if (ended) return { text: ended, blocks: [section(ended), ...definitionBlocks(agreement)] };
  switch (agreement.stage) {
    case 'repeat': {
      const text = agreement.notQuiteNote
        ? `:leftwards_arrow_with_hook: *Not quite* — ${manager} heard something different. Try saying it back again: ${about}`
        : `:dart: ${manager} defined success for ${about}. Repeat it back in your own words — and say how you mean to get there.`;
      return {
        text,
        blocks: [
          section(text),
          ...notQuiteBlocks(pull, agreement),
          ...definitionBlocks(agreement),
          ...pushFrameBlocks(frame),
          actions(
            `agreement_repeat_${pull.id}`,
            button('Repeat it back', HANDSHAKE_ACTIONS.repeat, String(pull.id), 'primary'),
          ),
        ],
      };
    }
    case 'confirm': {
      const text = `:hourglass_flowing_sand: You said it back to ${manager}; waiting for them to say *That's it*.`;
      return {
        text,
        blocks: [section(text), section(`*Your words:*\n${quote(agreement.ownWords ?? '', 2800)}`)],
      };
    }
    case 'agreed': {
      const text = `:handshake: *That's it* — ${manager} agrees: that is what success looks like for ${about}. The how is yours to run.`;
      return { text, blocks: [section(text), ...definitionBlocks(agreement), ...pushFrameBlocks(frame)] };
    }
  }
}

/** One agreement in a list, from the reader's side: with whom, what success looks like, by when. */
export function agreementLine(
  agreement: Agreement,
  viewerId: string,
  now: number,
  pushTitle?: string,
): string {
  const other =
    agreement.managerId === viewerId
      ? `with ${mention(agreement.requesterId)}`
      : `with ${mention(agreement.managerId)}`;
  const parts = [`:handshake: *${excerpt(agreement.success, 200)}*`];
  const meta = [other, `agreed ${ago(now - (agreement.agreedAt ?? agreement.createdAt))}`];
  if (agreement.byWhen) meta.push(`by ${formatDate(agreement.byWhen)}`);
  if (pushTitle) meta.push(`push: _${excerpt(pushTitle, 80)}_`);
  parts.push(meta.join(' · '));
  if (agreement.guardrails) parts.push(`_Guardrails: ${excerpt(agreement.guardrails, 200)}_`);
  return parts.join('\n');
}

/** How many agreements `/pull agreements` and the Home tab show; no more are read. */
export const AGREEMENTS_SHOWN = 10;

/** `/pull agreements`: what success looks like, as agreed, with the people you agreed it with. */
export function agreementList(
  page: Page<Agreement>,
  viewerId: string,
  now: number,
  pushTitles: Map<number, string>,
): { text: string; blocks: Blocks } {
  if (page.total === 0) {
    const text =
      ":handshake: No agreements yet. Pull your manager in with kind *define success*: they say what success looks like, you repeat it back, and once they say *That's it* it is kept here.";
    return { text, blocks: [section(text)] };
  }
  const blocks: Blocks = [
    header(`Agreements (${page.total})`),
    ...agreementSections(page, viewerId, now, pushTitles, AGREEMENTS_SHOWN, 'on your Home tab'),
  ];
  return {
    text: `${page.total} agreements.`,
    blocks: capBlocks(blocks, LIMITS.messageBlocks, 'More on your Home tab.'),
  };
}

/** A page of agreements as sections, one each, then how many more. */
export function agreementSections(
  page: Page<Agreement>,
  viewerId: string,
  now: number,
  pushTitles: Map<number, string>,
  shown: number,
  where?: string,
): Blocks {
  return listed(
    page.shown,
    shown,
    (a) => [section(agreementLine(a, viewerId, now, a.pushId ? pushTitles.get(a.pushId) : undefined))],
    'agreement',
    where,
    page.total,
  );
}

/** An agreement shown with its push: who agreed it and what success is, on one line. */
export function pushAgreementLine(on: { count: number; latest: Agreement }): string {
  const { latest, count } = on;
  const more = count > 1 ? ` (+${count - 1} more)` : '';
  return `:handshake: Agreed with ${mention(latest.requesterId)}: _${excerpt(latest.success, 160)}_${more}`;
}
