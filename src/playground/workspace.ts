// The stand-in Slack as people see it: conversations, ephemeral replies, modal stacks and Home tabs, rebuilt from
// what the app sends the fake Web API. Kept in a JSON file beside the playground's database, so a restart keeps them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { slackMessage } from './block-kit.js';
import type { FakeSlack, FakeSlackEvent } from './fake-slack.js';
import { CHANNELS, PEOPLE, SAMPLE_MESSAGES } from './seed.js';
import type {
  Conversation,
  Ephemeral,
  Json,
  Message,
  OpenView,
  SlackError,
  WorkspaceState,
} from './shapes.js';

/** Where a response_url or a trigger came from, so what the app sends there lands in the right place. */
export interface Origin {
  user: string;
  channel: string;
  /** The message an action was taken on (a response_url may replace or delete it). */
  ts?: string;
  ephemeralId?: string;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const parsed = (v: unknown): unknown => {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};
const blocksOf = (v: unknown): Json[] | undefined => {
  const b = parsed(v);
  return Array.isArray(b) ? (b.filter(isObject) as Json[]) : undefined;
};

/** `replace_original`: the message now shows what the response carries, blocks and all. */
function replaceContent(target: { text: string; blocks?: Json[] }, body: Json): void {
  target.text = String(body.text ?? '');
  const blocks = blocksOf(body.blocks);
  if (blocks) target.blocks = blocks;
  else delete target.blocks;
}

/** A person's DM with Pushpull has the id Slack's fake gives it: `D` and the rest of the user id. */
export const dmOf = (userId: string): string => `D${userId.slice(1)}`;
const channelId = (v: unknown): string => {
  const id = String(v ?? '');
  return /^[UW]/.test(id) ? dmOf(id) : id;
};

interface Saved {
  conversations: Conversation[];
  homes: Record<string, Json>;
  nextTs: number;
  fakeTs: number;
}

export class Workspace {
  private version = 0;
  private conversations = new Map<string, Conversation>();
  private ephemerals: Ephemeral[] = [];
  private modals = new Map<string, OpenView[]>();
  private homes = new Map<string, Json>();
  private errors: SlackError[] = [];
  private origins = new Map<string, Origin>();
  private waiters: (() => void)[] = [];
  private saveTimer: NodeJS.Timeout | undefined;
  private counter = 0;
  private tsCounter = 1_800_000_000;

  constructor(
    readonly fake: FakeSlack,
    private readonly file?: string,
  ) {
    for (const p of PEOPLE)
      this.conversations.set(dmOf(p.id), {
        id: dmOf(p.id),
        kind: 'dm',
        name: 'Pushpull',
        owner: p.id,
        messages: [],
      });
    for (const c of CHANNELS)
      this.conversations.set(c.id, { id: c.id, kind: 'channel', name: c.name, messages: [] });
    if (file && existsSync(file)) this.load(file);
    else for (const m of SAMPLE_MESSAGES) this.say(m.user, CHANNELS[0]?.id ?? '', m.text);
    fake.watchers.add((event) => this.hear(event));
  }

  state(): WorkspaceState {
    return {
      version: this.version,
      people: PEOPLE.map(({ id, name, title }) => ({ id, name, title })),
      channels: CHANNELS,
      conversations: [...this.conversations.values()],
      ephemerals: this.ephemerals,
      modals: Object.fromEntries(this.modals),
      homes: Object.fromEntries(this.homes),
      errors: this.errors,
    };
  }

