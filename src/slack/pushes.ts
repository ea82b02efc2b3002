// Push work shared by the command, the modals and the Home tab: render the list, tell owners and managers.
import type { webApi } from '@slack/bolt';
import type { Push } from '../db/schema.js';
import { agreementsOnPushes } from '../domain/agreements.js';
import { lastUpdates, listPushes } from '../domain/pushes.js';
import { previousQuarterKey, quarterLabel } from '../domain/quarters.js';
import { ownerNamedMessage, pushList, pushUpdatedMessage } from './blocks/pushes.js';
import { directMessage, refreshProfile } from './deliver.js';
import type { Deps } from './deps.js';
import { refreshHomes } from './home.js';
import { quarterFor } from './local-time.js';

export async function renderPushList(deps: Deps, managerId: string, viewerId: string) {
  const quarter = await quarterFor(deps, managerId);
  const pushes = await listPushes(deps.db, managerId, quarter.key);
  const ids = pushes.map((p) => p.id);
  const latest = await lastUpdates(deps.db, ids);
  const agreed = await agreementsOnPushes(deps.db, ids);
  const previousKey = previousQuarterKey(quarter.key);
  const previous = await listPushes(deps.db, managerId, previousKey);
  return pushList({
    managerId,
    viewerId,
    quarterLabel: quarter.label,
    lines: pushes.map((push) => ({ push, last: latest.get(push.id), agreed: agreed.get(push.id) })),
    limit: deps.config.pushLimit,
    previous: { quarterLabel: quarterLabel(previousKey, deps.config.fiscalYearStartMonth), pushes: previous },
    now: deps.clock(),
  });
}

/**
 * After a push is created: a named owner hears it is theirs; both Homes refresh. The manager's profile
 * is fetched if it is stale: their digest comes at their own local time.
 */
export async function announcePush(client: webApi.WebClient, deps: Deps, push: Push): Promise<void> {
  await refreshProfile(client, deps, push.managerId);
  if (push.ownerId !== push.managerId) {
    await directMessage(
      client,
      deps,
      push.ownerId,
      ownerNamedMessage(push, quarterLabel(push.quarter, deps.config.fiscalYearStartMonth)),
      'tell an owner about their push',
    );
  }
  await refreshHomes(client, deps, [push.managerId, push.ownerId]);
}

/** After an update: whichever of manager and owner did not write it hears about it. */
export async function announcePushUpdate(
  client: webApi.WebClient,
  deps: Deps,
  push: Push,
  update: { authorId: string; note: string | null },
): Promise<void> {
  const others = [push.managerId, push.ownerId].filter(
    (id, i, all) => id !== update.authorId && all.indexOf(id) === i,
  );
  await Promise.all(
    others.map((id) =>
      directMessage(client, deps, id, pushUpdatedMessage(push, update), 'tell someone about a push update'),
    ),
  );
  await refreshHomes(client, deps, [push.managerId, push.ownerId]);
}
