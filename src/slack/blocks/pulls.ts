// Block Kit for pulls: the manager's DM, the requester's updates, the list, and the two modals.
import type { Button, KnownBlock, ModalView } from '@slack/types';
import type { Agreement, Pull, PullKind, Resolution } from '../../db/schema.js';
import type { EditableField } from '../../domain/pull-edits.js';
import {
  type Answer,
  answersFor,
  CONTEXT_MAX,
  NEED_MAX,
  NOTE_MAX,
  NOTE_REQUIRED,
  type Page,
} from '../../domain/pulls.js';
import { cut, excerpt, mention, plainExcerpt, quote } from '../text.js';
import {
  actions,
  ago,
  type Blocks,
  button,
  capBlocks,
  context,
  divider,
  formatDate,
  header,
  LIMITS,
  listed,
  option,
  plural,
  quoteSections,
  section,
} from './common.js';

export const PULL_ACTIONS = {
  acknowledge: 'pull_acknowledge',
  'your-call': 'pull_your_call',
  input: 'pull_input',
  decision: 'pull_decision',
  talk: 'pull_talk',
  'define-success': 'pull_define_success',
  withdraw: 'pull_withdraw',
  edit: 'pull_edit',
} as const;

/** The define-success handshake's buttons after Define success (in PULL_ACTIONS, on the manager's DM). */
export const HANDSHAKE_ACTIONS = {
  repeat: 'agreement_repeat_back',
  thatsIt: 'agreement_thats_it',
  notQuite: 'agreement_not_quite',
} as const;

export const PULL_CREATE_VIEW = 'pull_create';
export const PULL_RESOLVE_VIEW = 'pull_resolve';
export const PULL_EDIT_VIEW = 'pull_edit_submit';
export const PULL_MANAGER_SELECTED = 'pull_manager_selected';

/** Block ids of the pull form's inputs: the view handler reads and answers errors on these. */
export const PULL_FORM = {
  manager: 'manager',
  need: 'need',
  kind: 'kind',
  context: 'context',
  neededBy: 'needed_by',
  push: 'push',
} as const;

/** Block id of the note in the answer form. */
export const RESOLVE_FORM = { note: 'note' } as const;

/** The action id of every single-element input in Pushpull's forms. */
export const INPUT_ACTION = 'value';

/** The block holding a pull's answer buttons; one per pull, so ids stay unique in a list. */
export const answerBlockId = (pullId: number): string => `pull_answer_${pullId}`;

export const KIND_LABEL: Record<PullKind, string> = {
  decision: 'Decision needed',
  context: 'Context wanted',
  unblock: 'Unblock me',
  'define-success': 'Define success',
};

export const RESOLUTION_LABEL: Record<Resolution, string> = {
  'your-call': 'Your call',
  input: 'Input',
  decision: 'Decision',
  talk: "Let's talk",
  agreed: 'Agreed',
};

/** What the pull is inside of, when it is about a push: so a call is made within known limits. */
export interface PushFrame {
  title: string;
  success: string | null;
  guardrails: string | null;
}

/**
 * The push's own success definition and guardrails, beside a pull about it. A push that has neither adds
 * nothing: its title is already in the pull's meta line.
 */
export function pushFrameBlocks(frame: PushFrame | undefined): Blocks {
  if (!frame || (!frame.success && !frame.guardrails)) return [];
  const blocks: Blocks = [
    context(`:triangular_flag_on_post: Within the push *${excerpt(frame.title, 150)}*`),
  ];
  if (frame.success) blocks.push(section(`*Success for the push:*\n${quote(frame.success, 2900)}`));
  if (frame.guardrails)
    blocks.push(section(`*Guardrails — what must not happen:*\n${quote(frame.guardrails, 2900)}`));
  return blocks;
}

export interface PullView {
  pull: Pull;
  pushTitle?: string | undefined;
  /** The push's success and guardrails, shown on the manager's DM and the requester's confirmation. */
  frame?: PushFrame | undefined;
  /** A define-success pull's handshake, once the manager has defined success. */
  handshake?: Agreement | undefined;
  /** Decided by the domain: past its needed-by date. */
  overdue?: boolean | undefined;
  now: number;
}

/** Kind, age, needed-by and push of a pull, on one line. */
export function pullMeta({ pull, pushTitle, overdue, now }: PullView): string {
  const parts = [`*${KIND_LABEL[pull.kind]}*`, `asked ${ago(now - pull.createdAt)}`];
  if (pull.neededBy)
    parts.push(
      overdue
        ? `:warning: *overdue* (needed by ${formatDate(pull.neededBy)})`
        : `needed by ${formatDate(pull.neededBy)}`,
    );
  if (pushTitle) parts.push(`push: _${excerpt(pushTitle, 80)}_`);
  return parts.join(' · ');
}

