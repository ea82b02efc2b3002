// `/pull away YYYY-MM-DD [@deputy]`, `/pull back` and `/pull autonomy [off] @person`: parts of `/pull`.
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { setAutonomy } from '../../../domain/autonomy.js';
import { comeBack, goAway } from '../../../domain/away.js';
import { getMember, profileIsStale } from '../../../domain/members.js';
import { autonomyConfirmation, autonomyGrantedDm, autonomyRevokedDm } from '../../blocks/autonomy.js';
import { awayConfirmation } from '../../blocks/away.js';
import { autonomyRefusal, awayRefusal, DEPUTY_UNCHECKED } from '../../copy.js';
import { directMessage, refreshProfile } from '../../deliver.js';
import type { Deps } from '../../deps.js';
import { refreshHomes } from '../../home.js';
import { sendWelcomeBack } from '../../notify/away.js';
import { ephemeral } from '../reply.js';
import { saving } from '../saving.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/**
 * How long `/pull away` waits for Slack's word on the people in it. The ack must go within 3 seconds, and
 * after this wait the write may still wait out a busy database (BUSY_PATIENCE_MS): together well under 3.
 */
const PROFILE_WAIT_MS = 800;

function settledWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([work.then(() => undefined), timeout]).finally(() => clearTimeout(timer));
}
interface Caller {
  userId: string;
  teamId: string | undefined;
}

export async function awayCommand(
  deps: Deps,
  { ack, client }: Pick<Args, 'ack' | 'client'>,
  { userId, teamId }: Caller,
  request: { until: string; deputyId?: string | undefined },
): Promise<void> {
  // Their calendar decides what "past" means, and whether a deputy is a bot is Slack's to say: both are
  // asked before anything is stored, within part of the 3 seconds an ack may take.
  const deputyId = request.deputyId !== userId ? request.deputyId : undefined;
  await settledWithin(
    Promise.all([userId, ...(deputyId ? [deputyId] : [])].map((id) => refreshProfile(client, deps, id))),
    PROFILE_WAIT_MS,
  );
  if (deputyId && profileIsStale(await getMember(deps.db, deputyId), deps.clock())) {
    // Slack did not say in time whether the deputy is a person: nothing is stored on a guess.
    await ack(ephemeral({ text: DEPUTY_UNCHECKED }));
    return;
  }
  const saved = await saving(deps, 'time away', { userId }, () =>
    goAway(deps.db, { userId, teamId, ...request }, deps.clock(), deps.config.defaultTimezone),
  );
  if (!saved.ok) {
    await ack(ephemeral({ text: saved.message }));
    return;
  }
  const result = saved.value;
  await ack(
    ephemeral(
      result.ok ? awayConfirmation(result.value) : { text: awayRefusal(result.reason, request.until) },
    ),
  );
  if (result.ok) await refreshHomes(client, deps, [userId]);
}

export async function backCommand(
  deps: Deps,
  { ack, client }: Pick<Args, 'ack' | 'client'>,
  { userId }: Caller,
): Promise<void> {
  // The return is written before "Welcome back" is said; the summary DM can follow the ack.
  const saved = await saving(deps, 'your return', { userId }, () => comeBack(deps.db, userId, deps.clock()));
  if (!saved.ok) {
    await ack(ephemeral({ text: saved.message }));
    return;
  }
  const ended = saved.value;
  if (!ended) {
    await ack(ephemeral({ text: 'You were not marked away — nothing to change.' }));
    return;
  }
  await ack(ephemeral({ text: ':wave: Welcome back. What arrived while you were away is in your DM.' }));
  await sendWelcomeBack(client, deps, userId, ended);
}

export async function autonomyCommand(
  deps: Deps,
  { ack, client }: Pick<Args, 'ack' | 'client'>,
  { userId }: Caller,
  request: { personId: string; granted: boolean },
): Promise<void> {
  const saved = await saving(deps, 'autonomy', { userId, personId: request.personId }, () =>
    setAutonomy(deps.db, userId, request.personId, request.granted, deps.clock()),
  );
  if (!saved.ok) {
    await ack(ephemeral({ text: saved.message }));
    return;
  }
  const result = saved.value;
  if (!result.ok) {
    await ack(ephemeral({ text: autonomyRefusal(result.reason, request.personId) }));
    return;
  }
  await ack(ephemeral(autonomyConfirmation(request.personId, request.granted, result.value.changed)));
  if (!result.value.changed) return;
  await directMessage(
    client,
    deps,
    request.personId,
    request.granted ? autonomyGrantedDm(userId) : autonomyRevokedDm(userId),
    'tell someone about their autonomy',
  );
  await refreshHomes(client, deps, [request.personId, userId]);
}
