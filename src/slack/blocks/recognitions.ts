// Block Kit for recognitions: the modal and the three messages (advocate, their manager, the channel).
import type { KnownBlock, ModalView } from '@slack/types';
import { ADVOCATE_FUNCTIONS, type AdvocateFunction, type Recognition } from '../../db/schema.js';
import { PROJECT_MAX, WHAT_MAX } from '../../domain/recognitions.js';
import { excerpt, mention, plainExcerpt, quote } from '../text.js';
import { type Blocks, context, LIMITS, option, quoteSections, section } from './common.js';
import { INPUT_ACTION } from './pulls.js';

export const RECOGNIZE_VIEW = 'recognize_advocate_submit';

/** Block ids of the recognition form's inputs, and the value of its one "share" checkbox. */
export const RECOGNIZE_FORM = {
  advocate: 'advocate',
  function: 'function',
  what: 'what',
  project: 'project',
  share: 'share',
} as const;
export const SHARE_VALUE = 'share';

export const FUNCTION_LABEL: Record<AdvocateFunction, string> = {
  operations: 'Operations',
  support: 'Support',
  finance: 'Finance',
  legal: 'Legal',
  product: 'Product',
  engineering: 'Engineering',
  other: 'Other',
};

const FUNCTION_OPTIONS = ADVOCATE_FUNCTIONS.map((f) => option(FUNCTION_LABEL[f], f));

export interface RecognitionModalInput {
  advocateId?: string | undefined;
  /** The message's text, already decoded from Slack's form (`fromSlack`). */
  quotedText?: string | undefined;
  /** Where the message came from, to fetch its permalink on submit. */
  source?: { channel: string; ts: string } | undefined;
  recognitionChannel?: string | undefined;
}

export function recognitionModal(input: RecognitionModalInput): ModalView {
  const blocks: KnownBlock[] = [];
  if (input.quotedText) blocks.push(context(`From the message:\n${quote(input.quotedText, 600)}`));
  blocks.push(
    {
      type: 'input',
      block_id: RECOGNIZE_FORM.advocate,
      label: { type: 'plain_text', text: 'Who helped?' },
      element: {
        type: 'users_select',
        action_id: INPUT_ACTION,
        ...(input.advocateId ? { initial_user: input.advocateId } : {}),
      },
    },
    {
      type: 'input',
      block_id: RECOGNIZE_FORM.function,
      label: { type: 'plain_text', text: 'Their function' },
      element: { type: 'static_select', action_id: INPUT_ACTION, options: FUNCTION_OPTIONS },
    },
    {
      type: 'input',
      block_id: RECOGNIZE_FORM.what,
      label: { type: 'plain_text', text: 'What did they do?' },
      element: {
        type: 'plain_text_input',
        action_id: INPUT_ACTION,
        multiline: true,
        max_length: WHAT_MAX,
        placeholder: { type: 'plain_text', text: 'Be specific: what they did and why it mattered' },
      },
    },
    {
      type: 'input',
      block_id: RECOGNIZE_FORM.project,
      optional: true,
      label: { type: 'plain_text', text: 'The deal or project it helped' },
      element: { type: 'plain_text_input', action_id: INPUT_ACTION, max_length: PROJECT_MAX },
    },
  );
  if (input.recognitionChannel) {
    // A channel name can run to 80 characters: the option says where, cut to Slack's 75.
    const share = option(
      plainExcerpt(`Share it in ${input.recognitionChannel}`, LIMITS.optionText),
      SHARE_VALUE,
    );
    blocks.push({
      type: 'input',
      block_id: RECOGNIZE_FORM.share,
      optional: true,
      label: { type: 'plain_text', text: 'Share' },
      element: { type: 'checkboxes', action_id: INPUT_ACTION, options: [share], initial_options: [share] },
    });
  }
  return {
    type: 'modal',
    callback_id: RECOGNIZE_VIEW,
    title: { type: 'plain_text', text: 'Recognize an advocate' },
    submit: { type: 'plain_text', text: 'Recognize' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify(input.source ? { source: input.source } : {}),
    blocks,
  };
}

function about(r: Recognition): string {
  return r.project ? ` on *${excerpt(r.project, 1000)}*` : '';
}

function linkLine(r: Recognition): Blocks {
  // A permalink came from Slack's own API, not from the user; it is still kept to Slack's URL shape.
  return r.permalink && /^https:\/\/[\w.-]+\.slack\.com\//.test(r.permalink)
    ? [context(`<${r.permalink}|The message it came from>`)]
    : [];
}

export function advocateThanks(r: Recognition): { text: string; blocks: Blocks } {
  const text = `:tada: ${mention(r.recognizerId)} recognized you as an advocate${about(r)}. Deals and projects land because of people like you — thank you.`;
  return { text, blocks: [section(text), ...quoteSections(r.what, 5), ...linkLine(r)] };
}

export function managerNotice(r: Recognition): { text: string; blocks: Blocks } {
  const text = `:tada: ${mention(r.advocateId)} (${FUNCTION_LABEL[r.advocateFunction]}) was recognized by ${mention(r.recognizerId)}${about(r)}. Worth remembering when you talk about their growth.`;
  return { text, blocks: [section(text), ...quoteSections(r.what, 5), ...linkLine(r)] };
}

export function channelPost(r: Recognition): { text: string; blocks: Blocks } {
  const text = `:trophy: ${mention(r.recognizerId)} recognized ${mention(r.advocateId)} from ${FUNCTION_LABEL[r.advocateFunction]}${about(r)}`;
  return { text, blocks: [section(text), ...quoteSections(r.what, 5), ...linkLine(r)] };
}

export function recognizerReceipt(
  r: Recognition,
  told: string[],
  problem?: string,
): { text: string; blocks: Blocks } {
  const text = `:white_check_mark: Thanks for recognizing ${mention(r.advocateId)}. ${told.length > 0 ? `Told: ${told.join(', ')}.` : ''}`;
  const blocks: Blocks = [section(text)];
  if (problem) blocks.push(section(problem));
  return { text: problem ? `${text} ${problem}` : text, blocks };
}

/** One recognition, wherever it is listed: from the viewer's side when they are in it, a third party's otherwise. */
export function recognitionLine(r: Recognition, viewerId?: string): string {
  const who =
    r.advocateId === viewerId
      ? `${mention(r.recognizerId)} recognized you`
      : r.recognizerId === viewerId
        ? `You recognized ${mention(r.advocateId)} (${FUNCTION_LABEL[r.advocateFunction]})`
        : `${mention(r.advocateId)} (${FUNCTION_LABEL[r.advocateFunction]}) recognized by ${mention(r.recognizerId)}`;
  return `${who}${about(r)}: ${excerpt(r.what, 120)}`;
}
