// Sends requests the way Slack does: signed with the signing secret, in Slack's documented shapes.
import { createHmac, randomUUID } from 'node:crypto';
import type { FakeSlack } from './fake-slack.js';

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

  /** A slash command, form-encoded as Slack sends it. */
  command(command: string, text: string, user = 'UREQ0001', options: SignOptions = {}): Promise<Sent> {
    const id = randomUUID();
    const form = new URLSearchParams({
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
      response_url: this.fake.responseUrl(`cmd-${id}`),
      trigger_id: `trigger-${id}`,
    });
    return this.post(form.toString(), 'application/x-www-form-urlencoded', options);
  }

  interactive(payload: Record<string, unknown>, options: SignOptions = {}): Promise<Sent> {
    const form = new URLSearchParams({ payload: JSON.stringify(payload) });
    return this.post(form.toString(), 'application/x-www-form-urlencoded', options);
  }

  /** A button press in a message (a DM, an ephemeral message) or in a view such as the Home tab. */
  action(
    user: string,
    actionId: string,
    value: string,
    where: { container?: 'message' | 'view'; channel?: string; ts?: string; viewId?: string } = {},
  ): Promise<Sent> {
    const id = randomUUID();
    const inView = where.container === 'view';
    return this.interactive({
      type: 'block_actions',
      team: { id: TEAM, domain: 'acme' },
      user: { id: user, username: user.toLowerCase(), team_id: TEAM },
      api_app_id: 'A0PUSHPULL',
      token: 'legacy-verification-token',
      trigger_id: `trigger-${id}`,
      container: inView
        ? { type: 'view', view_id: where.viewId ?? 'VHOME' }
        : {
            type: 'message',
            message_ts: where.ts ?? '1.000001',
            channel_id: where.channel ?? 'D0DM',
            is_ephemeral: false,
          },
      ...(inView
        ? { view: { id: where.viewId ?? 'VHOME', type: 'home', private_metadata: '', state: { values: {} } } }
        : {
            channel: { id: where.channel ?? 'D0DM', name: 'directmessage' },
            message: { ts: where.ts ?? '1.000001', text: '' },
            response_url: this.fake.responseUrl(`act-${id}`),
          }),
      actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, action_ts: '1.2' }],
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
      trigger_id: `trigger-${randomUUID()}`,
      container: { type: 'view', view_id: 'VMODAL' },
      view: { id: 'VMODAL', type: 'modal', hash: 'h1', private_metadata: '', state: { values: {} }, ...view },
      actions: [{ action_id: actionId, block_id: 'b', action_ts: '1.2', ...action }],
    });
  }

  viewSubmission(
    user: string,
    callbackId: string,
    values: Record<string, Record<string, unknown>>,
    privateMetadata = '',
  ): Promise<Sent> {
    return this.interactive({
      type: 'view_submission',
      team: { id: TEAM, domain: 'acme' },
      user: { id: user, username: user.toLowerCase(), team_id: TEAM },
      api_app_id: 'A0PUSHPULL',
      trigger_id: `trigger-${randomUUID()}`,
      view: {
        id: 'VMODAL',
        type: 'modal',
        callback_id: callbackId,
        private_metadata: privateMetadata,
        hash: 'h1',
        state: { values },
      },
    });
  }

  shortcut(user: string, callbackId: string): Promise<Sent> {
    return this.interactive({
      type: 'shortcut',
      team: { id: TEAM, domain: 'acme' },
      user: { id: user, username: user.toLowerCase(), team_id: TEAM },
      callback_id: callbackId,
      trigger_id: `trigger-${randomUUID()}`,
      action_ts: '1.2',
      token: 'legacy-verification-token',
    });
  }

  messageShortcut(
    user: string,
    callbackId: string,
    message: { user: string; text: string; ts: string },
    channel = 'C0SALES',
  ): Promise<Sent> {
    return this.interactive({
      type: 'message_action',
      team: { id: TEAM, domain: 'acme' },
      user: { id: user, username: user.toLowerCase(), team_id: TEAM },
      callback_id: callbackId,
      trigger_id: `trigger-${randomUUID()}`,
      action_ts: '1.2',
      message_ts: message.ts,
      channel: { id: channel, name: 'sales' },
      message: { type: 'message', user: message.user, text: message.text, ts: message.ts },
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
