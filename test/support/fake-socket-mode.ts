// A local stand-in for Slack's Socket Mode endpoint: `apps.connections.open` (through the fake Web API) hands out
// single-use ws:// URLs; each link says `hello`, carries envelopes shaped as Slack sends them, and resolves each
// one with the app's ack. It can ask for a refresh (`disconnect`) or drop the link, as Slack does.
// Protocol: https://docs.slack.dev/apis/events-api/using-socket-mode
// WebSocket framing (RFC 6455) is written out here: no WebSocket server package is installed, and Slack's
// SDK dials with undici's client.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DOCS, validateMessage, validateView } from './block-kit.js';
import type { FakeSlack } from './fake-slack.js';
import { slashCommandPayload, TEAM } from './slack-driver.js';

export const APP_ID = 'A0PUSHPULL';

/** What the app sent back for one envelope: `{ envelope_id, payload? }`. */
export interface Ack {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface EnvelopeOptions {
  acceptsResponsePayload?: boolean;
  retryAttempt?: number;
  retryReason?: string;
}

interface Pending {
  type: EnvelopeType;
  acceptsResponsePayload: boolean;
  resolve: (ack: Ack) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;
/** Slack waits 3 seconds for an ack, then retries the envelope (Socket Mode docs, "Acknowledge events"). */
const ACK_DEADLINE_MS = 3000;

/** One WebSocket connection from the app, as one `apps.connections.open` URL made it. */
export class Link {
  readonly received: Record<string, unknown>[] = [];
  closed = false;
  private buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];

  constructor(
    private readonly socket: Socket,
    private readonly onMessage: (link: Link, message: Record<string, unknown>) => void,
    private readonly onProtocolError: (problem: string) => void,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.readFrames();
    });
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => {
      this.closed = true;
    });
  }

  sendJson(message: Record<string, unknown>): void {
    if (!this.closed) this.socket.write(frame(OP.text, Buffer.from(JSON.stringify(message))));
  }

  /** Slack asks the app to reconnect, then waits for it to close the link. */
  disconnect(reason: 'refresh_requested' | 'warning' | 'link_disabled' = 'refresh_requested'): void {
    this.sendJson({ type: 'disconnect', reason, debug_info: { host: 'applink-fake' } });
  }

  /** The link dies without a close handshake, as when a network path or Slack's host goes away. */
  drop(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private readFrames(): void {
    for (;;) {
      const parsed = readFrame(this.buffer);
      if (!parsed) return;
      this.buffer = this.buffer.subarray(parsed.length);
      if (!parsed.masked) this.onProtocolError('a client frame was not masked (RFC 6455 §5.1)');
      this.handleFrame(parsed.fin, parsed.opcode, parsed.data);
    }
  }

  private handleFrame(fin: boolean, opcode: number, data: Buffer): void {
    switch (opcode) {
      case OP.ping:
        if (!this.closed) this.socket.write(frame(OP.pong, data));
        return;
      case OP.pong:
        return;
      case OP.close:
        // Answer the close handshake, then end the TCP connection as a server does.
        if (!this.closed) this.socket.end(frame(OP.close, data.subarray(0, 2)));
        this.closed = true;
        return;
      case OP.text:
      case OP.continuation: {
        this.fragments.push(data);
        if (!fin) return;
        const text = Buffer.concat(this.fragments).toString('utf8');
        this.fragments = [];
        let message: unknown;
        try {
          message = JSON.parse(text);
        } catch {
          this.onProtocolError(`the app sent text that is not JSON: ${text.slice(0, 200)}`);
          return;
        }
        if (typeof message !== 'object' || message === null) {
          this.onProtocolError(`the app sent a message that is not an object: ${text.slice(0, 200)}`);
          return;
        }
        this.received.push(message as Record<string, unknown>);
        this.onMessage(this, message as Record<string, unknown>);
        return;
      }
      default:
        this.onProtocolError(`the app sent an unexpected frame (opcode ${opcode})`);
    }
  }
}

export class FakeSocketMode {
  /** Every link the app opened, oldest first. */
  readonly links: Link[] = [];
  /** Anything the app did that Slack would not accept: an ack for no envelope, a payload where none is allowed. */
  readonly protocolErrors: string[] = [];
  /** When set, `apps.connections.open` answers `{ ok: false, error }` (a refused or revoked app token). */
  refuseWith: string | undefined;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly tickets = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  private url = '';

