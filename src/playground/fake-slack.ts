// A local stand-in for Slack's Web API and response URLs, used by the tests and by the playground: records every
// call, answers as Slack documents, and can be told to fail (429 with Retry-After, HTTP 500, ok:false errors, slow
// answers) or to enforce rate limits. Every message, view and response_url body is checked against Slack's
// documented rules (block-kit.ts): a breach is answered the way Slack answers it and recorded in `violations`,
// which fails a test (test/support/slack-rules.setup.ts) and shows as an error in the playground.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Breach, DOCS, slackMessage, validateMessage, validateView } from './block-kit.js';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
}

export type Fault =
  | { kind: 'ratelimited'; retryAfter: number }
  | { kind: 'http'; status: number }
  | { kind: 'error'; error: string }
  | { kind: 'slow'; ms: number }
  /** Slack carries the call out (the message lands) but answers only after `ms`: past a client's timeout. */
  | { kind: 'slow-after-post'; ms: number };

export interface FakeUser {
  tz?: string;
  isBot?: boolean;
  name?: string;
}

/** A request Slack would refuse (or silently mangle), and why. */
export interface Violation {
  /** `chat.postMessage`, `views.open`, `response_url`, or `ack:<callback>` for a body the app answered with. */
  method: string;
  breaches: Breach[];
  args: Record<string, unknown>;
}

/** What a watcher hears: each Web API call with Slack's answer, each response_url post, each breach. */
export type FakeSlackEvent =
  | { kind: 'call'; method: string; args: Record<string, unknown>; answer: Record<string, unknown> }
  | { kind: 'response'; id: string; body: Record<string, unknown> }
  | { kind: 'violation'; violation: Violation };

/** Every fake still running, so a test hook can fail the test whose requests broke Slack's rules. */
export const liveFakes = new Set<FakeSlack>();

