// Sends requests the way Slack does: signed with the signing secret, in Slack's documented shapes, with text
// in Slack's escaped form. Bodies the app answers with (command replies, view_submission acks) are checked
// against Slack's rules too, and a breach is recorded on the fake, which fails the test.
import { createHmac, randomUUID } from 'node:crypto';
import { DOCS, validateMessage, validateView } from './block-kit.js';
import type { FakeSlack } from './fake-slack.js';

/**
 * Markup Slack puts in text for something the person picked from autocomplete (a mention, a channel) or a
 * link. Built with `mention`, `channel`, `link` or `special`, and placed in text with `typed`.
 */
export class SlackMarkup {
  constructor(
    readonly slack: string,
    /** What the person sees in their message box. */
    readonly shown: string,
  ) {}
}

/** `<@U…|name>` (or `<@U…>` without a name): how Slack sends a mention picked from autocomplete. */
export const mention = (userId: string, name?: string): SlackMarkup =>
  new SlackMarkup(
    name === undefined ? `<@${userId}>` : `<@${userId}|${escapeTyped(name)}>`,
    `@${name ?? userId}`,
  );

export const channel = (channelId: string, name?: string): SlackMarkup =>
  new SlackMarkup(
    name === undefined ? `<#${channelId}>` : `<#${channelId}|${escapeTyped(name)}>`,
    `#${name ?? channelId}`,
  );

export const link = (url: string, label?: string): SlackMarkup =>
  new SlackMarkup(
    label === undefined ? `<${escapeTyped(url)}>` : `<${escapeTyped(url)}|${escapeTyped(label)}>`,
    label ?? url,
  );

/** `@channel`, `@here`, `@everyone` as Slack sends them: `<!channel>`. */
export const special = (name: 'channel' | 'here' | 'everyone'): SlackMarkup =>
  new SlackMarkup(`<!${name}>`, `@${name}`);

