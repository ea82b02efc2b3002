// The words Pushpull says when it cannot do what was asked. Warm, short, and clear about what to do next.

import { AGREEMENT_FIELD_MAX, type HandshakeRefusal } from '../domain/agreements.js';
import type { AutonomyRefusal } from '../domain/autonomy.js';
import type { AwayRefusal, PassRefusal } from '../domain/away.js';
import type { EditRefusal } from '../domain/pull-edits.js';
import type { OpenPullRefusal, StepRefusal } from '../domain/pulls.js';
import { CONTEXT_MAX, NEED_MAX, NOTE_MAX, PULLS_PER_MINUTE } from '../domain/pulls.js';
import { type AddPushRefusal, FIELD_MAX, type PushStepRefusal, TITLE_MAX } from '../domain/pushes.js';
import { excerpt, mention } from './text.js';

const n = (value: number) => value.toLocaleString('en-US');

export function openPullRefusal(reason: OpenPullRefusal, needLength = 0): string {
  switch (reason) {
    case 'need-empty':
      return 'Say what you need from them — a pull cannot be empty.';
    case 'need-too-long':
      return `That request is ${n(needLength)} characters; a pull holds up to ${n(NEED_MAX)}. Put the question up front and move the background into the context field of the form (\`/pull\`).`;
    case 'context-too-long':
      return `Context holds up to ${n(CONTEXT_MAX)} characters. Link to the doc instead of pasting it.`;
    case 'self':
      return "You can't pull yourself in — if it's yours to decide, it's your call. Go for it.";
    case 'bot':
      return 'That is a bot. Pull in a person — usually your manager.';
    case 'too-many':
      return TOO_MANY_PULLS;
    case 'invalid':
      return 'Something in that request did not look right. Try `/pull` to use the form.';
  }
}

export function stepRefusal(reason: StepRefusal, who?: { managerId?: string; requesterId?: string }): string {
  switch (reason) {
    case 'not-found':
      return 'I could not find that pull. It may have been removed.';
    case 'not-manager':
      return `Only ${who?.managerId ? mention(who.managerId) : 'the manager it was sent to'} can answer this pull. Nothing was changed.`;
    case 'not-requester':
      return `Only ${who?.requesterId ? mention(who.requesterId) : 'the person who sent it'} can withdraw this pull. Nothing was changed.`;
    case 'closed':
      return 'This pull is already closed — nothing left to do here.';
    case 'already-acknowledged':
      return 'You have already acknowledged this pull — they know you have seen it.';
    case 'note-required':
      return 'Add a note: an answer with Input or Decision carries your words.';
    case 'note-too-long':
      return `A note holds up to ${n(NOTE_MAX)} characters.`;
    case 'not-this-answer':
      return "This pull asks you to define success: use *Define success* (or *Let's talk*). Nothing was changed.";
  }
}

/** Why a step of the define-success handshake did not happen, naming whose step it is. */
export function handshakeRefusal(
  reason: HandshakeRefusal,
  who?: { managerId?: string; requesterId?: string },
): string {
  const manager = who?.managerId ? mention(who.managerId) : 'the manager it was sent to';
  const requester = who?.requesterId ? mention(who.requesterId) : 'the person who asked';
  switch (reason) {
    case 'not-manager':
      return `Only ${manager} can define success and say whether it was heard right. Nothing was changed.`;
    case 'not-requester':
      return `Only ${requester} can repeat it back — it has to be in their own words. Nothing was changed.`;
    case 'not-define-success':
      return 'This pull did not ask to define success. Nothing was changed.';
    case 'already-defined':
      return `Success is already defined for this pull; it is with ${requester} to repeat it back.`;
    case 'not-defined':
      return 'Success has not been defined for this pull yet. Nothing was changed.';
    case 'not-your-turn':
      return 'That step is already done — the handshake has moved on. Nothing was changed.';
    case 'success-empty':
      return 'Say what success looks like — that is the one thing this needs.';
    case 'words-empty':
      return 'Say it back in your own words — that is how you both know it landed.';
    case 'field-too-long':
      return `Each part holds up to ${n(AGREEMENT_FIELD_MAX)} characters. If it needs more, it is not one goal yet.`;
    case 'bad-date':
      return 'Pick the date from the calendar.';
    case 'note-required':
      return 'Say what is not quite right, so they can say it again.';
    default:
      return stepRefusal(reason, who);
  }
}

