// How Pushpull's Web API calls (and Bolt's `respond`) reach Slack: node:http(s) on kept-alive connections.
//
// The Web API client takes any function shaped like fetch (its `FetchFunction`). Node 20's global fetch is
// WHATWG streams over a bundled undici: one chat.postMessage cost the client 1.2 ms of CPU through it, about
// as much as acknowledging a /pull and storing the pull together. Slack's answers are small JSON bodies read
// whole, so this reads them into one buffer on a plain kept-alive connection instead: 0.5 ms a call. Anything
// it does not need to handle (a multipart upload) goes to the global fetch unchanged.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { webApi } from '@slack/bolt';

type FetchFunction = NonNullable<webApi.WebClientOptions['fetch']>;
type FetchResponse = Awaited<ReturnType<FetchFunction>>;
type FetchInit = NonNullable<Parameters<FetchFunction>[1]>;

/**
 * Idle connections are closed after 4 s, as undici does: under the 5 s or more that servers and load
 * balancers commonly keep an idle connection, so a request is not sent down one the other end is closing.
 */
export const IDLE_CONNECTION_MS = 4000;

/**
 * How long a call with no timeout of its own (Bolt's `respond` gives none) may go without a byte from the
 * other end before it fails: fetch would have waited its own 300 s; a response URL that never answers must
 * not hold its request, and shutdown behind it, for ever.
 */
export const SILENCE_TIMEOUT_MS = 30_000;

const agents = {
  'http:': new HttpAgent({ keepAlive: true, timeout: IDLE_CONNECTION_MS }),
  'https:': new HttpsAgent({ keepAlive: true, timeout: IDLE_CONNECTION_MS }),
};

/** The headers of an answer, read the way the Web API client reads them (names in any case). */
class AnswerHeaders {
  private readonly byName = new Map<string, string>();

  constructor(raw: IncomingMessage['headers']) {
    for (const [name, value] of Object.entries(raw)) {
      if (value !== undefined) this.byName.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
  }

  get(name: string): string | null {
    return this.byName.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }

  entries(): IterableIterator<[string, string]> {
    return this.byName.entries();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.byName.entries();
  }
}

function answer(url: string, res: IncomingMessage, body: Buffer): FetchResponse {
  const status = res.statusCode ?? 0;
  const text = async () => body.toString('utf8');
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: res.statusMessage ?? '',
    url,
    headers: new AnswerHeaders(res.headers),
    text,
    json: async () => JSON.parse(body.toString('utf8')),
    arrayBuffer: async () =>
      body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
  };
}

/** The reason an aborted request fails with, as fetch gives it (the signal's own reason). */
const abortReason = (signal: AbortSignal): unknown =>
  signal.reason ?? new DOMException('This operation was aborted', 'AbortError');

/**
 * A fetch for Slack's Web API and response URLs: POSTs a string body on a kept-alive connection and resolves
 * with the whole answer read. Like fetch it resolves for any HTTP status, rejects on a network failure or an
 * aborted signal (the client's timeout), and refuses a redirect when asked to (`redirect: 'error'`).
 */
export function slackFetchWithin(silenceMs: number): FetchFunction {
  return (input, init = {}) => {
    if (init.body !== undefined && typeof init.body !== 'string') return globalThis.fetch(input, init);
    return send(input instanceof URL ? input : new URL(input), init, silenceMs);
  };
}

export const slackFetch: FetchFunction = slackFetchWithin(SILENCE_TIMEOUT_MS);

function send(url: URL, init: FetchInit, silenceMs: number): Promise<FetchResponse> {
  const { signal } = init;
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  const body = init.body as string | undefined;
  const headers: Record<string, string | number> = { ...init.headers };
  if (body !== undefined) headers['Content-Length'] = Buffer.byteLength(body);
  const https = url.protocol === 'https:';
  if (!https && url.protocol !== 'http:') {
    return Promise.reject(new TypeError(`cannot reach ${url.protocol} URLs; Slack's are https:`));
  }
  return new Promise<FetchResponse>((resolve, reject) => {
    const request = (https ? httpsRequest : httpRequest)(url, {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      agent: agents[https ? 'https:' : 'http:'],
    });
    const onAbort = () => request.destroy(abortReason(signal as AbortSignal) as Error);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (!signal) {
      request.setTimeout(silenceMs, () =>
        request.destroy(
          Object.assign(new Error(`no answer from ${url.origin} within ${silenceMs} ms`), {
            code: 'ETIMEDOUT',
          }),
        ),
      );
    }
    const settle = () => signal?.removeEventListener('abort', onAbort);
    request.on('error', (error) => {
      settle();
      reject(error);
    });
    request.once('response', (res) => {
      const status = res.statusCode ?? 0;
      if (init.redirect === 'error' && status >= 300 && status < 400) {
        res.resume();
        settle();
        reject(new TypeError(`unexpected redirect (${status}) from ${url.origin}`));
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => {
        settle();
        reject(error);
      });
      res.once('end', () => {
        settle();
        resolve(answer(url.href, res, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
      });
    });
    request.end(body);
  });
}
