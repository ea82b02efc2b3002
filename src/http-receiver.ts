// The HTTP receiver: Bolt's HTTPReceiver behind a gate that refuses oversized, unsigned, stale and shapeless
// requests before Bolt buffers or parses them, so no body a stranger can send costs more than BODY_LIMIT or
// reaches code that assumes Slack's shapes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import {
  type App,
  type BufferedIncomingMessage,
  ErrorCode,
  HTTPReceiver,
  type HTTPReceiverOptions,
  isCodedError,
  isValidSlackRequest,
  type Receiver,
  type Logger as SlackLogger,
} from '@slack/bolt';
import type { Logger } from './logger.js';

/**
 * The largest body Pushpull reads. Slack's requests are far smaller: the biggest Pushpull receives is a
 * modal submission carrying its whole view, a few tens of KB even with every 3,000-character field full and
 * form-encoded. 1 MiB leaves ample room while bounding what one request can make the process hold (Bolt's
 * own default, 4 MiB, is what let 400 unsigned bodies take 728 MB).
 */
export const BODY_LIMIT = 1024 * 1024;

/** Slack's rule for replays: a timestamp more than five minutes from ours, either way, is refused. */
export const MAX_SKEW_SECONDS = 5 * 60;

/** Slack's unsigned `ssl_check=1&token=…` is a few dozen bytes. */
const SSL_CHECK_LIMIT = 1024;

/** After refusing a request whose body is still arriving, keep reading (and dropping) it this long so the
 * client can see the answer, then close the connection — nginx's "lingering close". */
const LINGER_MS = 2000;

const FORM = 'application/x-www-form-urlencoded';

type Refusal = { status: 400 | 401 | 413; reason: string };

export interface HttpReceiverOptions {
  signingSecret: string;
  endpoint: string;
  customRoutes: NonNullable<HTTPReceiverOptions['customRoutes']>;
  /** Bolt's own lines. */
  boltLogger: SlackLogger;
  /** The gate's refusals. */
  logger: Logger;
}

/** A Bolt receiver that serves HTTP through the gate; everything it admits is handled by Bolt's HTTPReceiver. */
export class GuardedHttpReceiver implements Receiver {
  private readonly bolt: HTTPReceiver;
  private server: Server | undefined;

  constructor(private readonly options: HttpReceiverOptions) {
    this.bolt = new HTTPReceiver({
      signingSecret: options.signingSecret,
      endpoints: options.endpoint,
      customRoutes: options.customRoutes,
      logger: options.boltLogger,
      bodyLimit: BODY_LIMIT,
      // Every POST to the endpoint reaches Bolt only through `admit`, which has checked the signature and
      // the timestamp on the same bytes: checking them again would only spend a second HMAC per request.
      signatureVerification: false,
    });
  }

  init(app: App): void {
    this.bolt.init(app);
  }

  /** Bolt's `app.start(…)` hands its arguments here: a port, or `{ port, host }`. */
  async start(where: number | { port: number; host?: string }): Promise<Server> {
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(typeof where === 'number' ? { port: where } : where, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    return server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'POST' || path !== this.options.endpoint) {
      this.dispatch(req, res);
      return;
    }
    admit(req, this.options.signingSecret, Date.now())
      .then((verdict) => {
        if ('rawBody' in verdict) {
          // Bolt reads a request that already carries `rawBody` as is (its BufferedIncomingMessage).
          (req as BufferedIncomingMessage).rawBody = verdict.rawBody;
          this.dispatch(req, res);
          return;
        }
        this.options.logger.warn('refused a request to the Slack endpoint', {
          status: verdict.status,
          reason: verdict.reason,
        });
        refuse(req, res, verdict.status);
      })
      .catch((error: unknown) => {
        this.options.logger.error('the receiver failed on a request', { error });
        if (!res.headersSent) refuse(req, res, 500);
      });
  }

  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    try {
      this.bolt.requestListener(req, res);
    } catch (error) {
      // Bolt throws synchronously only for paths it does not serve.
      const unknownPath = isCodedError(error) && error.code === ErrorCode.HTTPReceiverDeferredRequestError;
      if (!unknownPath) this.options.logger.error('the receiver failed on a request', { error });
      res.writeHead(unknownPath ? 404 : 500);
      res.end();
    }
  }
}

