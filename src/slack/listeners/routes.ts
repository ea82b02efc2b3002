// One Bolt listener per kind of request, each dispatching on the request's id through a table.
import type {
  AllMiddlewareArgs,
  App,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackShortcutMiddlewareArgs,
  SlackViewMiddlewareArgs,
} from '@slack/bolt';
import type { Deps } from '../deps.js';

type Handler<A> = (args: A & AllMiddlewareArgs) => Promise<void>;
// Each handler is written for its own payload (a BlockAction, a GlobalShortcut…); the table holds them
// side by side, and the id it is looked up by is what decides which payload arrives.
// biome-ignore lint/suspicious/noExplicitAny: see above; each handler's own signature is checked where it is written.
type AnyHandler = Handler<any>;

/**
 * Bolt runs every registered listener's matchers on every request: with one listener per command,
 * action, view and shortcut, a button press walks two dozen middleware chains before the one that
 * answers. Here Bolt has one listener per kind, and the id picks the handler from a Map: one lookup,
 * however many listeners Pushpull grows. Registering looks the same as with Bolt (`routes.action(id,
 * handler)`), so a listener module does not know the difference.
 */
export class Routes {
  private readonly commands = new Map<string, AnyHandler>();
  private readonly actions = new Map<string, AnyHandler>();
  private readonly views = new Map<string, AnyHandler>();
  private readonly shortcuts = new Map<string, AnyHandler>();
  private closed: AnyHandler | undefined;

  command(name: string, handler: Handler<SlackCommandMiddlewareArgs>): void {
    this.commands.set(name, handler);
  }

  action<A extends SlackActionMiddlewareArgs>(actionId: string, handler: Handler<A>): void {
    this.actions.set(actionId, handler as AnyHandler);
  }

  view<A extends SlackViewMiddlewareArgs>(
    callbackId: string | { type: 'view_closed' },
    handler: Handler<A>,
  ): void {
    if (typeof callbackId === 'string') this.views.set(callbackId, handler as AnyHandler);
    else this.closed = handler as AnyHandler;
  }

  shortcut<A extends SlackShortcutMiddlewareArgs>(callbackId: string, handler: Handler<A>): void {
    this.shortcuts.set(callbackId, handler as AnyHandler);
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
      const handler = this.commands.get(args.command.command);
      if (handler) return handler(args);
      return unknown('command', args.command.command, () => args.ack());
    });
    app.action(/.*/, async (args) => {
      const id = 'action_id' in args.action ? String(args.action.action_id) : '';
      const handler = this.actions.get(id);
      if (handler) return handler(args);
      return unknown('action', id, () => args.ack());
    });
    app.view({ callback_id: /.*/, type: 'view_submission' }, async (args) => {
      const handler = this.views.get(args.view.callback_id);
      if (handler) return handler(args);
      return unknown('view', args.view.callback_id, () => args.ack());
    });
    const closed = this.closed;
    if (closed) app.view({ type: 'view_closed' }, (args) => closed(args));
    app.shortcut(/.*/, async (args) => {
      const handler = this.shortcuts.get(args.shortcut.callback_id);
      if (handler) return handler(args);
      return unknown('shortcut', args.shortcut.callback_id, () => args.ack());
    });
  }
}
