// The define-success handshake's messages: each step DMs the other person and updates the earlier message in place.
import type { webApi } from '@slack/bolt';
import type { Agreement, Pull } from '../../db/schema.js';
import { agreementForPull, recordConfirmMessage, recordRequesterMessage } from '../../domain/agreements.js';
import { confirmMessage, requesterHandshakeMessage } from '../blocks/agreements.js';
import { attempt, type Delivery, pushFrameOf, saveAfterAck } from '../deliver.js';
import type { Deps } from '../deps.js';

type WebClient = webApi.WebClient;

/** The message metadata on every handshake DM, so it can be told apart from (and found like) a pull's own DM. */
export const AGREEMENT_EVENT = 'pushpull_agreement';

type Side = 'requester' | 'confirm';

const rendered = async (deps: Deps, side: Side, pull: Pull, agreement: Agreement) =>
  side === 'requester'
    ? requesterHandshakeMessage(pull, agreement, await pushFrameOf(deps, pull))
    : confirmMessage(pull, agreement);

/** A new DM for the person whose step it is now; where it went is kept so the next step can update it. */
async function post(
  client: WebClient,
  deps: Deps,
  side: Side,
  pull: Pull,
  agreement: Agreement,
): Promise<Delivery> {
  const to = side === 'requester' ? pull.requesterId : pull.managerId;
  const context = { pullId: pull.id, userId: to };
  let where: { channel?: string | undefined; ts?: string | undefined } = {};
  const sent = await attempt(
    deps,
    `DM the ${side === 'requester' ? 'requester' : 'manager'} a handshake step`,
    context,
    async () => {
      where = await client.chat.postMessage({
        channel: to,
        ...(await rendered(deps, side, pull, agreement)),
        metadata: {
          event_type: AGREEMENT_EVENT,
          event_payload: { pull: pull.id, side, round: agreement.rounds },
        },
      });
    },
  );
  const { channel, ts } = where;
  if (sent.ok && channel && ts) {
    const record = side === 'requester' ? recordRequesterMessage : recordConfirmMessage;
    await saveAfterAck(deps, 'where a handshake DM is', context, () =>
      record(deps.db, agreement.id, channel, ts),
    );
  }
  return sent;
}

/** The earlier message of this side, shown as it stands now; nothing to do when it was never delivered. */
async function update(
  client: WebClient,
  deps: Deps,
  side: Side,
  pull: Pull,
  agreement: Agreement,
): Promise<Delivery> {
  const channel = side === 'requester' ? agreement.requesterChannel : agreement.confirmChannel;
  const ts = side === 'requester' ? agreement.requesterTs : agreement.confirmTs;
  if (!channel || !ts) return { ok: true };
  return attempt(deps, 'update a handshake DM', { pullId: pull.id }, async () =>
    client.chat.update({ channel, ts, ...(await rendered(deps, side, pull, agreement)) }),
  );
}

/** Defined, or sent back with Not quite: the requester's turn, in a new DM with Repeat it back. */
export const askToRepeat = (client: WebClient, deps: Deps, pull: Pull, agreement: Agreement) =>
  post(client, deps, 'requester', pull, agreement);

/** Said back: the manager's turn, in a new DM with both versions side by side. */
export const askToConfirm = (client: WebClient, deps: Deps, pull: Pull, agreement: Agreement) =>
  post(client, deps, 'confirm', pull, agreement);

/** The requester's latest handshake DM, brought up to date. */
export const updateRequesterStep = (client: WebClient, deps: Deps, pull: Pull, agreement: Agreement) =>
  update(client, deps, 'requester', pull, agreement);

/** The manager's side-by-side DM, brought up to date. */
export const updateConfirmStep = (client: WebClient, deps: Deps, pull: Pull, agreement: Agreement) =>
  update(client, deps, 'confirm', pull, agreement);

/**
 * Withdrawn or taken to a live talk mid-handshake: both handshake DMs are brought up to date, so they say it
 * ended and carry no button that would only be refused.
 */
export async function endHandshake(client: WebClient, deps: Deps, pull: Pull): Promise<void> {
  if (pull.kind !== 'define-success') return;
  const agreement = await agreementForPull(deps.db, pull.id);
  if (!agreement || agreement.stage === 'agreed') return;
  await Promise.all([
    update(client, deps, 'requester', pull, agreement),
    update(client, deps, 'confirm', pull, agreement),
  ]);
}
