// Opening modals with what the domain knows (default manager, their pushes) filled in.

import type { Pull } from '../db/schema.js';
import { getMember } from '../domain/members.js';
import { activePushes, getPush } from '../domain/pushes.js';
import { pullModal } from './blocks/pulls.js';
import type { Deps } from './deps.js';
import { quarterFor } from './local-time.js';
import { editMetadata, prefillMetadata } from './payloads.js';

export async function pushOptionsFor(deps: Deps, managerId: string | undefined) {
  if (!managerId) return [];
  const quarter = await quarterFor(deps, managerId);
  return (await activePushes(deps.db, managerId, quarter.key)).map((p) => ({
    id: p.id,
    title: p.title,
  }));
}

/** The pull form for this person: their default manager preselected, with that manager's pushes. */
export async function pullModalFor(deps: Deps, userId: string, need?: string, chosenManager?: string) {
  const managerId = chosenManager ?? (await getMember(deps.db, userId))?.managerId ?? undefined;
  const privateMetadata = prefillMetadata(need);
  return pullModal({
    managerId,
    need,
    pushOptions: await pushOptionsFor(deps, managerId),
    ...(privateMetadata ? { privateMetadata } : {}),
  });
}

/** The same pull form, holding the pull as it stands; its push kept among the options even if no longer active. */
export async function pullEditModalFor(deps: Deps, pull: Pull) {
  const options = await pushOptionsFor(deps, pull.managerId);
  const linked = pull.pushId ? await getPush(deps.db, pull.pushId) : undefined;
  if (linked && !options.some((o) => o.id === linked.id))
    options.unshift({ id: linked.id, title: linked.title });
  return pullModal({
    editing: pull,
    pushOptions: options,
    privateMetadata: editMetadata(pull.id, pull.need, pull.context),
  });
}