interface Limit {
  perSecond: number;
  sent: number[];
}

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly responses: { id: string; body: Record<string, unknown>; at: number }[] = [];
  readonly users = new Map<string, FakeUser>();
  /** Channels the bot is not a member of: posting there answers `not_in_channel`. */
  readonly channelsWithoutBot = new Set<string>();
  /** Breaches of Slack's rules since the last `takeViolations()`; the test hook fails the test on any. */
  readonly violations: Violation[] = [];
  rateLimitedCount = 0;
  /** Answers for methods this fake does not model itself (e.g. `apps.connections.open` from the Socket Mode fake). */
  readonly answers = new Map<string, (args: Record<string, unknown>) => Record<string, unknown>>();
  /**
   * Trigger ids the driver handed out, and when. Slack: "trigger_id ... expires in three seconds" and is
   * exchanged for one view (https://docs.slack.dev/interactivity/handling-user-interaction#modal_responses).
   */
  private triggers = new Map<string, number>();
  private usedTriggers = new Set<string>();
  triggerTtlMs = 3000;
  /** Requests received and not yet answered (a slow one goes on after its client is gone). */
  inFlight = 0;
  /** Messages as they sit in each conversation, for conversations.history (oldest first). */
  readonly history = new Map<string, { ts: string; text: unknown; metadata?: unknown }[]>();
  /** Told of every call, response and breach as it happens (the playground draws Slack from them). */
  readonly watchers = new Set<(event: FakeSlackEvent) => void>();
  private faults = new Map<string, Fault[]>();
  private limits = new Map<string, Limit>();
  private server: Server | undefined;
  /** The last message ts handed out, in microseconds-ish steps; the playground carries it across restarts. */
  tsCounter = 1_700_000_000_000;
  private viewCounter = 0;
  url = '';

  get running(): boolean {
    return this.server !== undefined;
  }

  get apiUrl(): string {
    return `${this.url}api/`;
  }

  responseUrl(id: string): string {
    return `${this.url}respond/${id}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.inFlight += 1;
      void this.handle(req, res).finally(() => {
        this.inFlight -= 1;
      });
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/`;
    liveFakes.add(this);
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Remembers a trigger id sent to the app, so a late use answers `expired_trigger_id`. */
  issueTrigger(id: string): string {
    this.triggers.set(id, Date.now());
    return id;
  }

  /** Record a breach found outside the Web API, such as in an ack body the driver received. */
  recordViolation(method: string, breaches: Breach[], args: Record<string, unknown>): void {
    if (breaches.length === 0) return;
    const violation = { method, breaches, args };
    this.violations.push(violation);
    this.tell({ kind: 'violation', violation });
  }

  private tell(event: FakeSlackEvent): void {
    for (const watcher of this.watchers) watcher(event);
  }

  /** Hands over and clears the recorded breaches (a test that provokes one on purpose takes it). */
  takeViolations(): Violation[] {
    return this.violations.splice(0, this.violations.length);
  }

  /** The next `times` calls to `method` (or '*' for any) meet `fault`. */
  failNext(method: string, fault: Fault, times = 1): void {
    const list = this.faults.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push(fault);
    this.faults.set(method, list);
  }

  /** Answer 429 with Retry-After whenever more than `perSecond` calls to `method` arrive in one second. */
  rateLimit(method: string, perSecond: number): void {
    this.limits.set(method, { perSecond, sent: [] });
  }

  reset(): void {
    this.calls.length = 0;
    this.responses.length = 0;
    this.faults.clear();
    this.history.clear();
    this.limits.clear();
    this.rateLimitedCount = 0;
  }

  callsTo(method: string, predicate: (args: Record<string, unknown>) => boolean = () => true): SlackCall[] {
    return this.calls.filter((c) => c.method === method && predicate(c.args));
  }

  async waitFor(
    method: string,
    predicate: (args: Record<string, unknown>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<SlackCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.calls.find((c) => c.method === method && predicate(c.args));
      if (found) return found;
      if (Date.now() > deadline) {
        const seen = this.calls.map((c) => c.method).join(', ');
        throw new Error(
          `fake Slack: no ${method} call matched within ${timeoutMs}ms (calls: ${seen || 'none'})`,
        );
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async waitForResponse(
    predicate: (body: Record<string, unknown>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.responses.find((r) => predicate(r.body));
      if (found) return found.body;
      if (Date.now() > deadline) throw new Error('fake Slack: no response_url post matched');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const args = parseBody(raw, req.headers['content-type'] ?? '');
    if (path.startsWith('/respond/')) {
      // https://docs.slack.dev/interactivity/handling-user-interaction#message_responses
      const breaches = validateMessage(args, { requireText: false, doc: DOCS.responseUrl });
      if (breaches.length > 0) {
        this.recordViolation('response_url', breaches, args);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: 'invalid_blocks' }));
        return;
      }
      const id = path.slice('/respond/'.length);
      this.responses.push({ id, body: args, at: Date.now() });
      this.tell({ kind: 'response', id, body: args });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    const method = path.replace(/^\/api\//, '');
    const fault = this.takeFault(method);
    if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.ms));
    if (fault?.kind === 'ratelimited' || this.overLimit(method)) {
      this.rateLimitedCount += 1;
      const retryAfter = fault?.kind === 'ratelimited' ? fault.retryAfter : 1;
      this.calls.push({ method: `${method}#429`, args, at: Date.now() });
      res.writeHead(429, { 'retry-after': String(retryAfter), 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    if (fault?.kind === 'http') {
      this.calls.push({ method: `${method}#${fault.status}`, args, at: Date.now() });
      res.writeHead(fault.status, { 'content-type': 'text/plain' }).end('upstream trouble');
      return;
    }
    const answer =
      fault?.kind === 'error'
        ? { ok: false, error: fault.error }
        : (this.refuse(method, args) ?? this.answer(method, args));
    // A call Slack refused is recorded as `method#error`, so `callsTo(method)` counts only what landed.
    this.calls.push({
      method: answer.ok === false ? `${method}#${String(answer.error)}` : method,
      args,
      at: Date.now(),
    });
    this.tell({ kind: 'call', method, args, answer });
    if (fault?.kind === 'slow-after-post') await new Promise((r) => setTimeout(r, fault.ms));
    if (!res.destroyed)
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  }

  /**
   * Slack's answer to a request that breaks its rules, or undefined when the request may proceed.
   * Blocks in chat.* → `invalid_blocks`; anything wrong in a view or a missing argument → `invalid_arguments`
   * (Slack reports view problems, blocks included, as `invalid_arguments` with the pointers in
   * `response_metadata.messages`).
   */
  private refuse(method: string, args: Record<string, unknown>): Record<string, unknown> | undefined {
    const refusal = (error: string, breaches: Breach[]) => {
      this.recordViolation(method, breaches, args);
      const messages = breaches.map(slackMessage);
      return {
        ok: false,
        error,
        ...(error === 'invalid_blocks' ? { errors: messages } : {}),
        response_metadata: { messages: messages.map((m) => `[ERROR] ${m}`) },
      };
    };
    const missing = (name: string, doc: string): Breach[] =>
      args[name] === undefined || args[name] === ''
        ? [{ pointer: `/${name}`, message: 'is required', doc }]
        : [];
    switch (method) {
      case 'chat.postMessage':
      case 'chat.postEphemeral':
      case 'chat.update': {
        const doc =
          method === 'chat.postMessage'
            ? DOCS.postMessage
            : method === 'chat.update'
              ? DOCS.update
              : DOCS.postEphemeral;
        const required = [
          ...missing('channel', doc),
          ...(method === 'chat.postEphemeral' ? missing('user', doc) : []),
          ...(method === 'chat.update' ? missing('ts', doc) : []),
        ];
        if (required.length > 0)
          return refusal(args.channel === undefined ? 'channel_not_found' : 'invalid_arguments', required);
        const breaches = validateMessage(args, { requireText: true, doc });
        const blockBreaches = breaches.filter((b) => b.pointer.startsWith('/blocks'));
        if (blockBreaches.length > 0) return refusal('invalid_blocks', breaches);
        // A missing fallback or a truncated text: Slack still posts, but the test fails.
        this.recordViolation(method, breaches, args);
        if (breaches.some((b) => b.message.startsWith('missing_text_or_fallback: a message needs')))
          return refusal('no_text', breaches);
        return undefined;
      }
      case 'views.open':
      case 'views.push':
      case 'views.update':
      case 'views.publish': {
        const doc = {
          'views.open': DOCS.viewsOpen,
          'views.push': DOCS.viewsPush,
          'views.update': DOCS.viewsUpdate,
          'views.publish': DOCS.viewsPublish,
        }[method];
        const required = [
          ...missing('view', doc),
          ...(method === 'views.open' || method === 'views.push' ? missing('trigger_id', doc) : []),
          ...(method === 'views.publish' ? missing('user_id', doc) : []),
        ];
        if (method === 'views.update' && args.view_id === undefined && args.external_id === undefined)
          required.push({ pointer: '/view_id', message: 'view_id or external_id is required', doc });
        if (required.length > 0) return refusal('invalid_arguments', required);
        const breaches = validateView(args.view);
        const view = typeof args.view === 'string' ? safeJson(args.view) : args.view;
        const type =
          typeof view === 'object' && view !== null ? (view as Record<string, unknown>).type : undefined;
        const wanted = method === 'views.publish' ? 'home' : 'modal';
        if (type !== undefined && type !== wanted)
          breaches.push({ pointer: '/view/type', message: `must be ${wanted} for ${method}`, doc });
        if (breaches.length > 0) return refusal('invalid_arguments', breaches);
        const trigger = args.trigger_id;
        if (typeof trigger === 'string') {
          // Exchanged for one view, within three seconds; a second or late use is refused.
          const issued = this.triggers.get(trigger);
          const late = issued !== undefined && Date.now() - issued > this.triggerTtlMs;
          if (this.usedTriggers.has(trigger) || late) return { ok: false, error: 'expired_trigger_id' };
          this.usedTriggers.add(trigger);
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  private takeFault(method: string): Fault | undefined {
    for (const key of [method, '*']) {
      const list = this.faults.get(key);
      if (list && list.length > 0) return list.shift();
    }
    return undefined;
  }

  private overLimit(method: string): boolean {
    const limit = this.limits.get(method) ?? this.limits.get('*');
    if (!limit) return false;
    const now = Date.now();
    while (limit.sent.length > 0 && (limit.sent[0] ?? 0) <= now - 1000) limit.sent.shift();
    if (limit.sent.length >= limit.perSecond) return true;
    limit.sent.push(now);
    return false;
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `${Math.floor(this.tsCounter / 1000)}.${String(this.tsCounter % 1000).padStart(6, '0')}`;
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const channelOf = (value: unknown) => {
      const channel = String(value ?? '');
      return /^[UW]/.test(channel) ? `D${channel.slice(1)}` : channel;
    };
    const custom = this.answers.get(method);
    if (custom) return custom(args);
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://acme.slack.com/',
          team: 'Acme',
          user: 'pushpull',
          team_id: 'T0001',
          user_id: 'UBOT0001',
          bot_id: 'BBOT0001',
        };
      case 'chat.postMessage': {
        const channel = String(args.channel ?? '');
        if (this.channelsWithoutBot.has(channel)) return { ok: false, error: 'not_in_channel' };
        const ts = this.nextTs();
        const inChannel = this.history.get(channelOf(channel)) ?? [];
        inChannel.push({ ts, text: args.text, ...(args.metadata ? { metadata: args.metadata } : {}) });
        this.history.set(channelOf(channel), inChannel);
        return { ok: true, channel: channelOf(channel), ts, message: { text: args.text, ts } };
      }
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'chat.getPermalink':
        return {
          ok: true,
          channel: args.channel,
          permalink: `https://acme.slack.com/archives/${String(args.channel)}/p${String(args.message_ts).replace('.', '')}`,
        };
      case 'conversations.history': {
        // Newest first; metadata only with include_all_metadata (https://api.slack.com/methods/conversations.history).
        const all = [...(this.history.get(String(args.channel ?? '')) ?? [])].reverse();
        const from = Number(args.cursor ?? 0);
        const limit = Number(args.limit ?? 100);
        const page = all.slice(from, from + limit).map(({ metadata, ...m }) => ({
          type: 'message',
          bot_id: 'BBOT0001',
          ...m,
          ...(metadata && String(args.include_all_metadata) === 'true' ? { metadata } : {}),
        }));
        const more = from + limit < all.length;
        return {
          ok: true,
          messages: page,
          has_more: more,
          response_metadata: { next_cursor: more ? String(from + limit) : '' },
        };
      }
      case 'conversations.open':
        return { ok: true, channel: { id: channelOf(args.users) } };
      case 'views.open':
      case 'views.push':
      case 'views.update':
      case 'views.publish': {
        this.viewCounter += 1;
        return { ok: true, view: { id: `V${this.viewCounter}`, hash: `h${this.viewCounter}` } };
      }
      case 'users.info': {
        const id = String(args.user ?? '');
        const known = this.users.get(id);
        if (!known && !/^[UW][A-Z0-9]+$/.test(id)) return { ok: false, error: 'user_not_found' };
        const user = known ?? {};
        return {
          ok: true,
          user: {
            id,
            name: user.name ?? id.toLowerCase(),
            real_name: user.name ?? `Person ${id}`,
            tz: user.tz ?? 'UTC',
            is_bot: user.isBot ?? false,
            profile: { display_name: user.name ?? '' },
          },
        };
      }
      default:
        return { ok: true };
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (raw === '') return {};
  if (contentType.includes('application/json')) {
    try {
      return JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return { raw };
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    out[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return out;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