/** A pull waiting on the reader, wherever it is listed: who asks, what, and the answer buttons. */
export function awaitingPullBlocks(view: PullView): Blocks {
  const { pull } = view;
  return [
    section(`${mention(pull.requesterId)}: ${excerpt(pull.need, 280)}\n${pullMeta(view)}`),
    answerButtons(pull, view.handshake),
  ];
}

/**
 * A pull the reader sent, wherever it is listed: to whom, what, where it stands, and what they can do
 * with it — edit it or take it back while it waits, or repeat back a goal when the handshake is theirs.
 */
export function sentPullBlocks(pull: Pull, now: number, handshake?: Agreement): Blocks {
  // Mid-handshake the next move may be theirs: say so, and put Repeat it back within reach.
  const theirTurn = handshake?.stage === 'repeat';
  const state = !handshake
    ? pullStateLine(pull)
    : theirTurn
      ? ':dart: Your turn — repeat it back in your own words'
      : ":hourglass_flowing_sand: You said it back — waiting for *That's it*";
  return [
    section(
      `${mention(pull.managerId)}: ${excerpt(pull.need, 200)}\n${state} · asked ${ago(now - pull.createdAt)}`,
    ),
    handshake
      ? handshakeButtons(pull, `pull_sent_${pull.id}`, theirTurn)
      : requesterButtons(pull, `pull_sent_${pull.id}`),
  ];
}

/**
 * Once success is defined the question is answered as asked, so it can no longer be edited (the domain refuses
 * it too): the requester can say it back when it is their turn, or take the pull back.
 */
function handshakeButtons(pull: Pull, blockId: string, theirTurn: boolean): KnownBlock {
  const withdraw = button('Withdraw', PULL_ACTIONS.withdraw, String(pull.id));
  return theirTurn
    ? actions(
        blockId,
        button('Repeat it back', HANDSHAKE_ACTIONS.repeat, String(pull.id), 'primary'),
        withdraw,
      )
    : actions(blockId, withdraw);
}

/** What the requester can do with a pull still waiting for an answer: change it, or take it back. */
function requesterButtons(pull: Pull, blockId: string, withdrawStyle?: 'danger'): KnownBlock {
  return actions(
    blockId,
    button('Edit', PULL_ACTIONS.edit, String(pull.id)),
    button('Withdraw', PULL_ACTIONS.withdraw, String(pull.id), withdrawStyle),
  );
}

/**
 * The buttons a manager answers with; Acknowledge only makes sense while the pull is still unseen. A
 * define-success pull is answered by the handshake (Define success), or live.
 */
export function answerButtons(pull: Pull, handshake?: Agreement): KnownBlock {
  const buttons: Button[] = [];
  if (pull.status === 'open') buttons.push(button('Acknowledge', PULL_ACTIONS.acknowledge, String(pull.id)));
  if (pull.kind === 'define-success' && !handshake)
    buttons.push(button('Define success', PULL_ACTIONS['define-success'], String(pull.id), 'primary'));
  for (const answer of answersFor(pull.kind)) {
    buttons.push(
      button(
        RESOLUTION_LABEL[answer],
        PULL_ACTIONS[answer],
        String(pull.id),
        answer === 'your-call' ? 'primary' : undefined,
      ),
    );
  }
  return actions(answerBlockId(pull.id), ...buttons);
}

/** Where a define-success handshake stands, for the manager's card of the pull. */
function handshakeLine(pull: Pull, handshake: Agreement): string {
  switch (handshake.stage) {
    case 'repeat':
      return handshake.notQuiteNote
        ? `:leftwards_arrow_with_hook: Not quite — back with ${mention(pull.requesterId)} to say it again`
        : `:hourglass_flowing_sand: Waiting for ${mention(pull.requesterId)} to repeat it back`;
    case 'confirm':
      return `:speech_balloon: ${mention(pull.requesterId)} said it back — *That's it* or *Not quite* in the message below`;
    case 'agreed':
      return ':handshake: Agreed';
  }
}

/** What the manager defined: success, by when, guardrails. */
export function definitionBlocks(agreement: Agreement, maxSections = 3): Blocks {
  const blocks: Blocks = [
    section('*What success looks like:*'),
    ...quoteSections(agreement.success, maxSections),
  ];
  const details: string[] = [];
  if (agreement.byWhen) details.push(`*By when:* ${formatDate(agreement.byWhen)}`);
  if (agreement.guardrails)
    details.push(`*Guardrails — what must not happen:*\n${quote(agreement.guardrails, 2800)}`);
  if (details.length > 0) blocks.push(section(details.join('\n')));
  return blocks;
}

