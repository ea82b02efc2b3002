// Block Kit for push priorities: the numbered list, the three-A's modal, the status update modal.
import type { KnownBlock, ModalView } from '@slack/types';
import type { Agreement, Push, PushStatus, PushUpdate } from '../../db/schema.js';
import { CLOSED, FIELD_MAX, needsNudge, OPEN_STATUSES, TITLE_MAX } from '../../domain/pushes.js';
import { cut, excerpt, mention } from '../text.js';
import { pushAgreementLine } from './agreements.js';
import {
  ago,
  type Blocks,
  button,
  capBlocks,
  context,
  header,
  joinedWithin,
  LIMITS,
  listed,
  option,
  section,
} from './common.js';
import { INPUT_ACTION } from './pulls.js';

export const PUSH_CREATE_VIEW = 'push_create';
export const PUSH_UPDATE_VIEW = 'push_update';
export const PUSH_UPDATE_OPEN = 'push_update_open';

/** Block ids of the push form's inputs. */
export const PUSH_FORM = {
  title: 'title',
  why: 'why',
  guardrails: 'guardrails',
  success: 'success',
  owner: 'owner',
  support: 'support',
} as const;

/** Block ids of the status-update form's inputs. */
export const PUSH_UPDATE_FORM = { status: 'status', note: 'note' } as const;

/** Room for a whole title (150 typed characters, escaped) in a sentence. */
const TITLE_SHOWN = 2000;

export const PUSH_STATUS_LABEL: Record<PushStatus, string> = {
  'on-track': ':large_green_circle: On track',
  'at-risk': ':large_yellow_circle: At risk',
  'off-track': ':red_circle: Off track',
  done: ':white_check_mark: Done',
  dropped: ':heavy_minus_sign: Dropped',
};

const STATUS_TEXT: Record<PushStatus, string> = {
  'on-track': 'On track',
  'at-risk': 'At risk',
  'off-track': 'Off track',
  done: 'Done',
  dropped: 'Dropped',
};

export interface PushLine {
  push: Push;
  last: PushUpdate | undefined;
  /** Agreements on what success looks like that hang off this push: how many, and the newest. */
  agreed?: { count: number; latest: Agreement } | undefined;
  /** Decided by the domain; when absent, a push with no word in a week is nudged. */
  nudge?: boolean | undefined;
}

const isClosed = (push: Push) => CLOSED.includes(push.status);

/** One push, wherever it is shown: number, status, title, owner when not the manager, and the latest word. */
export function pushLine(
  { push, last, nudge, agreed }: PushLine,
  position: number | undefined,
  now: number,
): string {
  const number = position !== undefined ? `*${position}.* ` : '';
  const owner = push.ownerId !== push.managerId ? ` · owner ${mention(push.ownerId)}` : '';
  const lines = [
    `${number}${PUSH_STATUS_LABEL[push.status]} · *${excerpt(push.title, TITLE_SHOWN)}*${owner}`,
  ];
  if (last) {
    const note = last.note ? `: ${excerpt(last.note, 120)}` : '';
    lines.push(`_Last update ${ago(now - last.createdAt)} by ${mention(last.authorId)}${note}_`);
  } else {
    lines.push(`_No update yet · added ${ago(now - push.createdAt)}_`);
  }
  if (agreed) lines.push(pushAgreementLine(agreed));
  if (nudge ?? needsNudge(push, last, now)) {
    lines.push(':bell: No word on this for over a week. A push is where you stay close: post an update.');
  }
  return lines.join('\n');
}

/** A closed push in a few words: number, status, title. */
function closedLine(push: Push, position: number): string {
  return `*${position}.* ${STATUS_TEXT[push.status]}: ${excerpt(push.title, 80)}`;
}

/**
 * A quarter's pushes, numbered as `/push done N` counts them: each open one in its own section (with its
 * Update button on Home), the closed ones together on one line, so add-and-drop cycles cannot grow the list.
 */
