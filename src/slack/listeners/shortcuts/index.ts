import type { Routes } from '../routes.js';
import { pullInShortcut } from './pull-in.js';
import { recognizeMessageShortcut, recognizeShortcut } from './recognize-advocate.js';

export function register(routes: Routes): void {
  routes.shortcut('pull_in', pullInShortcut);
  routes.shortcut('recognize_advocate', recognizeShortcut);
  routes.shortcut('recognize_advocate_message', recognizeMessageShortcut);
}
