import { PULL_PASS_TO_DEPUTY } from '../../blocks/away.js';
import { HOME_PULL_IN, HOME_PUSH_ADD } from '../../blocks/home.js';
import { HANDSHAKE_ACTIONS, PULL_ACTIONS, PULL_MANAGER_SELECTED } from '../../blocks/pulls.js';
import { PUSH_UPDATE_OPEN } from '../../blocks/pushes.js';
import type { Routes } from '../routes.js';
import { defineSuccessAction, notQuiteAction, repeatBackAction, thatsItAction } from './handshake.js';
import { homePullInAction, homePushAddAction } from './home-buttons.js';
import { acknowledgeAction, answerAction } from './pull-answer.js';
import { editAction } from './pull-edit.js';
import { managerSelectedAction } from './pull-manager-selected.js';
import { passToDeputyAction } from './pull-pass-to-deputy.js';
import { withdrawAction } from './pull-withdraw.js';
import { pushUpdateOpenAction } from './push-update-open.js';

export function register(routes: Routes): void {
  routes.action(PULL_ACTIONS.acknowledge, acknowledgeAction);
  routes.action(PULL_ACTIONS['your-call'], (d) => answerAction(d, 'your-call'));
  routes.action(PULL_ACTIONS.input, (d) => answerAction(d, 'input'));
  routes.action(PULL_ACTIONS.decision, (d) => answerAction(d, 'decision'));
  routes.action(PULL_ACTIONS.talk, (d) => answerAction(d, 'talk'));
  routes.action(PULL_ACTIONS['define-success'], defineSuccessAction);
  routes.action(HANDSHAKE_ACTIONS.repeat, repeatBackAction);
  routes.action(HANDSHAKE_ACTIONS.thatsIt, thatsItAction);
  routes.action(HANDSHAKE_ACTIONS.notQuite, notQuiteAction);
  routes.action(PULL_ACTIONS.withdraw, withdrawAction);
  routes.action(PULL_ACTIONS.edit, editAction);
  routes.action(PULL_MANAGER_SELECTED, managerSelectedAction);
  routes.action(PULL_PASS_TO_DEPUTY, passToDeputyAction);
  routes.action(PUSH_UPDATE_OPEN, pushUpdateOpenAction);
  routes.action(HOME_PULL_IN, homePullInAction);
  routes.action(HOME_PUSH_ADD, homePushAddAction);
}
