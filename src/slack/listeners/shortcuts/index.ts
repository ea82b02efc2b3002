import type { App } from '@slack/bolt';
import type { Deps } from '../../deps.js';
import { pullInShortcut } from './pull-in.js';
import { recognizeMessageShortcut, recognizeShortcut } from './recognize-advocate.js';

export function register(app: App, deps: Deps): void {
  app.shortcut('pull_in', pullInShortcut(deps));
  app.shortcut('recognize_advocate', recognizeShortcut(deps));
  app.shortcut('recognize_advocate_message', recognizeMessageShortcut(deps));
}