  constructor(readonly fake: FakeSlack) {}

  async start(): Promise<this> {
    this.server = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('upgrade required');
    });
    this.server.on('upgrade', (req, socket: Socket) => this.upgrade(req, socket));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `ws://127.0.0.1:${port}/link/`;
    this.fake.answers.set('apps.connections.open', () => {
      if (this.refuseWith) return { ok: false, error: this.refuseWith };
      const ticket = randomUUID();
      this.tickets.add(ticket);
      return { ok: true, url: `${this.url}?ticket=${ticket}&app_id=${APP_ID}` };
    });
    return this;
  }

  async stop(): Promise<void> {
    this.fake.answers.delete('apps.connections.open');
    for (const pending of this.pending.values()) clearTimeout(pending.timer);
    this.pending.clear();
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The newest link that is still open. */
  get current(): Link | undefined {
    return this.links.findLast((link) => !link.closed);
  }

  /** Waits until the app has opened `count` links in all (and the newest is open). */
  async waitForLinks(count: number, timeoutMs = 5000): Promise<Link> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const link = this.links[count - 1];
      if (link && !link.closed) return link;
      if (Date.now() > deadline) {
        throw new Error(`fake Socket Mode: ${this.links.length} link(s) opened, wanted ${count}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Sends one envelope on the newest open link and resolves with the app's ack; fails past Slack's deadline. */
  send(type: EnvelopeType, payload: Record<string, unknown>, options: EnvelopeOptions = {}): Promise<Ack> {
    const link = this.current;
    if (!link) return Promise.reject(new Error('fake Socket Mode: the app has no open link'));
    const envelopeId = randomUUID();
    const acceptsResponsePayload = options.acceptsResponsePayload ?? false;
    const acked = new Promise<Ack>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        reject(new Error(`fake Socket Mode: no ack for ${type} envelope within ${ACK_DEADLINE_MS}ms`));
      }, ACK_DEADLINE_MS);
      this.pending.set(envelopeId, { type, acceptsResponsePayload, resolve, reject, timer });
    });
    link.sendJson({
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: acceptsResponsePayload,
      ...(type === 'events_api'
        ? { retry_attempt: options.retryAttempt ?? 0, retry_reason: options.retryReason ?? '' }
        : {}),
    });
    return acked;
  }

  /** A slash command, as Slack wraps it: the same fields as the HTTP form, and a response payload allowed. */
  command(command: string, text: string, user = 'UREQ0001'): Promise<Ack> {
    return this.send('slash_commands', slashCommandPayload(this.fake, command, text, user), {
      acceptsResponsePayload: true,
    });
  }

  /** An interaction payload (block_actions, view_submission, shortcut…). Only submissions take a response. */
  interactive(payload: Record<string, unknown>): Promise<Ack> {
    const acceptsResponsePayload = payload.type === 'view_submission' || payload.type === 'block_suggestion';
    return this.send('interactive', payload, { acceptsResponsePayload });
  }

  /** A button press in a message, as `block_actions` (no response payload: changes go through the Web API). */
  action(
    user: string,
    actionId: string,
    value: string,
    where: { channel: string; ts: string },
  ): Promise<Ack> {
    const id = randomUUID();
    return this.interactive({
      type: 'block_actions',
      team: { id: TEAM, domain: 'acme' },
      user: { id: user, username: user.toLowerCase(), team_id: TEAM },
      api_app_id: APP_ID,
      token: 'legacy-verification-token',
      trigger_id: `trigger-${id}`,
      container: { type: 'message', message_ts: where.ts, channel_id: where.channel, is_ephemeral: false },
      channel: { id: where.channel, name: 'directmessage' },
      message: { type: 'message', ts: where.ts, text: '' },
      response_url: this.fake.responseUrl(`act-${id}`),
      actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, action_ts: '1.2' }],
    });
  }

  /** A modal's submit button, as `view_submission` (its ack may carry `response_action`). */
  viewSubmission(
    user: string,
    callbackId: string,
    values: Record<string, Record<string, unknown>>,
    privateMetadata = '',
  ): Promise<Ack> {
    return this.interactive({
      type: 'view_submission',
      team: { id: TEAM, domain: 'acme' },
      user: { id: user, username: user.toLowerCase(), team_id: TEAM },
      api_app_id: APP_ID,
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

  /** An Events API callback, wrapped as Slack wraps it for Socket Mode. */
  event(event: Record<string, unknown>, options: EnvelopeOptions = {}): Promise<Ack> {
    return this.send(
      'events_api',
      {
        token: 'legacy-verification-token',
        team_id: TEAM,
        api_app_id: APP_ID,
        event: { event_ts: '1.2', ...event },
        type: 'event_callback',
        event_id: `Ev${randomUUID().slice(0, 8)}`,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ team_id: TEAM, user_id: 'UBOT0001', is_bot: true }],
      },
      options,
    );
  }

  private upgrade(req: IncomingMessage, socket: Socket): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const ticket = url.searchParams.get('ticket') ?? '';
    const key = req.headers['sec-websocket-key'];
    // A ticket is good for one connection, as Slack's are.
    if (url.pathname !== '/link/' || !this.tickets.delete(ticket) || typeof key !== 'string') {
      this.protocolErrors.push(`the app dialled ${req.url ?? ''} without a fresh ticket`);
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    const accept = createHash('sha1').update(`${key}${WS_GUID}`).digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    socket.setNoDelay(true);
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    const link = new Link(
      socket,
      (_link, message) => this.acked(message),
      (problem) => this.protocolErrors.push(problem),
    );
    this.links.push(link);
    link.sendJson({
      type: 'hello',
      num_connections: this.links.filter((l) => !l.closed).length,
      debug_info: { host: 'applink-fake', build_number: 1, approximate_connection_time: 18060 },
      connection_info: { app_id: APP_ID },
    });
  }

  private acked(message: Record<string, unknown>): void {
    const envelopeId = message.envelope_id;
    const pending = typeof envelopeId === 'string' ? this.pending.get(envelopeId) : undefined;
    if (!pending || typeof envelopeId !== 'string') {
      this.protocolErrors.push(`the app acked an envelope Slack did not send: ${JSON.stringify(message)}`);
      return;
    }
    this.pending.delete(envelopeId);
    clearTimeout(pending.timer);
    const payload = message.payload as Record<string, unknown> | undefined;
    if (payload !== undefined && (typeof payload !== 'object' || payload === null)) {
      this.protocolErrors.push(`the ack payload for ${envelopeId} is not an object`);
    } else if (payload && Object.keys(payload).length > 0 && !pending.acceptsResponsePayload) {
      this.protocolErrors.push(
        `the app answered a ${pending.type} envelope that takes no response payload: ${JSON.stringify(payload)}`,
      );
    }
    if (payload && pending.type === 'slash_commands') {
      // A command's response payload is posted as a message, so Slack holds it to a message's rules.
      this.fake.recordViolation(
        'ack:slash_commands',
        validateMessage(payload, { requireText: false, doc: DOCS.responseUrl }),
        payload,
      );
    } else if (payload && (payload.response_action === 'update' || payload.response_action === 'push')) {
      this.fake.recordViolation(`ack:${pending.type}`, validateView(payload.view), payload);
    }
    pending.resolve({ envelope_id: envelopeId, ...(payload ? { payload } : {}) });
  }
}

function frame(opcode: number, data: Buffer): Buffer {
  const length = data.length;
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([0x80 | opcode, length]);
  } else if (length < 65_536) {
    header = Buffer.alloc(4);
    header.writeUInt16BE(length, 2);
    header[1] = 126;
  } else {
    header = Buffer.alloc(10);
    header.writeBigUInt64BE(BigInt(length), 2);
    header[1] = 127;
  }
  header[0] = 0x80 | opcode;
  return Buffer.concat([header, data]);
}

function readFrame(
  buffer: Buffer,
): { fin: boolean; opcode: number; masked: boolean; data: Buffer; length: number } | undefined {
  if (buffer.length < 2) return undefined;
  const first = buffer[0] ?? 0;
  const second = buffer[1] ?? 0;
  const masked = (second & 0x80) !== 0;
  let length = second & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  const maskLength = masked ? 4 : 0;
  if (buffer.length < offset + maskLength + length) return undefined;
  const mask = buffer.subarray(offset, offset + maskLength);
  const data = Buffer.from(buffer.subarray(offset + maskLength, offset + maskLength + length));
  if (masked) for (let i = 0; i < data.length; i++) data[i] = (data[i] ?? 0) ^ (mask[i % 4] ?? 0);
  return {
    fin: (first & 0x80) !== 0,
    opcode: first & 0x0f,
    masked,
    data,
    length: offset + maskLength + length,
  };
}
