import type { App } from '@slack/bolt';
import type { Deps } from '../deps.js';
import { register as actions } from './actions/index.js';
import { register as commands } from './commands/index.js';
import { register as events } from './events/index.js';
import { register as shortcuts } from './shortcuts/index.js';
import { register as views } from './views/index.js';

export function registerListeners(app: App, deps: Deps): void {
  commands(app, deps);
  shortcuts(app, deps);
  views(app, deps);
  actions(app, deps);
  events(app, deps);
}
