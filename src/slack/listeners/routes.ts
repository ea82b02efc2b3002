// One Bolt listener per kind of request, each dispatching on the request's id through a table.
import type {
  AllMiddlewareArgs,
  App,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackShortcutMiddlewareArgs,
  SlackViewMiddlewareArgs,
} from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { DATABASE_LOST_PARTWAY, DATABASE_OUT_OF_REACH } from '../copy.js';
import type { Deps } from '../deps.js';
import { openView, tellActor } from './reply.js';
import { databaseErrorSummary, isDatabaseOutOfReach, requestDeps } from './saving.js';

type Handler<A> = (args: A & AllMiddlewareArgs) => Promise<void>;
/** A listener: given one request's Deps (saving.ts, `requestDeps`), the handler for that request. */
type Listener<A> = (deps: Deps) => Handler<A>;
// Each handler is written for its own payload (a BlockAction, a GlobalShortcut…); the table holds them
// side by side, and the id it is looked up by is what decides which payload arrives.
// biome-ignore lint/suspicious/noExplicitAny: see above; each handler's own signature is checked where it is written.
type AnyHandler = Handler<any>;
type AnyListener = (deps: Deps) => AnyHandler;

type Kind = 'command' | 'action' | 'view' | 'view_closed' | 'shortcut';

/**
 * Bolt runs every registered listener's matchers on every request: with one listener per command,
 * action, view and shortcut, a button press walks two dozen middleware chains before the one that
 * answers. Here Bolt has one listener per kind, and the id picks the handler from a Map: one lookup,
 * however many listeners Pushpull grows. Registering is much as with Bolt: `routes.action(id, listener)`,
 * where the listener is the module's `(deps) => handler`, called with each request's own Deps.
 *
 * Being the one door every request goes through, it is also where a database that is out of reach is
 * answered (see `outOfReach`): a listener's reads before its ack are not wrapped one by one.
 */
export class Routes {
  private readonly commands = new Map<string, AnyListener>();
  private readonly actions = new Map<string, AnyListener>();
  private readonly views = new Map<string, AnyListener>();
  private readonly shortcuts = new Map<string, AnyListener>();
  private closed: AnyListener | undefined;

  command(name: string, listener: Listener<SlackCommandMiddlewareArgs>): void {
    this.commands.set(name, listener);
  }

  action<A extends SlackActionMiddlewareArgs>(actionId: string, listener: Listener<A>): void {
    this.actions.set(actionId, listener as AnyListener);
  }

  view<A extends SlackViewMiddlewareArgs>(
    callbackId: string | { type: 'view_closed' },
    listener: Listener<A>,
  ): void {
    if (typeof callbackId === 'string') this.views.set(callbackId, listener as AnyListener);
    else this.closed = listener as AnyListener;
  }

  shortcut<A extends SlackShortcutMiddlewareArgs>(callbackId: string, listener: Listener<A>): void {
    this.shortcuts.set(callbackId, listener as AnyListener);
  }

  /** Registers the one listener per kind. A request for an id nobody handles is acknowledged and logged. */
  mount(app: App, deps: Deps): void {
    const unknown = async (kind: string, id: string, ack: () => Promise<void>) => {
      deps.logger.warn('a request for something Pushpull does not handle; acknowledged and ignored', {
        kind,
        id,
      });
      await ack();
    };
    app.command(/.*/, async (args) => {
      const listener = this.commands.get(args.command.command);
      if (listener) return outOfReach(deps, 'command', args.command.command, listener)(args);
      return unknown('command', args.command.command, () => args.ack());
    });
    app.action(/.*/, async (args) => {
      const id = 'action_id' in args.action ? String(args.action.action_id) : '';
      const listener = this.actions.get(id);
      if (listener) return outOfReach(deps, 'action', id, listener)(args);
      return unknown('action', id, () => args.ack());
    });
    app.view({ callback_id: /.*/, type: 'view_submission' }, async (args) => {
      const listener = this.views.get(args.view.callback_id);
      if (listener) return outOfReach(deps, 'view', args.view.callback_id, listener)(args);
      return unknown('view', args.view.callback_id, () => args.ack());
    });
    const closed = this.closed;
    if (closed)
      app.view({ type: 'view_closed' }, (args) =>
        outOfReach(deps, 'view_closed', args.view.callback_id, closed)(args),
      );
    app.shortcut(/.*/, async (args) => {
      const listener = this.shortcuts.get(args.shortcut.callback_id);
      if (listener) return outOfReach(deps, 'shortcut', args.shortcut.callback_id, listener)(args);
      return unknown('shortcut', args.shortcut.callback_id, () => args.ack());
    });
  }
}

