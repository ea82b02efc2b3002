// The Web API transport (src/slack/web-transport.ts): what the Web API client and Bolt's `respond` read of an
// answer, over kept-alive connections, against a real local HTTP server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { slackFetch, slackFetchWithin } from '../../src/slack/web-transport.js';
import { FakeSlack } from '../support/fake-slack.js';
import { BOT_TOKEN } from '../support/harness.js';

type Route = (req: IncomingMessage, body: string, res: ServerResponse) => void;

let server: Server;
let base: string;
let route: Route;
/** Each connection the server accepted, in order (a kept-alive connection is counted once). */
let connections: number;

beforeEach(async () => {
  connections = 0;
  route = (_req, _body, res) => res.end('{}');
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => route(req, body, res));
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('slackFetch', () => {
  it('posts the body with its length and headers, and hands back status, headers and text', async () => {
    let seen: { method?: string; type?: string; length?: string; body?: string } = {};
    route = (req, body, res) => {
      seen = {
        method: req.method,
        type: req.headers['content-type'],
        length: req.headers['content-length'],
        body,
      };
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-OAuth-Scopes': 'chat:write, users:read' });
      res.end('{"ok":true,"text":"Füße & <tags>"}');
    };
    const body = 'text=F%C3%BC%C3%9Fe';
    const res = await slackFetch(`${base}/api/chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(seen).toEqual({
      method: 'POST',
      type: 'application/x-www-form-urlencoded',
      length: String(Buffer.byteLength(body)),
      body,
    });
    expect(res.ok).toBe(true);
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${base}/api/chat.postMessage`);
    // Header names in any case, as the client asks for them.
    expect(res.headers.get('x-oauth-scopes')).toBe('chat:write, users:read');
    expect(res.headers.get('X-OAuth-Scopes')).toBe('chat:write, users:read');
    expect(res.headers.get('retry-after')).toBeNull();
    expect(Object.fromEntries(res.headers.entries())).toMatchObject({ 'content-type': 'application/json' });
    expect(await res.json()).toEqual({ ok: true, text: 'Füße & <tags>' });
  });

  it('resolves for any status, as fetch does: a 429 with its Retry-After, a 500 with its body', async () => {
    route = (req, _body, res) => {
      if (req.url?.endsWith('/limited')) {
        res.writeHead(429, { 'Retry-After': '7' }).end('{"ok":false,"error":"ratelimited"}');
      } else {
        res.writeHead(500, 'Upstream Trouble').end('upstream trouble');
      }
    };
    const limited = await slackFetch(`${base}/limited`, { method: 'POST', body: '' });
    expect([limited.ok, limited.status, limited.headers.get('Retry-After')]).toEqual([false, 429, '7']);
    const broken = await slackFetch(`${base}/broken`, { method: 'POST', body: '' });
    expect([broken.status, broken.statusText, await broken.text()]).toEqual([
      500,
      'Upstream Trouble',
      'upstream trouble',
    ]);
  });

  it('keeps the connection alive between calls', async () => {
    for (let i = 0; i < 5; i++)
      await (await slackFetch(`${base}/api/auth.test`, { method: 'POST', body: '' })).text();
    expect(connections).toBe(1);
  });

  it('gives up when the signal aborts (the client timeout), with the signal’s reason', async () => {
    route = () => {
      // Never answers.
    };
    const started = Date.now();
    const call = slackFetch(`${base}/api/chat.postMessage`, {
      method: 'POST',
      body: 'x=1',
      signal: AbortSignal.timeout(100),
    });
    await expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(3000);
    const aborted = new AbortController();
    aborted.abort();
    await expect(
      slackFetch(`${base}/api/chat.postMessage`, { method: 'POST', body: '', signal: aborted.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('without a signal of its own (Bolt’s respond gives none), gives up on a silent server', async () => {
    route = () => {
      // Never answers.
    };
    await expect(
      slackFetchWithin(100)(`${base}/respond/T1`, { method: 'POST', body: '{"text":"x"}' }),
    ).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('fails when the connection is cut before the whole answer arrives', async () => {
    route = (_req, _body, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write('{"ok":tr');
      setImmediate(() => res.socket?.destroy());
    };
    await expect(slackFetch(`${base}/api/chat.postMessage`, { method: 'POST', body: '' })).rejects.toThrow();
  });

  it('refuses a redirect when asked to, as the Web API client asks', async () => {
    route = (_req, _body, res) => res.writeHead(302, { Location: 'https://elsewhere.example/' }).end();
    await expect(
      slackFetch(`${base}/api/chat.postMessage`, { method: 'POST', body: '', redirect: 'error' }),
    ).rejects.toThrow(/redirect/);
  });

  it('is what the Web API client calls Slack with: results, Slack errors and 429s read as before', async () => {
    const fake = await new FakeSlack().start();
    try {
      const client = new webApi.WebClient(BOT_TOKEN, {
        slackApiUrl: fake.apiUrl,
        fetch: slackFetch,
        rejectRateLimitedCalls: true,
        retryConfig: { retries: 0 },
      });
      const posted = await client.chat.postMessage({ channel: 'UMGR1', text: 'Ben &amp; Jerry’s' });
      expect(posted.ok).toBe(true);
      expect(fake.callsTo('chat.postMessage')[0]?.args.text).toBe('Ben &amp; Jerry’s');
      fake.failNext('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
      await expect(client.chat.postMessage({ channel: 'UGONE', text: 'x' })).rejects.toMatchObject({
        code: webApi.ErrorCode.PlatformError,
        data: { error: 'channel_not_found' },
      });
      fake.failNext('chat.postMessage', { kind: 'ratelimited', retryAfter: 30 });
      await expect(client.chat.postMessage({ channel: 'UMGR1', text: 'x' })).rejects.toMatchObject({
        code: webApi.ErrorCode.RateLimitedError,
        retryAfter: 30,
      });
    } finally {
      await fake.stop();
    }
  });
});
