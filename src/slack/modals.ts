// Opening modals with what the domain knows (default manager, their pushes) filled in.
import type { webApi } from '@slack/bolt';
import { getMember } from '../domain/members.js';
import { activePushes } from '../domain/pushes.js';
import { currentQuarter } from '../domain/quarters.js';
import { pullModal } from './blocks/pulls.js';
import type { Deps } from './deps.js';

export function quarterNow(deps: Deps) {
  return currentQuarter(deps.clock(), deps.config.defaultTimezone, deps.config.fiscalYearStartMonth);
}

export function pushOptionsFor(deps: Deps, managerId: string | undefined) {
  if (!managerId) return [];
  return activePushes(deps.db, managerId, quarterNow(deps).key).map((p) => ({ id: p.id, title: p.title }));
}

export async function openPullModal(
  client: webApi.WebClient,
  deps: Deps,
  triggerId: string,
  userId: string,
  need?: string,
): Promise<void> {
  const managerId = getMember(deps.db, userId)?.managerId ?? undefined;
  await client.views.open({
    trigger_id: triggerId,
    view: pullModal({ managerId, need, pushOptions: pushOptionsFor(deps, managerId) }),
  });
}