export function editRefusal(reason: EditRefusal, who?: { requesterId?: string }, needLength = 0): string {
  switch (reason) {
    case 'not-found':
      return 'I could not find that pull. It may have been removed.';
    case 'not-requester':
      return `Only ${who?.requesterId ? mention(who.requesterId) : 'the person who sent it'} can edit this pull. Nothing was changed.`;
    case 'answered':
      return 'This pull has been answered, so it stays as it was when the call was made — nothing was changed. Pull them in again if something new came up.';
    case 'withdrawn':
      return 'You withdrew this pull, so there is nothing to edit — nothing was changed. Pull them in again if you still need them.';
    case 'success-defined':
      return 'Your manager has already defined success for this pull, so it stays as they answered it — nothing was changed. When it is your turn, say it back in your own words; if what you need has changed, withdraw it and pull them in again.';
    case 'push-elsewhere':
      return 'That push belongs to someone else — pick one of theirs.';
    case 'need-empty':
    case 'need-too-long':
    case 'context-too-long':
    case 'invalid':
      return openPullRefusal(reason, needLength);
  }
}

/**
 * The database is out of reach for now: another process holds SQLite's write lock, or the PostgreSQL server is
 * down, restarting or out of connections. Nothing was done, and the same request a moment later likely works;
 * the words stay true whichever it was, for a read (`/pull list`) as for a write.
 */
export const DATABASE_OUT_OF_REACH =
  ":hourglass_flowing_sand: Pushpull's database is busy or out of reach just now, so that didn't go through and nothing was sent. Please try again in a moment.";

/**
 * The database went out of reach partway through a request, after what was asked had been saved: said so the
 * person does not do it again (a second pull, a second answer), and knows what may lag.
 */
export const DATABASE_LOST_PARTWAY =
  ':hourglass_flowing_sand: Pushpull lost touch with its database partway through. What you did was saved — no need to do it again — but a message or a Home tab that should follow from it may be late or missing.';

/** When the database cannot take a write and waiting will not help: said at once, so nobody believes it was kept. */
export const COULD_NOT_SAVE =
  ':warning: Sorry — Pushpull could not save that, so nothing was sent. Please try again in a moment; if it keeps happening, let whoever runs Pushpull know (it is in their logs).';

export const TOO_MANY_PULLS = `That's ${PULLS_PER_MINUTE} pulls in a minute — give them a moment to land. Nothing was sent this time; pull again in a minute.`;

/** Why the manager may not have had their DM of a new pull: Slack refused it, or never answered. */
export function managerNotReached(managerId: string, delivery: { error: string; unknown: boolean }): string {
  return delivery.unknown
    ? `:hourglass_flowing_sand: Your pull is saved. Slack didn't answer when I DMed ${mention(managerId)}, so I can't tell yet whether it reached them, and I won't send it twice. Either way it waits for them in \`/pull list\` and on their Home tab.`
    : `:warning: Your pull is saved, but I couldn't DM ${mention(managerId)} (${delivery.error}). It waits for them in \`/pull list\` and on their Home tab.`;
}

export const SOMETHING_WENT_WRONG =
  'Sorry — something went wrong on my side and nothing was changed. Please try again in a moment.';

export function addPushRefusal(
  reason: AddPushRefusal,
  { limit, quarterLabel, titleLength }: { limit: number; quarterLabel: string; titleLength: number },
): string {
  switch (reason) {
    case 'limit':
      return `You are already pushing on ${limit} things in ${quarterLabel} — that is the limit, and it is the point: you can only stay deeply involved in a few. Finish one (\`/push done N\`) or drop one (\`/push drop N\`) first. Everything else is the team's to own; they will pull you in when they need you.`;
    case 'title-empty':
      return 'Give the push a title — what are you pushing on?';
    case 'title-too-long':
      return `A push title holds up to ${n(TITLE_MAX)} characters (that one is ${n(titleLength)}). Keep it short and put the why in the form: \`/push add\`.`;
    case 'field-too-long':
      return `Each field holds up to ${n(FIELD_MAX)} characters. Link to the plan instead of pasting it.`;
    case 'invalid':
      return 'Something in that push did not look right. Try `/push add` to use the form.';
  }
}

