// Opening modals with what the domain knows (default manager, their pushes) filled in.
import { getMember } from '../domain/members.js';
import { activePushes } from '../domain/pushes.js';
import { pullModal } from './blocks/pulls.js';
import type { Deps } from './deps.js';
import { quarterFor } from './local-time.js';
import { prefillMetadata } from './payloads.js';

export function pushOptionsFor(deps: Deps, managerId: string | undefined) {
  if (!managerId) return [];
  return activePushes(deps.db, managerId, quarterFor(deps, managerId).key).map((p) => ({
    id: p.id,
    title: p.title,
  }));
}

/** The pull form for this person: their default manager preselected, with that manager's pushes. */
export function pullModalFor(deps: Deps, userId: string, need?: string, chosenManager?: string) {
  const managerId = chosenManager ?? getMember(deps.db, userId)?.managerId ?? undefined;
  const privateMetadata = prefillMetadata(need);
  return pullModal({
    managerId,
    need,
    pushOptions: pushOptionsFor(deps, managerId),
    ...(privateMetadata ? { privateMetadata } : {}),
  });
}
