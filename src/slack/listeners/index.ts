import type { App } from '@slack/bolt';
import type { Deps } from '../deps.js';
import { register as actions } from './actions/index.js';
import { register as commands } from './commands/index.js';
import { register as events } from './events/index.js';
import { Routes } from './routes.js';
import { register as shortcuts } from './shortcuts/index.js';
import { register as views } from './views/index.js';

export function registerListeners(app: App, deps: Deps): void {
  const routes = new Routes();
  commands(routes);
  shortcuts(routes);
  views(routes);
  actions(routes);
  routes.mount(app, deps);
  events(app, deps);
}