export function pushStepRefusal(reason: PushStepRefusal): string {
  switch (reason) {
    case 'not-found':
      return 'I could not find that push.';
    case 'not-allowed':
      return "Only the push's manager or its owner can update it. Nothing was changed.";
    case 'closed':
      return 'That push is already closed (done or dropped). Nothing was changed.';
    case 'note-too-long':
      return `A note holds up to ${n(FIELD_MAX)} characters.`;
  }
}

export function requesterNotReached(requesterId: string, error: string): string {
  return `:warning: Your answer is saved, but I couldn't DM ${mention(requesterId)} about it (${error}). Let them know directly.`;
}

export function awayRefusal(reason: AwayRefusal, typed: string): string {
  const shown = excerpt(typed, 40);
  switch (reason) {
    case 'malformed':
      return `I couldn't read "${shown}" as a date. Write the last day you are away as YYYY-MM-DD, e.g. \`/pull away 2026-12-24\`. Nothing was changed.`;
    case 'past':
      return `${shown} has already passed on your calendar. Give the last day you will be away, today or later. Nothing was changed.`;
    case 'too-far':
      return `${shown} is more than a year away. Mark up to a year at a time — \`/pull away\` again closer to the date. Nothing was changed.`;
    case 'self':
      return 'You cannot be your own deputy — name someone who can take your pulls, or leave the deputy out. Nothing was changed.';
    case 'bot':
      return 'That is a bot. Name a person as your deputy, or leave the deputy out. Nothing was changed.';
  }
}

export function autonomyRefusal(reason: AutonomyRefusal, personId: string): string {
  switch (reason) {
    case 'self':
      return 'Autonomy is something your manager grants you, not something you grant yourself. Nothing was changed.';
    case 'not-your-report':
      return `Only the manager ${mention(personId)} named with \`/pull manager\` can grant or take back their autonomy, and that is not you. Nothing was changed.`;
  }
}

/** `/pull manager @someone` done; autonomy granted by the manager they left does not come along. */
export function managerSet(managerId: string, autonomyFromId: string | undefined): string {
  const set = `:white_check_mark: ${mention(managerId)} is now your default manager. \`/pull what you need\` goes straight to them.`;
  return autonomyFromId
    ? `${set} Your autonomy was granted by ${mention(autonomyFromId)}, so it stays with them: it is ${mention(managerId)}'s to grant now.`
    : set;
}

export const DEPUTY_UNCHECKED =
  ':hourglass_flowing_sand: Slack did not tell me in time who your deputy is, so nothing was changed. Please try `/pull away` again in a moment.';

export const AWAY_USAGE =
  'To mark yourself away: `/pull away YYYY-MM-DD` (the last day you are away), optionally with a deputy: `/pull away 2026-12-24 @someone`. `/pull back` ends it.';
export const AUTONOMY_USAGE =
  'To grant autonomy to someone who names you as their manager: `/pull autonomy @person`. `/pull autonomy off @person` takes it back.';

export function passRefusal(reason: PassRefusal): string {
  switch (reason) {
    case 'not-found':
      return 'I could not find that pull. It may have been removed.';
    case 'not-requester':
      return 'Only the person who sent this pull can send it on. Nothing was changed.';
    case 'closed':
      return 'This pull is already closed — nothing left to send on.';
    case 'acknowledged':
      return 'They have already picked this pull up, so it stays with them — nothing was changed. You will hear from me when they answer.';
    case 'success-defined':
      return 'They have already defined success for this pull, so the handshake stays with them — nothing was changed. Say it back when it is your turn.';
    case 'not-away':
      return 'They are back, so the pull stays with them. Nothing was changed.';
    case 'no-deputy':
      return 'They have no deputy to send it to; it waits for them. Nothing was changed.';
  }
}
export const EXPORT_IS_CLI_ONLY =
  'Exports are not sent through Slack: whoever runs Pushpull can run `npx pushpull export` on its server. Your own answered pulls are in `/pull decisions`.';