/**
 * Runs the listener's handler for one request; when it fails because the database is out of reach (a PostgreSQL server down or restarting,
 * SQLite's lock held elsewhere past our patience) the person is asked to try again in a moment, at once and
 * where they acted, and the failure is logged once here (if something was already saved, they are told
 * that instead: trying again would do it twice). Without this, a read before the ack (a member, a list
 * page, a check) would throw out of the listener and Bolt would answer Slack with an error status (a 404)
 * that Slack shows as its own failure. Writes go through `saving`, which answers the same way and does not
 * throw. Any other error is thrown on to Bolt's error handler as it is.
 */
function outOfReach(deps: Deps, kind: Kind, id: string, listener: AnyListener): AnyHandler {
  return async (args) => {
    let acked = false;
    const ack = async (response?: unknown) => {
      acked = true;
      await args.ack(response);
    };
    const request = requestDeps(deps);
    try {
      await listener(request)({ ...args, ack });
    } catch (error) {
      if (!isDatabaseOutOfReach(error)) throw error;
      const userId = actor(args.body);
      const context = { kind, id, userId, acknowledged: acked, error: databaseErrorSummary(error) };
      if (request.kept.count > 0) {
        // What was asked is kept; its follow-up is not. "Try again" would do it twice.
        deps.logger.error(
          'the database went out of reach partway through a request, after its change was saved; the person was told',
          context,
        );
        await tellWhereTheyAre(deps, kind, args, acked, userId, DATABASE_LOST_PARTWAY);
        return;
      }
      deps.logger.error(
        'could not answer a request: the database is out of reach; the person was asked to try again',
        context,
      );
      await tellWhereTheyAre(deps, kind, args, acked, userId, DATABASE_OUT_OF_REACH);
    }
  };
}

/** Who acted: a slash command names them in `user_id`, every interaction payload in `user.id`. */
function actor(body: unknown): string {
  const b = body as { user_id?: unknown; user?: { id?: unknown } };
  return String(b.user_id ?? b.user?.id ?? '');
}

/**
 * Says `text` (DATABASE_OUT_OF_REACH, or DATABASE_LOST_PARTWAY) where Slack shows it best:
 * - a command: in its ack, as an ephemeral reply under the command they typed (after the ack, through its
 *   response_url, which is the same place);
 * - a button: an ephemeral reply in the message they clicked in; a Home tab or modal button has no
 *   response_url, so a small modal where they are (a DM if Slack will not open it);
 * - a form submission: as an error under its first field. The modal stays open with everything they typed,
 *   so "try again" is one more press of Submit; closing it (a plain ack) or replacing it would lose their
 *   words. A form with no field to hang it on gets a small modal pushed over it, and Back returns to the form;
 * - a shortcut: a small modal, where the form they asked for would have opened (a DM if Slack will not);
 * - a closed modal: nobody is waiting for an answer, so only the ack and the log.
 */
async function tellWhereTheyAre(
  deps: Deps,
  kind: Kind,
  // biome-ignore lint/suspicious/noExplicitAny: the payload's shape is whichever `kind` says; read by kind below.
  args: any,
  acked: boolean,
  userId: string,
  text: string,
): Promise<void> {
  const { client, respond } = args as AllMiddlewareArgs & { respond?: SlackCommandMiddlewareArgs['respond'] };
  switch (kind) {
    case 'command':
      if (!acked) return args.ack({ response_type: 'ephemeral', text });
      return tellActor(deps, client, respond, userId, text);
    case 'action': {
      if (!acked) await args.ack();
      const triggerId = (args.body as { trigger_id?: string }).trigger_id;
      if (respond || !triggerId) return tellActor(deps, client, respond, userId, text);
      return openView(deps, client, undefined, userId, triggerId, notice(text));
    }
    case 'view': {
      if (acked) return tellActor(deps, client, undefined, userId, text);
      const blockId = firstField(args.view);
      if (blockId !== undefined) return args.ack({ response_action: 'errors', errors: { [blockId]: text } });
      return args.ack({ response_action: 'push', view: notice(text) });
    }
    case 'shortcut':
      if (!acked) await args.ack();
      return openView(deps, client, respond, userId, args.shortcut.trigger_id, notice(text));
    case 'view_closed':
      if (!acked) await args.ack();
      return;
  }
}

/**
 * The block id of a submitted form's first input, where Slack can show an error. `state.values` holds the
 * inputs' block ids too; it is the fallback when a payload carries no blocks.
 */
function firstField(view: {
  blocks?: { type?: string; block_id?: string }[];
  state?: { values?: Record<string, unknown> };
}): string | undefined {
  const blocks = view.blocks ?? [];
  const input = blocks.find((b) => b.type === 'input' && b.block_id);
  if (input) return input.block_id;
  if (blocks.length > 0) return undefined;
  return Object.keys(view.state?.values ?? {})[0];
}

/** A modal that only says `text`. */
function notice(text: string): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: 'Pushpull' },
    close: { type: 'plain_text', text: 'OK' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  };
}