export function pushSections(
  lines: PushLine[],
  now: number,
  withButtons: boolean,
  shown = OPEN_SHOWN,
): Blocks {
  const numbered = lines.map((line, i) => ({ line, position: i + 1 }));
  const open = numbered.filter(({ line }) => !isClosed(line.push));
  const closed = numbered.filter(({ line }) => isClosed(line.push));
  const blocks = listed(
    open,
    shown,
    ({ line, position }) => [
      section(pushLine(line, position, now), withButtons ? updateButton(line.push) : undefined),
    ],
    ['push', 'pushes'],
  );
  if (closed.length > 0) {
    const parts = closed.map(({ line, position }) => closedLine(line.push, position));
    blocks.push(context(`Closed: ${joinedWithin(parts, ' · ', LIMITS.text - 10, ['push', 'pushes'])}`));
  }
  return blocks;
}

/** More open pushes than this is far past any sane limit; the rest are counted, not shown. */
const OPEN_SHOWN = 20;

export interface PushListInput {
  managerId: string;
  viewerId: string;
  quarterLabel: string;
  lines: PushLine[];
  limit: number;
  previous?: { quarterLabel: string; pushes: Push[] } | undefined;
  now: number;
}

export function pushList(input: PushListInput): { text: string; blocks: Blocks } {
  const own = input.managerId === input.viewerId;
  const whose = own ? 'Your pushes' : `${mention(input.managerId)}'s pushes`;
  const blocks: Blocks = [section(`*${whose} — ${input.quarterLabel}*`)];
  if (input.lines.length === 0) {
    blocks.push(
      section(
        own
          ? `Nothing pushed yet this quarter. Pick the few things you will stay deeply involved in — \`/push add Title\` (up to ${input.limit}). Everything else is the team's to own; they pull you in when they need you.`
          : `${mention(input.managerId)} is not pushing on anything this quarter: their team owns it all, and pulls them in when needed.`,
      ),
    );
  }
  blocks.push(...pushSections(input.lines, input.now, false));
  const active = input.lines.filter((l) => !isClosed(l.push)).length;
  if (own && input.lines.length > 0) {
    blocks.push(
      context(
        `${active} of ${input.limit} active · \`/push update N\` to post an update · \`/push done N\` · \`/push drop N\``,
      ),
    );
  }
  if (input.previous && input.previous.pushes.length > 0) {
    const parts = input.previous.pushes.map((p) => `${STATUS_TEXT[p.status]}: ${excerpt(p.title, 60)}`);
    const label = `*${input.previous.quarterLabel}:* `;
    blocks.push(
      context(`${label}${joinedWithin(parts, ' · ', LIMITS.text - label.length, ['push', 'pushes'])}`),
    );
  }
  return {
    text: `${own ? 'Your' : 'Their'} pushes for ${input.quarterLabel}: ${input.lines.length}`,
    blocks: capBlocks(blocks, LIMITS.messageBlocks, 'More on your Home tab.'),
  };
}

export function pushHelp(limit: number): { text: string; blocks: Blocks } {
  const text = [
    `*Push on a few priorities* — up to ${limit} a quarter. These are the things you stay deeply involved in; everything else is the team's, and they pull you in when they need you.`,
    '',
    '`/push` or `/push list` — your pushes this quarter',
    '`/push list @manager` — someone else’s (pushes are visible to everyone)',
    '`/push add Title` — add one quickly; `/push add` opens the full form',
    '`/push update N` — post a status update on the Nth push',
    '`/push done N` · `/push drop N` — close it',
    '`/push help` — this message',
    '',
    'The form is built on the three A’s: *Alignment* (why it matters, guardrails), *Accountability* (an owner — maybe a stretch for someone on your team), *Ability* (what support it needs).',
  ].join('\n');
  return { text, blocks: [section(text)] };
}

const longInput = (blockId: string, label: string, placeholder: string, hint?: string): KnownBlock => ({
  type: 'input',
  block_id: blockId,
  optional: true,
  label: { type: 'plain_text', text: label },
  ...(hint ? { hint: { type: 'plain_text', text: hint } } : {}),
  element: {
    type: 'plain_text_input',
    action_id: INPUT_ACTION,
    multiline: true,
    max_length: FIELD_MAX,
    placeholder: { type: 'plain_text', text: placeholder },
  },
});

