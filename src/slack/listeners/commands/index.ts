import type { Deps } from '../../deps.js';
import type { Routes } from '../routes.js';
import { pullCommand } from './pull.js';
import { pushCommand } from './push.js';

export function register(routes: Routes, deps: Deps): void {
  routes.command('/pull', pullCommand(deps));
  routes.command('/push', pushCommand(deps));
}
