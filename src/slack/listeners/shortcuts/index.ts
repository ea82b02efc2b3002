import type { App } from '@slack/bolt';
import type { Deps } from '../../deps.js';
import { pullInShortcut } from './pull-in.js';

export function register(app: App, deps: Deps): void {
  app.shortcut('pull_in', pullInShortcut(deps));
}