/** Decides what happens to a POST to the Slack endpoint, reading no more of the body than it must. */
async function admit(
  req: IncomingMessage,
  signingSecret: string,
  nowMs: number,
): Promise<{ rawBody: Buffer } | Refusal> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > BODY_LIMIT)
    return { status: 413, reason: `declared ${declared} bytes, over ${BODY_LIMIT}` };

  const signature = req.headers['x-slack-signature'];
  const timestamp = req.headers['x-slack-request-timestamp'];
  if (typeof signature !== 'string' || typeof timestamp !== 'string') return unsignedSslCheck(req);

  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds) || Math.abs(nowMs / 1000 - seconds) > MAX_SKEW_SECONDS)
    return { status: 401, reason: 'timestamp missing or more than five minutes off' };
  if (!/^v0=[0-9a-f]{64}$/.test(signature)) return { status: 401, reason: 'malformed signature' };

  const body = await readBody(req, BODY_LIMIT);
  if (body === 'too-large') return { status: 413, reason: `body over ${BODY_LIMIT} bytes` };
  if (body === 'aborted') return { status: 400, reason: 'client went away mid-body' };
  const text = body.toString();
  const headers = { 'x-slack-signature': signature, 'x-slack-request-timestamp': seconds };
  if (!isValidSlackRequest({ signingSecret, body: text, headers }))
    return { status: 401, reason: 'signature mismatch' };

  return slackShaped(text, req.headers['content-type'])
    ? { rawBody: body }
    : { status: 400, reason: 'not a Slack payload' };
}

/** The one request Slack sends unsigned: a tiny form with `ssl_check=1`. Anything else unsigned is refused. */
async function unsignedSslCheck(req: IncomingMessage): Promise<{ rawBody: Buffer } | Refusal> {
  const refusal: Refusal = { status: 401, reason: 'no signature headers' };
  if (req.headers['content-type'] !== FORM) return refusal;
  const declared = req.headers['content-length'];
  if (declared === undefined || Number(declared) > SSL_CHECK_LIMIT) return refusal;
  const body = await readBody(req, SSL_CHECK_LIMIT);
  if (typeof body === 'string') return refusal;
  return parseQuery(body.toString()).ssl_check === '1' ? { rawBody: body } : refusal;
}

/**
 * True when Bolt can route the body: it parses the way Bolt parses it (a form's `payload` as JSON, other
 * forms as fields, everything else as JSON) into an object. JSON `null` here used to crash the process.
 */
function slackShaped(text: string, contentType: string | undefined): boolean {
  try {
    const fields = contentType === FORM ? parseQuery(text) : undefined;
    const body: unknown =
      fields === undefined
        ? JSON.parse(text)
        : typeof fields.payload === 'string'
          ? JSON.parse(fields.payload)
          : fields;
    return typeof body === 'object' && body !== null && !Array.isArray(body);
  } catch {
    return false;
  }
}

/** Reads the body up to `limit` bytes; past it, stops keeping what arrives. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: Buffer | 'too-large' | 'aborted') => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onAbort);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.pause();
        finish('too-large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(Buffer.concat(chunks, size));
    const onAbort = () => finish('aborted');
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onAbort);
  });
}

/** Answers without a body and closes the connection; whatever of the body is still arriving is dropped. */
function refuse(req: IncomingMessage, res: ServerResponse, status: number): void {
  res.writeHead(status, { connection: 'close' });
  res.end();
  if (req.complete || req.destroyed) return;
  // Drop the rest as it arrives so the client can read the answer, then cut a body that will not end.
  req.on('data', () => {});
  req.resume();
  const cut = setTimeout(() => req.socket.destroy(), LINGER_MS);
  cut.unref();
  req.socket.once('close', () => clearTimeout(cut));
}