export function pullStateLine(pull: Pull): string {
  switch (pull.status) {
    case 'open':
      return ':hourglass_flowing_sand: Waiting for an answer';
    case 'acknowledged':
      return ':eyes: Acknowledged — answer when you are ready';
    case 'withdrawn':
      return `:leftwards_arrow_with_hook: ${mention(pull.requesterId)} withdrew this pull`;
    case 'resolved': {
      const label = pull.resolution ? RESOLUTION_LABEL[pull.resolution] : 'Answered';
      return `:white_check_mark: Answered: *${label}*`;
    }
  }
}

/** The manager's DM for a pull, the whole request in it; rendered again after each step to show where it stands. */
export function managerPullMessage(view: PullView): { text: string; blocks: Blocks } {
  const { pull } = view;
  const blocks: Blocks = [
    section(`:raising_hand: ${mention(pull.requesterId)} pulled you in`),
    ...quoteSections(pull.need, 20),
  ];
  // The whole context too: the manager decides on everything the requester wrote, not a first screenful.
  if (pull.context) blocks.push(section('*Context:*'), ...quoteSections(pull.context, 10));
  blocks.push(context(pullMeta(view)), ...pushFrameBlocks(view.frame));
  // Marked, so a manager halfway through an answer knows the words changed under them.
  if (pull.editedAt !== null) blocks.push(context(`:pencil2: Edited by ${mention(pull.requesterId)}`));
  const { handshake } = view;
  if (handshake) blocks.push(...definitionBlocks(handshake));
  if (pull.status === 'open' || pull.status === 'acknowledged') {
    if (handshake) blocks.push(context(handshakeLine(pull, handshake)));
    else if (pull.status === 'acknowledged') blocks.push(context(pullStateLine(pull)));
    blocks.push(answerButtons(pull, handshake));
  } else {
    blocks.push(context(pullStateLine(pull)));
    if (pull.resolutionNote) blocks.push(...quoteSections(pull.resolutionNote, 10));
  }
  return { text: `${mention(pull.requesterId)} pulled you in: ${excerpt(pull.need)}`, blocks };
}

/** What the requester hears at each step, in DM. */
export function requesterUpdate(pull: Pull): { text: string; blocks: Blocks } {
  const manager = mention(pull.managerId);
  const about = `_${excerpt(pull.need)}_`;
  let line: string;
  if (pull.status === 'acknowledged') {
    line = `:eyes: ${manager} saw your pull and will get back to you: ${about}`;
  } else if (pull.status === 'resolved') {
    switch (pull.resolution) {
      case 'your-call':
        line = `:white_check_mark: *Your call.* ${manager} hands the decision back to you on ${about}`;
        break;
      case 'input':
        line = `:bulb: ${manager} gave you *input* on ${about} — the call is still yours to make.`;
        break;
      case 'decision':
        line = `:white_check_mark: ${manager} made the *decision* on ${about}`;
        break;
      case 'agreed':
        line = `:handshake: *Agreed.* You and ${manager} see success the same way on ${about} — now it is yours to run.`;
        break;
      default:
        line = `:speech_balloon: ${manager} wants to *talk it through live* on ${about}`;
    }
  } else if (pull.status === 'withdrawn') {
    line = `:leftwards_arrow_with_hook: You withdrew your pull: ${about}`;
  } else {
    line = `:raising_hand: Pulled in ${manager}: ${about}`;
  }
  const blocks: Blocks = [section(line)];
  if (pull.resolutionNote) blocks.push(...quoteSections(pull.resolutionNote, 10));
  return { text: line, blocks };
}

const FIELD_NAMES: Record<EditableField, string> = {
  need: 'the request',
  kind: 'the kind',
  context: 'the context',
  neededBy: 'the needed-by date',
  pushId: 'the related push',
};

/** The manager's short DM after an edit: which fields changed, so they do not have to compare. */
export function pullEditedNotice(
  pull: Pull,
  changed: readonly EditableField[],
): { text: string; blocks: Blocks } {
  const names = changed.map((field) => FIELD_NAMES[field]);
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? '');
  const text = `:pencil2: ${mention(pull.requesterId)} edited their pull (${list}): _${excerpt(pull.need)}_`;
  return {
    text,
    blocks: [section(text), context('Your DM of it above shows the new version; answer there as usual.')],
  };
}

