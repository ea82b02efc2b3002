import type { App } from '@slack/bolt';
import { PULL_PASS_TO_DEPUTY } from '../../blocks/away.js';
import { HOME_PULL_IN, HOME_PUSH_ADD } from '../../blocks/home.js';
import { PULL_ACTIONS, PULL_MANAGER_SELECTED } from '../../blocks/pulls.js';
import { PUSH_UPDATE_OPEN } from '../../blocks/pushes.js';
import type { Deps } from '../../deps.js';
import { homePullInAction, homePushAddAction } from './home-buttons.js';
import { acknowledgeAction, answerAction } from './pull-answer.js';
import { managerSelectedAction } from './pull-manager-selected.js';
import { passToDeputyAction } from './pull-pass-to-deputy.js';
import { withdrawAction } from './pull-withdraw.js';
import { pushUpdateOpenAction } from './push-update-open.js';

export function register(app: App, deps: Deps): void {
  app.action(PULL_ACTIONS.acknowledge, acknowledgeAction(deps));
  app.action(PULL_ACTIONS['your-call'], answerAction(deps, 'your-call'));
  app.action(PULL_ACTIONS.input, answerAction(deps, 'input'));
  app.action(PULL_ACTIONS.decision, answerAction(deps, 'decision'));
  app.action(PULL_ACTIONS.talk, answerAction(deps, 'talk'));
  app.action(PULL_ACTIONS.withdraw, withdrawAction(deps));
  app.action(PULL_MANAGER_SELECTED, managerSelectedAction(deps));
  app.action(PULL_PASS_TO_DEPUTY, passToDeputyAction(deps));
  app.action(PUSH_UPDATE_OPEN, pushUpdateOpenAction(deps));
  app.action(HOME_PULL_IN, homePullInAction(deps));
  app.action(HOME_PUSH_ADD, homePushAddAction(deps));
}