export function pushModal(input: {
  managerId: string;
  title?: string | undefined;
  quarterLabel: string;
}): ModalView {
  return {
    type: 'modal',
    callback_id: PUSH_CREATE_VIEW,
    title: { type: 'plain_text', text: 'Add a push' },
    submit: { type: 'plain_text', text: 'Push on it' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      context(`A push for *${input.quarterLabel}*: something you will stay deeply involved in.`),
      {
        type: 'input',
        block_id: PUSH_FORM.title,
        label: { type: 'plain_text', text: 'What are you pushing on?' },
        element: {
          type: 'plain_text_input',
          action_id: INPUT_ACTION,
          max_length: TITLE_MAX,
          ...(input.title ? { initial_value: cut(input.title, TITLE_MAX) } : {}),
        },
      },
      header('Alignment'),
      longInput(PUSH_FORM.why, 'Why it matters', 'The goal this serves, in a sentence or two'),
      longInput(PUSH_FORM.guardrails, 'Guardrails', 'What must stay true: budget, scope, brand, risk'),
      longInput(PUSH_FORM.success, 'What success looks like', 'How you will know it landed'),
      header('Accountability'),
      {
        type: 'input',
        block_id: PUSH_FORM.owner,
        label: { type: 'plain_text', text: 'Owner' },
        hint: {
          type: 'plain_text',
          text: 'You by default. Naming someone else can be the stretch that grows them.',
        },
        element: { type: 'users_select', action_id: INPUT_ACTION, initial_user: input.managerId },
      },
      header('Ability'),
      longInput(PUSH_FORM.support, 'What support it needs', 'People, budget, tools, air cover'),
    ],
  };
}

const STATUS_OPTIONS = OPEN_STATUSES.map((status) => option(STATUS_TEXT[status], status));

export function pushUpdateModal(push: Push): ModalView {
  const current = STATUS_OPTIONS.find((o) => o.value === push.status) ?? STATUS_OPTIONS[0];
  return {
    type: 'modal',
    callback_id: PUSH_UPDATE_VIEW,
    private_metadata: JSON.stringify({ pushId: push.id }),
    title: { type: 'plain_text', text: 'Update a push' },
    submit: { type: 'plain_text', text: 'Post update' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(`*${excerpt(push.title, TITLE_SHOWN)}*`),
      {
        type: 'input',
        block_id: PUSH_UPDATE_FORM.status,
        label: { type: 'plain_text', text: 'Status' },
        element: {
          type: 'static_select',
          action_id: INPUT_ACTION,
          options: STATUS_OPTIONS,
          ...(current ? { initial_option: current } : {}),
        },
      },
      {
        type: 'input',
        block_id: PUSH_UPDATE_FORM.note,
        optional: true,
        label: { type: 'plain_text', text: 'Note' },
        element: {
          type: 'plain_text_input',
          action_id: INPUT_ACTION,
          multiline: true,
          max_length: FIELD_MAX,
          placeholder: { type: 'plain_text', text: 'What moved, what is in the way, what you need' },
        },
      },
    ],
  };
}

export function updateButton(push: Push) {
  return button('Update', PUSH_UPDATE_OPEN, String(push.id));
}

export function ownerNamedMessage(push: Push, quarterLabel: string): { text: string; blocks: Blocks } {
  const text = `:dart: ${mention(push.managerId)} named you owner of their push *${excerpt(push.title, TITLE_SHOWN)}* for ${quarterLabel}. It's yours to drive — post updates from your Pushpull Home tab, and pull them in when you need them.`;
  const blocks: Blocks = [section(text)];
  const details = [
    push.why ? `*Why it matters:* ${excerpt(push.why, 400)}` : undefined,
    push.success ? `*Success looks like:* ${excerpt(push.success, 400)}` : undefined,
    push.support ? `*Support:* ${excerpt(push.support, 400)}` : undefined,
  ].filter((x): x is string => Boolean(x));
  if (details.length > 0) blocks.push(context(...details));
  return { text, blocks };
}

export function pushUpdatedMessage(
  push: Push,
  update: { authorId: string; note: string | null },
): { text: string; blocks: Blocks } {
  const note = update.note ? `\n>${excerpt(update.note, 500)}` : '';
  const text = `${mention(update.authorId)} updated *${excerpt(push.title, TITLE_SHOWN)}*: ${PUSH_STATUS_LABEL[push.status]}${note}`;
  return { text, blocks: [section(text)] };
}
