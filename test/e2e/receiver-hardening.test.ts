// The HTTP receiver survives any body: odd signed payloads are answered, oversized bodies are refused before
// they are read whole, unsigned or stale requests are refused before their body is read at all.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/store.js';
import { BODY_LIMIT } from '../../src/http-receiver.js';
import { eventually, type Harness, SIGNING_SECRET, startHarness } from '../support/harness.js';
import { signature } from '../support/slack-driver.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const now = () => Math.floor(Date.now() / 1000);

/** A real /pull still goes through: the receiver kept serving. */
async function stillServing(): Promise<void> {
  const health = await fetch(`${h.slack.appUrl}/healthz`);
  expect(health.status).toBe(200);
  const before = h.fake.callsTo('chat.postMessage', (a) => a.channel === 'UMGR0001').length;
  const res = await h.slack.command('/pull', '<@UMGR0001|maya> still there?', 'UREQ0001');
  expect(res.status).toBe(200);
  expect(JSON.stringify(res.body)).toContain('Pulled in');
  await eventually(() =>
    expect(h.fake.callsTo('chat.postMessage', (a) => a.channel === 'UMGR0001')).toHaveLength(before + 1),
  );
}

interface Opened {
  /** Resolves with the status as soon as the app answers, whether or not the body was sent. */
  response: Promise<IncomingMessage>;
  write(chunk: Buffer): boolean;
  abort(): void;
}

/**
 * Opens a POST to /slack/events and sends only what the test writes: the app must answer without waiting
 * for the rest of the body.
 */
function open(headers: Record<string, string>): Opened {
  const url = new URL(`${h.slack.appUrl}/slack/events`);
  const req = httpRequest({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'POST',
    headers,
  });
  req.on('error', () => {}); // the app may close the connection after refusing; the answer is what counts
  req.flushHeaders();
  const response = new Promise<IncomingMessage>((resolve) =>
    req.on('response', (res) => {
      res.resume();
      resolve(res);
    }),
  );
  return { response, write: (chunk) => req.write(chunk), abort: () => req.destroy() };
}

