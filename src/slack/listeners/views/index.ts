import { DEFINE_VIEW, NOT_QUITE_VIEW, REPEAT_VIEW } from '../../blocks/agreements.js';
import { PULL_CREATE_VIEW, PULL_EDIT_VIEW, PULL_RESOLVE_VIEW } from '../../blocks/pulls.js';
import { PUSH_CREATE_VIEW, PUSH_UPDATE_VIEW } from '../../blocks/pushes.js';
import { RECOGNIZE_VIEW } from '../../blocks/recognitions.js';
import type { Routes } from '../routes.js';
import { viewClosed } from './closed.js';
import { defineView, notQuiteView, repeatView } from './handshake.js';
import { pullCreateView } from './pull-create.js';
import { pullEditView } from './pull-edit.js';
import { pullResolveView } from './pull-resolve.js';
import { pushCreateView } from './push-create.js';
import { pushUpdateView } from './push-update.js';
import { recognizeView } from './recognize.js';

export function register(routes: Routes): void {
  routes.view(PULL_CREATE_VIEW, pullCreateView);
  routes.view(PULL_RESOLVE_VIEW, pullResolveView);
  routes.view(PULL_EDIT_VIEW, pullEditView);
  routes.view(DEFINE_VIEW, defineView);
  routes.view(REPEAT_VIEW, repeatView);
  routes.view(NOT_QUITE_VIEW, notQuiteView);
  routes.view(PUSH_CREATE_VIEW, pushCreateView);
  routes.view(PUSH_UPDATE_VIEW, pushUpdateView);
  routes.view(RECOGNIZE_VIEW, recognizeView);
  routes.view({ type: 'view_closed' }, viewClosed);
}
