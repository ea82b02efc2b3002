// Autonomy granted explicitly: what the person is told, in so many words, and what their manager sees.
import { mention } from '../text.js';

export function autonomyGrantedDm(managerId: string): { text: string } {
  return {
    text: `:rocket: ${mention(managerId)} has granted you autonomy: you run on your own. You are trusted to pull them in when you need their input, and you are not exempt from being a team player — the team still counts on you. From now on Pushpull shows no count of your activity anywhere; your work still shows.`,
  };
}

export function autonomyRevokedDm(managerId: string): { text: string } {
  return {
    text: `${mention(managerId)} has taken back the autonomy they granted you: your pulls and recognitions are counted again in their team view and digest. Pull them in whenever you need their input.`,
  };
}

export function autonomyConfirmation(personId: string, granted: boolean, changed: boolean): { text: string } {
  if (!changed)
    return {
      text: granted
        ? `${mention(personId)} already runs on their own. Nothing changed.`
        : `${mention(personId)} did not have autonomy. Nothing changed.`,
    };
  return {
    text: granted
      ? `:white_check_mark: ${mention(personId)} runs on their own now. I told them they are trusted to pull you in when needed and are still part of the team. No count of their activity shows anywhere; their work still does.`
      : `:white_check_mark: ${mention(personId)} no longer has autonomy; their activity is counted again. I let them know.`,
  };
}

/** On the person's own Home: whether they have it. */
export function autonomyLine(managerId: string | null, granted: boolean): string | undefined {
  if (granted)
    return `:rocket: You run on your own${managerId ? ` — granted by ${mention(managerId)}` : ''}. Pull them in when you need to; you are still part of the team. No count of your activity is shown.`;
  if (managerId)
    return `Autonomy: not granted. ${mention(managerId)} can grant it with \`/pull autonomy\` when they trust you to run on your own.`;
  return undefined;
}
