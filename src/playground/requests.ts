// What a person does on the playground page, sent to the real app the way Slack sends it: signed, in Slack's
// payload shapes, with text in Slack's escaped form and response URLs and trigger ids that lead back to them.
import { randomUUID } from 'node:crypto';
import { CHANNELS, PEOPLE } from './seed.js';
import type { Json } from './shapes.js';
import { escapeTyped, type Sent, type SlackDriver, slashCommandPayload, TEAM } from './slack-driver.js';
import { dmOf, type Origin, type Workspace } from './workspace.js';

/**
 * Text as Slack delivers what a person typed: escaped, with `@first-name` and `#channel` turned into the markup
 * Slack puts in for a mention or a channel picked from autocomplete.
 */
export function slackForm(text: string): string {
  return escapeTyped(text)
    .replace(/@([a-z]+)/gi, (whole, handle: string) => {
      const person = PEOPLE.find((p) => p.name.split(' ')[0]?.toLowerCase() === handle.toLowerCase());
      return person ? `<@${person.id}|${handle.toLowerCase()}>` : whole;
    })
    .replace(/#([a-z][a-z0-9-]*)/gi, (whole, name: string) => {
      const channel = CHANNELS.find((c) => c.name === name.toLowerCase());
      return channel ? `<#${channel.id}|${channel.name}>` : whole;
    });
}

const user = (id: string) => ({ id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: TEAM });
const channelName = (id: string) =>
  id.startsWith('D') ? 'directmessage' : (CHANNELS.find((c) => c.id === id)?.name ?? id);

export class PlaygroundRequests {
  constructor(
    private readonly slack: SlackDriver,
    private readonly workspace: Workspace,
  ) {}

  private trigger(origin: Origin): string {
    return this.slack.fake.issueTrigger(this.workspace.originId('trigger', origin));
  }

  private responseUrl(origin: Origin): string {
    return this.slack.fake.responseUrl(this.workspace.originId('respond', origin));
  }

  private common(userId: string, origin: Origin) {
    return {
      team: { id: TEAM, domain: 'acme' },
      user: user(userId),
      api_app_id: 'A0PUSHPULL',
      token: 'legacy-verification-token',
      trigger_id: this.trigger(origin),
      is_enterprise_install: false,
      enterprise: null,
    };
  }

  /** `/pull …` or `/push …` typed in a channel or the DM; the reply Slack shows only to them. */
  async command(userId: string, channel: string, line: string): Promise<Sent> {
    const [command = '', ...rest] = line.trim().split(/\s+/);
    const text = line.trim().slice(command.length).trim();
    const origin = { user: userId, channel };
    const payload = {
      ...slashCommandPayload(this.slack.fake, command, slackForm(rest.length > 0 ? text : ''), userId),
      channel_id: channel,
      channel_name: channelName(channel),
      response_url: this.responseUrl(origin),
      trigger_id: this.trigger(origin),
    };
    const sent = await this.slack.sendCommand(payload);
    if (typeof sent.body === 'object' && (sent.body.text !== undefined || sent.body.blocks !== undefined))
      this.workspace.addEphemeral(channel, userId, sent.body);
    return sent;
  }

  /** A button, overflow, select or date picked in a message, an ephemeral reply, the Home tab or a modal. */
  action(
    userId: string,
    where: { channel?: string; ts?: string; ephemeralId?: string; viewId?: string; values?: Json },
    action: Json,
  ): Promise<Sent> {
    const stamped = { action_ts: `${Date.now() / 1000}`, ...action };
    if (where.viewId) {
      const open = this.workspace.topView(userId, where.viewId);
      const home = this.workspace.state().homes[userId];
      const view = open?.view ?? home ?? {};
      const origin = { user: userId, channel: dmOf(userId) };
      return this.slack.interactive({
        type: 'block_actions',
        ...this.common(userId, origin),
        container: { type: 'view', view_id: where.viewId },
        view: this.viewPayload(where.viewId, view, where.values ?? {}),
        actions: [stamped],
      });
    }
    const channel = where.channel ?? dmOf(userId);
    const ephemeral = where.ephemeralId !== undefined;
    const origin: Origin = {
      user: userId,
      channel,
      ...(where.ts ? { ts: where.ts } : {}),
      ...(where.ephemeralId ? { ephemeralId: where.ephemeralId } : {}),
    };
    const message = where.ts ? this.workspace.message(channel, where.ts) : undefined;
    return this.slack.interactive({
      type: 'block_actions',
      ...this.common(userId, origin),
      container: {
        type: 'message',
        message_ts: where.ts ?? '1.000001',
        channel_id: channel,
        is_ephemeral: ephemeral,
      },
      channel: { id: channel, name: channelName(channel) },
      ...(message && !ephemeral
        ? {
            message: {
              type: 'message',
              ts: message.ts,
              text: message.text,
              bot_id: 'BBOT0001',
              blocks: message.blocks ?? [],
            },
          }
        : {}),
      state: { values: {} },
      response_url: this.responseUrl(origin),
      actions: [stamped],
    });
  }