/** The confirmation right after a pull is sent, with the push's limits when it is about one, and a way back out. */
export function pullConfirmation(
  pull: Pull,
  warning?: string,
  frame?: PushFrame,
): { text: string; blocks: Blocks } {
  const text = `:raising_hand: Pulled in ${mention(pull.managerId)}. They have it in DM now, and you will hear from me at each step.`;
  const blocks: Blocks = [
    section(text),
    section(quote(pull.need)),
    ...pushFrameBlocks(frame),
    requesterButtons(pull, `pull_withdraw_${pull.id}`, 'danger'),
  ];
  if (warning) blocks.push(context(warning));
  return { text, blocks };
}

/** How many of each list `/pull list` shows; the listener reads no more than this. */
export const LIST_LIMIT = 10;

/** `/pull list`: what you are waiting on and what is waiting on you. */
export function pullList(
  sent: Page<Pull>,
  awaiting: Page<Pull>,
  now: number,
  handshakes: ReadonlyMap<number, Agreement> = new Map(),
): { text: string; blocks: Blocks } {
  if (sent.total === 0 && awaiting.total === 0) {
    const text =
      ':sparkles: Nothing open. Your team is running on its own — pull someone in with `/pull @manager what you need` when you need input.';
    return { text, blocks: [section(text)] };
  }
  const blocks: Blocks = [];
  if (awaiting.total > 0) {
    blocks.push(header(`Awaiting you (${awaiting.total})`));
    blocks.push(
      ...listed(
        awaiting.shown,
        LIST_LIMIT,
        (pull) => awaitingPullBlocks({ pull, handshake: handshakes.get(pull.id), now }),
        'pull',
        'see the Home tab',
        awaiting.total,
      ),
    );
  }
  if (sent.total > 0) {
    if (blocks.length > 0) blocks.push(divider());
    blocks.push(header(`You pulled in (${sent.total})`));
    blocks.push(
      ...listed(
        sent.shown,
        LIST_LIMIT,
        (pull) => sentPullBlocks(pull, now, handshakes.get(pull.id)),
        'pull',
        'see the Home tab',
        sent.total,
      ),
    );
  }
  return {
    text: `${plural(awaiting.total, 'pull')} awaiting you, ${sent.total} sent and open.`,
    blocks: capBlocks(blocks, LIMITS.messageBlocks, 'More on your Home tab.'),
  };
}

export function pullHelp(): { text: string; blocks: Blocks } {
  const text = [
    '*Pull your manager in when you need their input* — for everything else, the call is yours.',
    '',
    '`/pull` — open the pull form',
    '`/pull @manager what you need` — pull them in right away',
    '`/pull what you need` — goes to your default manager',
    '`/pull manager @someone` — set your default manager',
    '`/pull list` — your open pulls, sent and awaiting you; *Withdraw* one you sent until it is answered, and *Edit* it until then (or until success is defined)',
    '`/pull decisions` — your last 20 answered pulls: who holds each decision, what was decided, when',
    '`/pull agreements` — what success looks like, as you and your manager agreed it',
    '`/pull away YYYY-MM-DD [@deputy]` — away until that day: no digest or reminders, and whoever pulls you in is told (and offered your deputy)',
    '`/pull back` — back early; what arrived while you were away comes in one DM',
    '`/pull autonomy @person` — for someone who names you as manager: they run on their own, no count of their activity shown anywhere (`/pull autonomy off @person` takes it back)',
    '`/pull help` — this message',
    '',
    'Kinds of pull: *decision* (make a call), *context* (share what you know), *unblock* (clear the way), *define success* (say what good looks like).',
    "Want room to run it your way? Pull in with *define success*: your manager says what success looks like, you *Repeat it back* in your own words — and how you mean to get there — and once they say *That's it*, it is agreed and kept.",
  ].join('\n');
  return { text, blocks: [section(text)] };
}

export interface PullModalInput {
  managerId?: string | undefined;
  need?: string | undefined;
  pushOptions?: { id: number; title: string }[];
  privateMetadata?: string;
  /** Editing this pull: every field as it stands, the manager fixed (their DM is the one updated). */
  editing?: Pull;
}

const KIND_OPTIONS = (Object.keys(KIND_LABEL) as PullKind[]).map((kind) => option(KIND_LABEL[kind], kind));