/** The three characters Slack escapes in text a person typed. */
export function escapeTyped(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Text as Slack delivers what a person typed: literal parts escaped, markup inserted as is.
 * `typed\`${mention('UMGR0001', 'maya')} Q&A on the <draft>\`` → `<@UMGR0001|maya> Q&amp;A on the &lt;draft&gt;`.
 * A plain string interpolated is typed text too, and is escaped.
 */
export function typed(strings: TemplateStringsArray, ...parts: (SlackMarkup | string | number)[]): string {
  let out = escapeTyped(strings[0] ?? '');
  parts.forEach((part, i) => {
    out += part instanceof SlackMarkup ? part.slack : escapeTyped(String(part));
    out += escapeTyped(strings[i + 1] ?? '');
  });
  return out;
}

const MARKUP =
  /^(?:@[UW][A-Z0-9]+(?:\|[^|]*)?|#[CG][A-Z0-9]+(?:\|[^|]*)?|!(?:channel|here|everyone)(?:\|[^|]*)?|!subteam\^S[A-Z0-9]+(?:\|[^|]*)?|!date\^[^|]+(?:\|[^|]*)?|(?:https?|mailto|tel|slack):[^|\s]+(?:\|[^|]*)?)$/;

/**
 * Throws unless `text` is something Slack could send as command or message text: every `&` starts one of
 * the entities Slack writes (`&amp;`, `&lt;`, `&gt;`), and every `<`…`>` is markup. Raw text in a test would
 * exercise a path real users never reach; build it with `typed` or `escapeTyped`.
 */
export function assertSlackForm(text: string): void {
  const token = /<([^<>]*)>|&(?:amp|lt|gt);|[<>&]/g;
  for (const match of text.matchAll(token)) {
    const [whole, inner] = match;
    const at = match.index;
    if (inner !== undefined) {
      if (!MARKUP.test(inner) || /&(?!amp;|lt;|gt;)/.test(inner))
        throw new Error(`Slack never sends ${JSON.stringify(whole)} (at ${at}): build text with typed\`…\``);
    } else if (whole.length === 1) {
      throw new Error(
        `Slack never sends a raw ${JSON.stringify(whole)} (at ${at} in ${JSON.stringify(text.slice(0, 80))}): ` +
          'it arrives as &amp; &lt; &gt; — build text with typed`…` or escapeTyped()',
      );
    }
  }
}

/** A message as the message shortcut receives it: a person's message, a thread reply, or a bot's message. */
export interface ShortcutMessage {
  text: string;
  ts: string;
  user?: string;
  thread_ts?: string;
  bot_id?: string;
}

export interface Sent {
  status: number;
  body: Record<string, unknown> | string;
  /** Milliseconds until the app answered: the time Slack would wait for the ack. */
  ms: number;
}

export interface SignOptions {
  timestamp?: number;
  signature?: string;
  headers?: Record<string, string>;
}

export const TEAM = 'T0001';

export function signature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/**
 * A slash command's fields as Slack sends them, over HTTP (form-encoded) or Socket Mode (an envelope's payload):
 * text in Slack's escaped form (refused otherwise), a response_url, and a fresh single-use trigger id.
 */
export function slashCommandPayload(
  fake: FakeSlack,
  command: string,
  text: string,
  user: string,
): Record<string, string> {
  assertSlackForm(text);
  const id = randomUUID();
  return {
    token: 'legacy-verification-token',
    team_id: TEAM,
    team_domain: 'acme',
    channel_id: 'C0GENERAL',
    channel_name: 'general',
    user_id: user,
    user_name: user.toLowerCase(),
    command,
    text,
    api_app_id: 'A0PUSHPULL',
    is_enterprise_install: 'false',
    response_url: fake.responseUrl(`cmd-${id}`),
    trigger_id: fake.issueTrigger(`trigger-${id}`),
  };
}

export class SlackDriver {
  constructor(
    readonly appUrl: string,
    readonly signingSecret: string,
    readonly fake: FakeSlack,
  ) {}

  async post(body: string, contentType: string, options: SignOptions = {}): Promise<Sent> {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const started = performance.now();
    const res = await fetch(`${this.appUrl}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': options.signature ?? signature(this.signingSecret, timestamp, body),
        ...options.headers,
      },
      body,
    });
    const text = await res.text();
    const ms = performance.now() - started;
    let parsed: Record<string, unknown> | string = text;
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : '';
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed, ms };
  }

  /** A slash command's signed body, form-encoded as Slack sends it: post it again to replay it. */
  commandBody(command: string, text: string, user = 'UREQ0001'): string {
    return new URLSearchParams(slashCommandPayload(this.fake, command, text, user)).toString();
  }

  /** A slash command, form-encoded as Slack sends it. */
  async command(command: string, text: string, user = 'UREQ0001', options: SignOptions = {}): Promise<Sent> {
    return this.sendCommand(slashCommandPayload(this.fake, command, text, user), options);
  }

  /** A slash command's fields (see `slashCommandPayload`), sent and its reply checked as Slack checks it. */
  async sendCommand(payload: Record<string, string>, options: SignOptions = {}): Promise<Sent> {
    const command = payload.command ?? '';
    const body = new URLSearchParams(payload).toString();
    const sent = await this.post(body, 'application/x-www-form-urlencoded', options);
    // A command's ack body is posted as a message: https://docs.slack.dev/interactivity/implementing-slash-commands
    if (typeof sent.body === 'object' && sent.status === 200)
      this.fake.recordViolation(
        `ack:${command}`,
        validateMessage(sent.body, { requireText: false, doc: DOCS.responseUrl }),
        sent.body,
      );
    return sent;
  }

  async interactive(payload: Record<string, unknown>, options: SignOptions = {}): Promise<Sent> {
    const form = new URLSearchParams({ payload: JSON.stringify(payload) });
    const sent = await this.post(form.toString(), 'application/x-www-form-urlencoded', options);
    const body = sent.body;
    // A view_submission ack may carry a view: https://docs.slack.dev/surfaces/modals#updating_response
    if (typeof body === 'object' && (body.response_action === 'update' || body.response_action === 'push'))
      this.fake.recordViolation(`ack:${String(payload.type)}`, validateView(body.view), body);
    if (typeof body === 'object' && body.response_action === 'errors') {
      const errors = body.errors;
      const ok =
        typeof errors === 'object' &&
        errors !== null &&
        Object.values(errors).every((e) => typeof e === 'string' && e.length > 0);
      if (!ok)
        this.fake.recordViolation(
          `ack:${String(payload.type)}`,
          [{ pointer: '/errors', message: 'must map block_id to a message', doc: DOCS.viewSubmission }],
          body,
        );
    }
    return sent;
  }

  /**
   * A button press, shaped as https://docs.slack.dev/reference/interaction-payloads/block_actions-payload:
   * in a message (a DM), in an ephemeral message (`is_ephemeral`, and Slack sends no `message`), or in the
   * Home tab (`container.type: 'view'`, a home view, and no `response_url`).
   */
  action(
    user: string,
    actionId: string,
    value: string,
    where: {
      container?: 'message' | 'view' | 'ephemeral';
      channel?: string;
      ts?: string;
      viewId?: string;
      blockId?: string;
    } = {},
  ): Promise<Sent> {
    const id = randomUUID();
    const inView = where.container === 'view';
    const ephemeral = where.container === 'ephemeral';
    const channelId = where.channel ?? 'D0DM';
    const ts = where.ts ?? '1.000001';
    return this.interactive({
      type: 'block_actions',
      team: { id: TEAM, domain: 'acme' },
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: TEAM },
      api_app_id: 'A0PUSHPULL',
      token: 'legacy-verification-token',
      trigger_id: this.fake.issueTrigger(`trigger-${id}`),
      is_enterprise_install: false,
      enterprise: null,
      container: inView
        ? { type: 'view', view_id: where.viewId ?? 'VHOME' }
        : { type: 'message', message_ts: ts, channel_id: channelId, is_ephemeral: ephemeral },
      ...(inView
        ? {
            view: {
              id: where.viewId ?? 'VHOME',
              team_id: TEAM,
              type: 'home',
              blocks: [],
              private_metadata: '',
              callback_id: '',
              state: { values: {} },
              hash: 'h-home',
              app_id: 'A0PUSHPULL',
              bot_id: 'BBOT0001',
            },
          }
        : {
            channel: { id: channelId, name: channelId.startsWith('D') ? 'directmessage' : 'general' },
            ...(ephemeral
              ? {}
              : { message: { type: 'message', ts, text: '', bot_id: 'BBOT0001', blocks: [] } }),
            state: { values: {} },
            response_url: this.fake.responseUrl(`act-${id}`),
          }),
      actions: [
        {
          type: 'button',
          action_id: actionId,
          block_id: where.blockId ?? 'b',
          text: { type: 'plain_text', text: 'Button', emoji: true },
          value,
          action_ts: '1.2',
        },
      ],
    });
  }

  /** A select menu inside an open modal (dispatch_action). */
  viewAction(
    user: string,
    actionId: string,
    action: Record<string, unknown>,
    view: Record<string, unknown> = {},
  ): Promise<Sent> {
    return this.interactive({
      type: 'block_actions',
      team: { id: TEAM, domain: 'acme' },
      user: { id: user, team_id: TEAM },
      api_app_id: 'A0PUSHPULL',
      trigger_id: this.fake.issueTrigger(`trigger-${randomUUID()}`),
      container: { type: 'view', view_id: 'VMODAL' },
      view: { id: 'VMODAL', type: 'modal', hash: 'h1', private_metadata: '', state: { values: {} }, ...view },
      actions: [{ action_id: actionId, block_id: 'b', action_ts: '1.2', ...action }],
    });
  }

  /**
   * A modal submitted. Each call is a fresh modal (its own view id) unless `view` names one: the same id
   * and hash again is the same modal submitted twice, as a double click sends it.
   */
  viewSubmission(
    user: string,
    callbackId: string,
    values: Record<string, Record<string, unknown>>,
    privateMetadata = '',
    view: { id?: string; hash?: string } = {},
  ): Promise<Sent> {
    return this.interactive({
      type: 'view_submission',
      team: { id: TEAM, domain: 'acme' },
      user: { id: user, username: user.toLowerCase(), team_id: TEAM },
      api_app_id: 'A0PUSHPULL',
      trigger_id: this.fake.issueTrigger(`trigger-${randomUUID()}`),
      is_enterprise_install: false,
      enterprise: null,
      response_urls: [],
      view: {
        id: view.id ?? `V${randomUUID().slice(0, 8).toUpperCase()}`,
        team_id: TEAM,
        type: 'modal',
        title: { type: 'plain_text', text: 'Pushpull' },
        blocks: [],
        callback_id: callbackId,
        private_metadata: privateMetadata,
        hash: view.hash ?? 'h1',
        state: { values },
        app_id: 'A0PUSHPULL',
        bot_id: 'BBOT0001',
      },
    });
  }

  shortcut(user: string, callbackId: string): Promise<Sent> {
    return this.interactive({
      type: 'shortcut',
      team: { id: TEAM, domain: 'acme' },
      user: { id: user, username: user.toLowerCase(), team_id: TEAM },
      callback_id: callbackId,
      trigger_id: this.fake.issueTrigger(`trigger-${randomUUID()}`),
      action_ts: '1.2',
      token: 'legacy-verification-token',
    });
  }

  /**
   * The message shortcut, shaped as https://docs.slack.dev/reference/interaction-payloads/shortcuts-interaction-payload:
   * `message.text` arrives in Slack's escaped form (checked), a thread reply carries `thread_ts`, and a bot's
   * message has `bot_id`, `subtype: 'bot_message'` and no `user`.
   */
  messageShortcut(
    user: string,
    callbackId: string,
    message: ShortcutMessage,
    channel = 'C0SALES',
  ): Promise<Sent> {
    assertSlackForm(message.text);
    const fromBot = message.bot_id !== undefined;
    return this.interactive({
      type: 'message_action',
      team: { id: TEAM, domain: 'acme' },
      user: { id: user, username: user.toLowerCase(), team_id: TEAM },
      callback_id: callbackId,
      trigger_id: this.fake.issueTrigger(`trigger-${randomUUID()}`),
      action_ts: '1.2',
      message_ts: message.ts,
      channel: { id: channel, name: 'sales' },
      message: {
        type: 'message',
        ...(fromBot
          ? { subtype: 'bot_message', bot_id: message.bot_id }
          : { user: message.user ?? 'UOTH0001' }),
        text: message.text,
        ts: message.ts,
        ...(message.thread_ts ? { thread_ts: message.thread_ts, parent_user_id: 'UOTH0001' } : {}),
      },
      response_url: this.fake.responseUrl(`msc-${randomUUID()}`),
      token: 'legacy-verification-token',
    });
  }

  event(event: Record<string, unknown>, options: SignOptions & { retryNum?: number } = {}): Promise<Sent> {
    const body = JSON.stringify({
      token: 'legacy-verification-token',
      team_id: TEAM,
      api_app_id: 'A0PUSHPULL',
      event: { event_ts: '1.2', ...event },
      type: 'event_callback',
      event_id: `Ev${randomUUID().slice(0, 8)}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: TEAM, user_id: 'UBOT0001', is_bot: true }],
    });
    const headers = options.retryNum
      ? {
          'x-slack-retry-num': String(options.retryNum),
          'x-slack-retry-reason': 'http_timeout',
          ...options.headers,
        }
      : options.headers;
    return this.post(body, 'application/json', { ...options, ...(headers ? { headers } : {}) });
  }
}