  /** Resolves once the state is newer than `version`, or after `ms`. */
  changedSince(version: number, ms: number): Promise<void> {
    if (this.version > version) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** An id for a response_url or trigger, remembering where it came from. */
  originId(prefix: string, origin: Origin): string {
    this.counter += 1;
    const id = `${prefix}-${origin.user}-${this.counter}`;
    this.origins.set(id, origin);
    return id;
  }

  message(channel: string, ts: string): Message | undefined {
    return this.conversations.get(channel)?.messages.find((m) => m.ts === ts);
  }

  ephemeral(id: string): Ephemeral | undefined {
    return this.ephemerals.find((e) => e.id === id);
  }

  topView(user: string, viewId: string): OpenView | undefined {
    return this.modals.get(user)?.find((v) => v.id === viewId);
  }

  /** A person writes in a channel (not a command): Slack would show it to everyone there. */
  say(user: string, channel: string, text: string): Message {
    this.tsCounter += 1;
    const message = { ts: `${this.tsCounter}.000100`, user, text };
    this.conversations.get(channel)?.messages.push(message);
    this.changed();
    return message;
  }

  addEphemeral(channel: string, user: string, body: Json): void {
    this.counter += 1;
    const blocks = blocksOf(body.blocks);
    this.ephemerals.push({
      id: `E${this.counter}`,
      channel,
      user,
      text: String(body.text ?? ''),
      ...(blocks ? { blocks } : {}),
    });
    this.changed();
  }

  /** What the app's answer to a view_submission does to the person's modal stack. */
  afterSubmission(user: string, viewId: string, ack: Json): void {
    const stack = this.modals.get(user) ?? [];
    const at = stack.findIndex((v) => v.id === viewId);
    if (ack.response_action === 'errors') return;
    if (ack.response_action === 'clear') this.modals.delete(user);
    else if (ack.response_action === 'update' && isObject(ack.view) && at >= 0)
      stack[at] = { id: viewId, user, view: ack.view };
    else if (ack.response_action === 'push' && isObject(ack.view))
      stack.push({ id: this.viewId(), user, view: ack.view });
    else if (at >= 0) stack.splice(at, 1);
    this.changed();
  }

  closeView(user: string, viewId: string): void {
    const stack = this.modals.get(user) ?? [];
    const at = stack.findIndex((v) => v.id === viewId);
    if (at >= 0) stack.splice(at, 1);
    this.changed();
  }

  dismissEphemeral(id: string): void {
    this.ephemerals = this.ephemerals.filter((e) => e.id !== id);
    this.changed();
  }

  /** Stops saving; the last change is written now. */
  close(): void {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.save();
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  private viewId(): string {
    this.counter += 1;
    return `VPG${this.counter}`;
  }

  private hear(event: FakeSlackEvent): void {
    if (event.kind === 'violation') {
      const v = event.violation;
      this.errors.push({
        at: Date.now(),
        method: v.method,
        messages: v.breaches.map((b) => `${slackMessage(b)} — ${b.doc}`),
      });
      // The fake keeps breaches for a test to fail on; here they are shown instead.
      this.fake.takeViolations();
    } else if (event.kind === 'response') this.response(event.id, event.body);
    else if (
      event.answer.ok === false &&
      !this.errors.some((e) => e.method === event.method && e.at > Date.now() - 50)
    )
      this.errors.push({
        at: Date.now(),
        method: event.method,
        messages: [`Slack answered ${String(event.answer.error)}`],
      });
    else if (event.answer.ok !== false) this.call(event.method, event.args, event.answer);
    this.changed();
  }

  private call(method: string, args: Json, answer: Json): void {
    switch (method) {
      case 'chat.postMessage': {
        const conversation = this.conversations.get(String(answer.channel));
        const blocks = blocksOf(args.blocks);
        conversation?.messages.push({
          ts: String(answer.ts),
          text: String(args.text ?? ''),
          ...(blocks ? { blocks } : {}),
        });
        break;
      }
      case 'chat.update': {
        const message = this.message(channelId(args.channel), String(args.ts));
        if (!message) break;
        message.text = String(args.text ?? message.text);
        const blocks = blocksOf(args.blocks);
        if (blocks) message.blocks = blocks;
        break;
      }
      case 'chat.postEphemeral':
        this.addEphemeral(channelId(args.channel), String(args.user), args);
        break;
      case 'views.open':
      case 'views.push': {
        const origin = this.origins.get(String(args.trigger_id));
        const view = parsed(args.view);
        const id = isObject(answer.view) ? String(answer.view.id) : this.viewId();
        if (!origin || !isObject(view)) break;
        const stack = method === 'views.open' ? [] : (this.modals.get(origin.user) ?? []);
        stack.push({ id, user: origin.user, view });
        this.modals.set(origin.user, stack);
        break;
      }
      case 'views.update': {
        const view = parsed(args.view);
        if (!isObject(view)) break;
        for (const stack of this.modals.values())
          for (const open of stack) if (open.id === args.view_id) open.view = view;
        break;
      }
      case 'views.publish': {
        const view = parsed(args.view);
        if (isObject(view)) this.homes.set(String(args.user_id), view);
        break;
      }
      default:
        break;
    }
  }

  /** A response_url post: replaces or deletes the message the action was on, or is an ephemeral reply. */
  private response(id: string, body: Json): void {
    const origin = this.origins.get(id);
    if (!origin) return;
    const replace = body.replace_original === true || body.replace_original === 'true';
    const remove = body.delete_original === true || body.delete_original === 'true';
    if (origin.ephemeralId && (replace || remove)) {
      const e = this.ephemeral(origin.ephemeralId);
      if (remove || !e) this.dismissEphemeral(origin.ephemeralId);
      else replaceContent(e, body);
      return;
    }
    if (origin.ts && (replace || remove)) {
      const conversation = this.conversations.get(origin.channel);
      const message = this.message(origin.channel, origin.ts);
      if (!conversation || !message) return;
      if (remove) conversation.messages = conversation.messages.filter((m) => m !== message);
      else replaceContent(message, body);
      return;
    }
    this.addEphemeral(origin.channel, origin.user, body);
  }

  private changed(): void {
    this.version += 1;
    for (const wake of this.waiters.splice(0)) wake();
    if (this.file && !this.saveTimer)
      this.saveTimer = setTimeout(() => {
        this.saveTimer = undefined;
        this.save();
      }, 200);
  }

  private save(): void {
    if (!this.file) return;
    const saved: Saved = {
      conversations: [...this.conversations.values()],
      homes: Object.fromEntries(this.homes),
      nextTs: this.tsCounter,
      fakeTs: this.fake.tsCounter,
    };
    writeFileSync(this.file, JSON.stringify(saved));
  }

  private load(file: string): void {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Saved;
    for (const c of saved.conversations) this.conversations.set(c.id, c);
    for (const [user, view] of Object.entries(saved.homes)) this.homes.set(user, view);
    this.tsCounter = saved.nextTs;
    this.fake.tsCounter = saved.fakeTs;
  }
}
