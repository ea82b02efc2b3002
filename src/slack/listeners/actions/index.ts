import type { App } from '@slack/bolt';
import { HOME_PULL_IN, HOME_PUSH_ADD } from '../../blocks/home.js';
import { HANDSHAKE_ACTIONS, PULL_ACTIONS, PULL_MANAGER_SELECTED } from '../../blocks/pulls.js';
import { PUSH_UPDATE_OPEN } from '../../blocks/pushes.js';
import type { Deps } from '../../deps.js';
import { defineSuccessAction, notQuiteAction, repeatBackAction, thatsItAction } from './handshake.js';
import { homePullInAction, homePushAddAction } from './home-buttons.js';
import { acknowledgeAction, answerAction } from './pull-answer.js';
import { managerSelectedAction } from './pull-manager-selected.js';
import { withdrawAction } from './pull-withdraw.js';
import { pushUpdateOpenAction } from './push-update-open.js';

export function register(app: App, deps: Deps): void {
  app.action(PULL_ACTIONS.acknowledge, acknowledgeAction(deps));
  app.action(PULL_ACTIONS['your-call'], answerAction(deps, 'your-call'));
  app.action(PULL_ACTIONS.input, answerAction(deps, 'input'));
  app.action(PULL_ACTIONS.decision, answerAction(deps, 'decision'));
  app.action(PULL_ACTIONS.talk, answerAction(deps, 'talk'));
  app.action(PULL_ACTIONS['define-success'], defineSuccessAction(deps));
  app.action(HANDSHAKE_ACTIONS.repeat, repeatBackAction(deps));
  app.action(HANDSHAKE_ACTIONS.thatsIt, thatsItAction(deps));
  app.action(HANDSHAKE_ACTIONS.notQuite, notQuiteAction(deps));
  app.action(PULL_ACTIONS.withdraw, withdrawAction(deps));
  app.action(PULL_MANAGER_SELECTED, managerSelectedAction(deps));
  app.action(PUSH_UPDATE_OPEN, pushUpdateOpenAction(deps));
  app.action(HOME_PULL_IN, homePullInAction(deps));
  app.action(HOME_PUSH_ADD, homePushAddAction(deps));
}