  /** The modal's Submit: the app's ack decides whether it closes, changes, or shows field errors. */
  async submit(userId: string, viewId: string, values: Json): Promise<Sent> {
    const open = this.workspace.topView(userId, viewId);
    if (!open) throw new Error(`no open view ${viewId} for ${userId}`);
    const sent = await this.slack.interactive({
      type: 'view_submission',
      ...this.common(userId, { user: userId, channel: dmOf(userId) }),
      response_urls: [],
      view: this.viewPayload(viewId, open.view, values),
    });
    this.workspace.afterSubmission(userId, viewId, typeof sent.body === 'object' ? sent.body : {});
    return sent;
  }

  /** The modal's Cancel (or ×): Slack tells the app only when the view asked, with `notify_on_close`. */
  async close(userId: string, viewId: string): Promise<void> {
    const open = this.workspace.topView(userId, viewId);
    this.workspace.closeView(userId, viewId);
    if (open?.view.notify_on_close !== true) return;
    await this.slack.interactive({
      type: 'view_closed',
      team: { id: TEAM, domain: 'acme' },
      user: user(userId),
      api_app_id: 'A0PUSHPULL',
      view: this.viewPayload(viewId, open.view, {}),
      is_cleared: false,
    });
  }

  shortcut(userId: string, callbackId: string): Promise<Sent> {
    return this.slack.interactive({
      type: 'shortcut',
      ...this.common(userId, { user: userId, channel: dmOf(userId) }),
      callback_id: callbackId,
      action_ts: `${Date.now() / 1000}`,
    });
  }

  /** A message shortcut on a person's message in a channel; its text goes in Slack's escaped form. */
  messageShortcut(userId: string, callbackId: string, channel: string, ts: string): Promise<Sent> {
    const message = this.workspace.message(channel, ts);
    if (!message) throw new Error(`no message ${ts} in ${channel}`);
    const origin = { user: userId, channel };
    return this.slack.interactive({
      type: 'message_action',
      ...this.common(userId, origin),
      callback_id: callbackId,
      action_ts: `${Date.now() / 1000}`,
      message_ts: ts,
      channel: { id: channel, name: channelName(channel) },
      message: {
        type: 'message',
        ...(message.user ? { user: message.user } : { subtype: 'bot_message', bot_id: 'BBOT0001' }),
        text: message.user ? slackForm(message.text) : message.text,
        ts,
      },
      response_url: this.responseUrl(origin),
    });
  }

  /** Opening the Home tab. */
  homeOpened(userId: string): Promise<Sent> {
    return this.slack.event({ type: 'app_home_opened', user: userId, channel: dmOf(userId), tab: 'home' });
  }

  private viewPayload(id: string, view: Json, values: Json): Json {
    return {
      id,
      team_id: TEAM,
      type: view.type ?? 'modal',
      title: view.title,
      blocks: view.blocks ?? [],
      callback_id: view.callback_id ?? '',
      private_metadata: view.private_metadata ?? '',
      hash: `h-${id}-${randomUUID().slice(0, 6)}`,
      state: { values },
      app_id: 'A0PUSHPULL',
      bot_id: 'BBOT0001',
    };
  }
}
