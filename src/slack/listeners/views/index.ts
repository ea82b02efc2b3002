import type { App } from '@slack/bolt';
import { DEFINE_VIEW, NOT_QUITE_VIEW, REPEAT_VIEW } from '../../blocks/agreements.js';
import { PULL_CREATE_VIEW, PULL_RESOLVE_VIEW } from '../../blocks/pulls.js';
import { PUSH_CREATE_VIEW, PUSH_UPDATE_VIEW } from '../../blocks/pushes.js';
import { RECOGNIZE_VIEW } from '../../blocks/recognitions.js';
import type { Deps } from '../../deps.js';
import { viewClosed } from './closed.js';
import { defineView, notQuiteView, repeatView } from './handshake.js';
import { pullCreateView } from './pull-create.js';
import { pullResolveView } from './pull-resolve.js';
import { pushCreateView } from './push-create.js';
import { pushUpdateView } from './push-update.js';
import { recognizeView } from './recognize.js';

export function register(app: App, deps: Deps): void {
  app.view(PULL_CREATE_VIEW, pullCreateView(deps));
  app.view(PULL_RESOLVE_VIEW, pullResolveView(deps));
  app.view(DEFINE_VIEW, defineView(deps));
  app.view(REPEAT_VIEW, repeatView(deps));
  app.view(NOT_QUITE_VIEW, notQuiteView(deps));
  app.view(PUSH_CREATE_VIEW, pushCreateView(deps));
  app.view(PUSH_UPDATE_VIEW, pushUpdateView(deps));
  app.view(RECOGNIZE_VIEW, recognizeView(deps));
  app.view({ type: 'view_closed' }, viewClosed(deps));
}
