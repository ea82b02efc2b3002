import type { App } from '@slack/bolt';
import type { Deps } from '../../deps.js';
import { pullCommand } from './pull.js';
import { pushCommand } from './push.js';

export function register(app: App, deps: Deps): void {
  app.command('/pull', pullCommand(deps));
  app.command('/push', pushCommand(deps));
}
