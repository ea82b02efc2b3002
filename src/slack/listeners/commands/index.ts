import type { Routes } from '../routes.js';
import { pullCommand } from './pull.js';
import { pushCommand } from './push.js';

export function register(routes: Routes): void {
  routes.command('/pull', pullCommand);
  routes.command('/push', pushCommand);
}
