import type { Deps } from '../../deps.js';
import type { Routes } from '../routes.js';
import { pullInShortcut } from './pull-in.js';
import { recognizeMessageShortcut, recognizeShortcut } from './recognize-advocate.js';

export function register(routes: Routes, deps: Deps): void {
  routes.shortcut('pull_in', pullInShortcut(deps));
  routes.shortcut('recognize_advocate', recognizeShortcut(deps));
  routes.shortcut('recognize_advocate_message', recognizeMessageShortcut(deps));
}