export function pullModal(input: PullModalInput = {}): ModalView {
  const editing = input.editing;
  const need = editing ? editing.need : input.need;
  const kindOption = KIND_OPTIONS.find((o) => o.value === editing?.kind) ?? KIND_OPTIONS[0];
  const pushOptions = (input.pushOptions ?? [])
    .slice(0, LIMITS.options)
    .map((p) => option(plainExcerpt(p.title, LIMITS.optionText), String(p.id)));
  const pushOption = pushOptions.find((o) => o.value === String(editing?.pushId));
  const managerBlock: KnownBlock = editing
    ? section(`Pulling in ${mention(editing.managerId)}`)
    : {
        type: 'input',
        block_id: PULL_FORM.manager,
        dispatch_action: true,
        label: { type: 'plain_text', text: 'Who do you need?' },
        element: {
          type: 'users_select',
          action_id: PULL_MANAGER_SELECTED,
          placeholder: { type: 'plain_text', text: 'Your manager' },
          ...(input.managerId ? { initial_user: input.managerId } : {}),
        },
      };
  const blocks: KnownBlock[] = [
    managerBlock,
    {
      type: 'input',
      block_id: PULL_FORM.need,
      label: { type: 'plain_text', text: 'What do you need from them?' },
      element: {
        type: 'plain_text_input',
        action_id: INPUT_ACTION,
        multiline: true,
        max_length: NEED_MAX,
        placeholder: { type: 'plain_text', text: 'The question, the call to make, the blocker to clear' },
        // The stored text itself: sent back, its mentions and links stay what they were.
        ...(need ? { initial_value: cut(need, NEED_MAX) } : {}),
      },
    },
    {
      type: 'input',
      block_id: PULL_FORM.kind,
      label: { type: 'plain_text', text: 'Kind of pull' },
      element: {
        type: 'static_select',
        action_id: INPUT_ACTION,
        options: KIND_OPTIONS,
        initial_option: kindOption,
      },
    },
    {
      type: 'input',
      block_id: PULL_FORM.context,
      optional: true,
      label: { type: 'plain_text', text: 'Context' },
      hint: { type: 'plain_text', text: 'What you already know or tried, so they can answer in one go.' },
      element: {
        type: 'plain_text_input',
        action_id: INPUT_ACTION,
        multiline: true,
        max_length: CONTEXT_MAX,
        ...(editing?.context ? { initial_value: cut(editing.context, CONTEXT_MAX) } : {}),
      },
    },
    {
      type: 'input',
      block_id: PULL_FORM.neededBy,
      optional: true,
      label: { type: 'plain_text', text: 'Needed by' },
      element: {
        type: 'datepicker',
        action_id: INPUT_ACTION,
        ...(editing?.neededBy ? { initial_date: editing.neededBy } : {}),
      },
    },
  ];
  if (pushOptions.length > 0) {
    blocks.push({
      type: 'input',
      block_id: PULL_FORM.push,
      optional: true,
      label: { type: 'plain_text', text: 'Related push' },
      hint: { type: 'plain_text', text: 'One of their priorities this quarter, if this is about it.' },
      element: {
        type: 'static_select',
        action_id: INPUT_ACTION,
        options: pushOptions,
        ...(pushOption ? { initial_option: pushOption } : {}),
      },
    });
  }
  return {
    type: 'modal',
    callback_id: editing ? PULL_EDIT_VIEW : PULL_CREATE_VIEW,
    title: { type: 'plain_text', text: editing ? 'Edit your pull' : 'Pull in your manager' },
    submit: { type: 'plain_text', text: editing ? 'Save' : 'Pull in' },
    close: { type: 'plain_text', text: 'Cancel' },
    ...(input.privateMetadata && input.privateMetadata.length <= LIMITS.privateMetadata
      ? { private_metadata: input.privateMetadata }
      : {}),
    blocks,
  };
}

export function resolveModal(pull: Pull, resolution: Answer): ModalView {
  const required = NOTE_REQUIRED[resolution];
  const prompts: Record<Answer, string> = {
    'your-call': 'Anything they should keep in mind? The decision stays theirs.',
    input: 'Your context or recommendation',
    decision: 'Your decision, and why',
    talk: 'When or how to talk (optional)',
  };
  return {
    type: 'modal',
    callback_id: PULL_RESOLVE_VIEW,
    private_metadata: JSON.stringify({ pullId: pull.id, resolution }),
    title: { type: 'plain_text', text: RESOLUTION_LABEL[resolution] },
    submit: { type: 'plain_text', text: 'Send' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(`${mention(pull.requesterId)} asked:`),
      ...quoteSections(pull.need, 20),
      {
        type: 'input',
        block_id: RESOLVE_FORM.note,
        optional: !required,
        label: { type: 'plain_text', text: required ? 'Note' : 'Note (optional)' },
        element: {
          type: 'plain_text_input',
          action_id: INPUT_ACTION,
          multiline: true,
          max_length: NOTE_MAX,
          placeholder: { type: 'plain_text', text: prompts[resolution] },
        },
      },
    ],
  };
}
