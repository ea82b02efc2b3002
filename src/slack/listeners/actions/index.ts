import { HOME_PULL_IN, HOME_PUSH_ADD } from '../../blocks/home.js';
import { HANDSHAKE_ACTIONS, PULL_ACTIONS, PULL_MANAGER_SELECTED } from '../../blocks/pulls.js';
import { PUSH_UPDATE_OPEN } from '../../blocks/pushes.js';
import type { Deps } from '../../deps.js';
import type { Routes } from '../routes.js';
import { defineSuccessAction, notQuiteAction, repeatBackAction, thatsItAction } from './handshake.js';
import { homePullInAction, homePushAddAction } from './home-buttons.js';
import { acknowledgeAction, answerAction } from './pull-answer.js';
import { editAction } from './pull-edit.js';
import { managerSelectedAction } from './pull-manager-selected.js';
import { withdrawAction } from './pull-withdraw.js';
import { pushUpdateOpenAction } from './push-update-open.js';

export function register(routes: Routes, deps: Deps): void {
  routes.action(PULL_ACTIONS.acknowledge, acknowledgeAction(deps));
  routes.action(PULL_ACTIONS['your-call'], answerAction(deps, 'your-call'));
  routes.action(PULL_ACTIONS.input, answerAction(deps, 'input'));
  routes.action(PULL_ACTIONS.decision, answerAction(deps, 'decision'));
  routes.action(PULL_ACTIONS.talk, answerAction(deps, 'talk'));
  routes.action(PULL_ACTIONS['define-success'], defineSuccessAction(deps));
  routes.action(HANDSHAKE_ACTIONS.repeat, repeatBackAction(deps));
  routes.action(HANDSHAKE_ACTIONS.thatsIt, thatsItAction(deps));
  routes.action(HANDSHAKE_ACTIONS.notQuite, notQuiteAction(deps));
  routes.action(PULL_ACTIONS.withdraw, withdrawAction(deps));
  routes.action(PULL_ACTIONS.edit, editAction(deps));
  routes.action(PULL_MANAGER_SELECTED, managerSelectedAction(deps));
  routes.action(PUSH_UPDATE_OPEN, pushUpdateOpenAction(deps));
  routes.action(HOME_PULL_IN, homePullInAction(deps));
  routes.action(HOME_PUSH_ADD, homePushAddAction(deps));
}