describe('signed bodies of any shape', () => {
  const odd: [string, string, string][] = [
    ['JSON null', 'null', JSON_TYPE],
    ['a JSON array', '[]', JSON_TYPE],
    ['a JSON string', '"str"', JSON_TYPE],
    ['a JSON number', '42', JSON_TYPE],
    ['JSON that does not parse', '{"type":', JSON_TYPE],
    ['a form with payload=null', 'payload=null', FORM],
    ['a form with payload=[]', 'payload=%5B%5D', FORM],
    ['a form whose payload is not JSON', 'payload=not-json', FORM],
  ];
  for (const [name, body, contentType] of odd) {
    it(`answers ${name} with 400 and keeps serving`, async () => {
      const res = await h.slack.post(body, contentType);
      expect(res.status).toBe(400);
      await stillServing();
    });
  }

  it('answers an empty object and an unknown type without a crash, and keeps serving', async () => {
    // Bolt has no listener for these: it answers 404 once its 3 s ack window passes.
    const answers = await Promise.all([
      h.slack.post('{}', JSON_TYPE),
      h.slack.post('{"type":"no_such_type","team":{"id":"T0001"}}', JSON_TYPE),
      h.slack.post(`payload=${encodeURIComponent('{"type":"no_such_type"}')}`, FORM),
    ]);
    for (const res of answers) {
      expect(res.status).toBeGreaterThanOrEqual(200);
      expect(res.status).toBeLessThan(500);
    }
    await stillServing();
  });

  it('still answers Slack’s url_verification and ssl_check', async () => {
    const challenge = await h.slack.post('{"type":"url_verification","challenge":"abc123"}', JSON_TYPE);
    expect(challenge).toMatchObject({ status: 200, body: { challenge: 'abc123' } });
    const res = await fetch(`${h.slack.appUrl}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': FORM },
      body: 'ssl_check=1&token=legacy-verification-token',
    });
    expect(res.status).toBe(200);
  });
});

describe('bodies over the limit', () => {
  it(`refuses a declared length over ${BODY_LIMIT} bytes with 413 before the body is sent`, async () => {
    const ts = now();
    // Bolt's own limit is 4 MiB: a body of exactly that size would be read whole before any check.
    const length = 4 * 1024 * 1024;
    const req = open({
      'content-type': JSON_TYPE,
      'content-length': String(length),
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signature(SIGNING_SECRET, ts, 'whatever'),
    });
    const res = await req.response;
    req.abort();
    expect(res.statusCode).toBe(413);
    await stillServing();
  });

  it('refuses a signed body over the limit with 413 and stores nothing', async () => {
    const need = 'x'.repeat(BODY_LIMIT);
    const res = await h.slack.command('/pull', `<@UMGR0001|maya> ${need}`, 'UREQ0001');
    expect(res.status).toBe(413);
    const { pulls } = tables(h.store.db);
    expect(await h.store.db.select().from(pulls).orderBy(pulls.id)).toHaveLength(0);
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(0);
    await stillServing();
  });

  it('stops reading a chunked body once it passes the limit', async () => {
    const ts = now();
    const req = open({
      'content-type': JSON_TYPE,
      'transfer-encoding': 'chunked',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signature(SIGNING_SECRET, ts, 'whatever'),
    });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    // A little over the limit, then the stream stays open: only an early answer ends this test.
    for (let sent = 0; sent <= BODY_LIMIT; sent += chunk.length) req.write(chunk);
    const res = await req.response;
    req.abort();
    expect(res.statusCode).toBe(413);
    await stillServing();
  });

  it('answers many concurrent 4 MB unsigned bodies with 413 and keeps serving', async () => {
    // Bolt alone reads each of these whole (4 MB is within its limit) before it looks at the signature.
    const body = Buffer.alloc(4 * 1024 * 1024, 'a');
    const ts = now();
    const statuses = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const headers: Record<string, string> = { 'content-type': JSON_TYPE };
        if (i % 3 === 1) headers['x-slack-request-timestamp'] = String(ts);
        if (i % 3 === 2) {
          headers['x-slack-request-timestamp'] = String(ts);
          headers['x-slack-signature'] = signature('not-the-secret', ts, 'a');
        }
        const res = await fetch(`${h.slack.appUrl}/slack/events`, { method: 'POST', headers, body });
        await res.arrayBuffer().catch(() => {}); // the app closes the connection after refusing
        return res.status;
      }),
    );
    expect(statuses).toEqual(Array(60).fill(413));
    await stillServing();
  });
});

describe('unsigned and stale requests', () => {
  it('refuses a request with no signature headers before reading its body', async () => {
    const req = open({ 'content-type': JSON_TYPE, 'content-length': '1000' });
    const res = await req.response;
    req.abort();
    expect(res.statusCode).toBe(401);
  });

  it.each([
    ['stale', -10 * 60],
    ['from the future', 10 * 60],
  ])('refuses a timestamp %s before reading the body', async (_, offset) => {
    const at = now() + offset;
    const req = open({
      'content-type': FORM,
      'content-length': '1000',
      'x-slack-request-timestamp': String(at),
      'x-slack-signature': signature(SIGNING_SECRET, at, 'x'.repeat(1000)),
    });
    const res = await req.response;
    req.abort();
    expect(res.statusCode).toBe(401);
  });

  it('refuses a malformed signature before reading the body', async () => {
    const req = open({
      'content-type': FORM,
      'content-length': '1000',
      'x-slack-request-timestamp': String(now()),
      'x-slack-signature': 'v0=not-hex',
    });
    const res = await req.response;
    req.abort();
    expect(res.statusCode).toBe(401);
  });

  it('refuses a well-formed but wrong signature once the body is read, and stores nothing', async () => {
    const res = await h.slack.command('/pull', '<@UMGR0001|maya> forged', 'UREQ0001', {
      signature: `v0=${'0'.repeat(64)}`,
    });
    expect(res.status).toBe(401);
    const { pulls } = tables(h.store.db);
    expect(await h.store.db.select().from(pulls).orderBy(pulls.id)).toHaveLength(0);
    await stillServing();
  });
});
