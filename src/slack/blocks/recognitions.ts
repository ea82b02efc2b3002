// Block Kit for recognitions: the modal and the three messages (advocate, their manager, the channel).
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { ADVOCATE_FUNCTIONS, type AdvocateFunction, type Recognition } from '../../db/schema.js';
import { PROJECT_MAX, WHAT_MAX } from '../../domain/recognitions.js';
import { clip, escapeText, excerpt, mention, quote } from '../text.js';
import { type Blocks, context, section } from './common.js';

export const RECOGNIZE_VIEW = 'recognize_advocate_submit';

export const FUNCTION_LABEL: Record<AdvocateFunction, string> = {
  operations: 'Operations',
  support: 'Support',
  finance: 'Finance',
  legal: 'Legal',
  product: 'Product',
  engineering: 'Engineering',
  other: 'Other',
};

const FUNCTION_OPTIONS: PlainTextOption[] = ADVOCATE_FUNCTIONS.map((f) => ({
  text: { type: 'plain_text', text: FUNCTION_LABEL[f] },
  value: f,
}));

export interface RecognitionModalInput {
  advocateId?: string | undefined;
  quotedText?: string | undefined;
  /** Where the message came from, to fetch its permalink on submit. */
  source?: { channel: string; ts: string } | undefined;
  recognitionChannel?: string | undefined;
}

export function recognitionModal(input: RecognitionModalInput): ModalView {
  const blocks: KnownBlock[] = [];
  if (input.quotedText) blocks.push(context(`From the message:\n${quote(clip(input.quotedText, 300))}`));
  blocks.push(
    {
      type: 'input',
      block_id: 'advocate',
      label: { type: 'plain_text', text: 'Who helped?' },
      element: {
        type: 'users_select',
        action_id: 'value',
        ...(input.advocateId ? { initial_user: input.advocateId } : {}),
      },
    },
    {
      type: 'input',
      block_id: 'function',
      label: { type: 'plain_text', text: 'Their function' },
      element: { type: 'static_select', action_id: 'value', options: FUNCTION_OPTIONS },
    },
    {
      type: 'input',
      block_id: 'what',
      label: { type: 'plain_text', text: 'What did they do?' },
      element: {
        type: 'plain_text_input',
        action_id: 'value',
        multiline: true,
        max_length: WHAT_MAX,
        placeholder: { type: 'plain_text', text: 'Be specific: what they did and why it mattered' },
      },
    },
    {
      type: 'input',
      block_id: 'project',
      optional: true,
      label: { type: 'plain_text', text: 'The deal or project it helped' },
      element: { type: 'plain_text_input', action_id: 'value', max_length: PROJECT_MAX },
    },
  );
  if (input.recognitionChannel) {
    const option = {
      text: { type: 'plain_text' as const, text: `Share it in ${input.recognitionChannel}` },
      value: 'share',
    };
    blocks.push({
      type: 'input',
      block_id: 'share',
      optional: true,
      label: { type: 'plain_text', text: 'Share' },
      element: { type: 'checkboxes', action_id: 'value', options: [option], initial_options: [option] },
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
  return r.project ? ` on *${escapeText(r.project)}*` : '';
}

function linkLine(r: Recognition): Blocks {
  // A permalink came from Slack's own API, not from the user; it is still kept to Slack's URL shape.
  return r.permalink && /^https:\/\/[\w.-]+\.slack\.com\//.test(r.permalink)
    ? [context(`<${r.permalink}|The message it came from>`)]
    : [];
}

export function advocateThanks(r: Recognition): { text: string; blocks: Blocks } {
  const text = `:tada: ${mention(r.recognizerId)} recognized you as an advocate${about(r)}. Deals and projects land because of people like you — thank you.`;
  return { text, blocks: [section(text), section(quote(r.what)), ...linkLine(r)] };
}

export function managerNotice(r: Recognition): { text: string; blocks: Blocks } {
  const text = `:tada: ${mention(r.advocateId)} (${FUNCTION_LABEL[r.advocateFunction]}) was recognized by ${mention(r.recognizerId)}${about(r)}. Worth remembering when you talk about their growth.`;
  return { text, blocks: [section(text), section(quote(r.what)), ...linkLine(r)] };
}

export function channelPost(r: Recognition): { text: string; blocks: Blocks } {
  const text = `:trophy: ${mention(r.recognizerId)} recognized ${mention(r.advocateId)} from ${FUNCTION_LABEL[r.advocateFunction]}${about(r)}`;
  return { text, blocks: [section(text), section(quote(r.what)), ...linkLine(r)] };
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

export function recognitionLine(r: Recognition, viewerId: string): string {
  const who =
    r.advocateId === viewerId
      ? `${mention(r.recognizerId)} recognized you`
      : `You recognized ${mention(r.advocateId)} (${FUNCTION_LABEL[r.advocateFunction]})`;
  return `${who}${about(r)}: ${excerpt(r.what, 120)}`;
}
