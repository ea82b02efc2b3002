// The Home tab: published on open and refreshed after any change that concerns the person.
import type { webApi } from '@slack/bolt';
import type { Deps } from './deps.js';

export async function publishHome(_client: webApi.WebClient, _deps: Deps, _userId: string): Promise<void> {}

export async function refreshHomes(client: webApi.WebClient, deps: Deps, userIds: string[]): Promise<void> {
  await Promise.all([...new Set(userIds)].map((id) => publishHome(client, deps, id)));
}
