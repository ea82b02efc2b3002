// `pushpull playground`: the real app (listeners, domain, database, scheduler) over signed HTTP, against the
// stand-in Slack, with a web page that shows that Slack and lets you act in it as anyone on a seeded team.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPushpullApp, type PushpullApp } from '../app.js';
import { loadConfig } from '../config.js';
import { BUSY_TIMEOUT_MS } from '../db/busy.js';
import { boltLogger, createLogger } from '../logger.js';
import { openMigrated, StartupError } from '../runtime.js';
import { sendDigests } from '../scheduler/digest.js';
import { startScheduler } from '../scheduler/index.js';
import { fanOutClient } from '../scheduler/pace.js';
import { FakeSlack } from './fake-slack.js';
import { PlaygroundRequests } from './requests.js';
import { seedTeam, WINS } from './seed.js';
import type { Json } from './shapes.js';
import { SlackDriver } from './slack-driver.js';
import { Workspace } from './workspace.js';

export interface PlaygroundOptions {
  /** The database file; its stand-in Slack conversations are kept beside it. */
  databasePath?: string;
  port?: number;
  host?: string;
  reset?: boolean;
  /** Settings passed through to the app (PUSH_LIMIT, DIGEST_DAY, …); Slack's are the playground's own. */
  env?: Record<string, string | undefined>;
  /** Log lines; quiet by default, the page shows what matters. */
  write?: (line: string) => void;
}

export interface Playground {
  url: string;
  workspace: Workspace;
  app: PushpullApp;
  seeded: boolean;
  stop(): Promise<void>;
}

export const DEFAULT_PLAYGROUND_DB = './data/playground.db';
/** The product settings a person may set for the playground too; Slack's own settings are the stand-in's. */
const PASSED_THROUGH = [
  'PUSH_LIMIT',
  'FISCAL_YEAR_START_MONTH',
  'DIGEST_DAY',
  'DIGEST_TIME',
  'DEFAULT_TIMEZONE',
  'LOG_LEVEL',
];
/** The compiled page code: `src/` and `dist/` both sit one level below the package root. */
const CLIENT_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'dist',
  'playground',
  'client',
);

export async function startPlayground(options: PlaygroundOptions = {}): Promise<Playground> {
  const databasePath = resolve(options.databasePath ?? DEFAULT_PLAYGROUND_DB);
  const slackFile = `${databasePath.replace(/\.db$/, '')}.slack.json`;
  if (options.reset)
    for (const f of [
      databasePath,
      `${databasePath}-wal`,
      `${databasePath}-shm`,
      `${databasePath}.created`,
      slackFile,
    ])
      rmSync(f, { force: true });
  mkdirSync(dirname(databasePath), { recursive: true });
  const seeded = !existsSync(databasePath);

  const fake = await new FakeSlack().start();
  const workspace = new Workspace(fake, slackFile);
  const signingSecret = randomBytes(16).toString('hex');
  const passed = Object.fromEntries(
    PASSED_THROUGH.flatMap((name) => (options.env?.[name] ? [[name, options.env[name] as string]] : [])),
  );
  const config = loadConfig({
    LOG_LEVEL: 'warn',
    ...passed,
    SLACK_BOT_TOKEN: 'xoxb-playground-stand-in',
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: `file:${databasePath}`,
    PORT: '0',
    HOST: '127.0.0.1',
    RECOGNITION_CHANNEL: WINS.id,
  });
  const logger = createLogger({
    level: config.logLevel,
    format: 'pretty',
    secrets: [signingSecret],
    write: options.write ?? ((line) => process.stderr.write(`${line}\n`)),
  });
  const store = await openMigrated(config, logger, { busyTimeoutMs: BUSY_TIMEOUT_MS });
  if (seeded) await seedTeam(store.db, config, Date.now());
  const app = createPushpullApp({ config, store, logger });
  const { port: appPort } = await app.start();
  const client = fanOutClient(
    config.slack.botToken,
    config.slack.apiUrl,
    boltLogger(logger, config.logLevel),
  );
  const scheduler = startScheduler({ deps: app.deps, client, logger });
  const requests = new PlaygroundRequests(
    new SlackDriver(`http://127.0.0.1:${appPort}`, signingSecret, fake),
    workspace,
  );

  const api: Record<string, (body: Json) => Promise<unknown>> = {
    command: async (b) => (await requests.command(str(b.user), str(b.channel), str(b.text))).status,
    say: async (b) => workspace.say(str(b.user), str(b.channel), str(b.text)),
    action: async (b) =>
      (
        await requests.action(
          str(b.user),
          (b.where ?? {}) as Parameters<PlaygroundRequests['action']>[1],
          b.action as Json,
        )
      ).status,
    submit: async (b) => {
      const sent = await requests.submit(str(b.user), str(b.viewId), (b.values ?? {}) as Json);
      return typeof sent.body === 'object' ? sent.body : {};
    },
    close: async (b) => requests.close(str(b.user), str(b.viewId)),
    shortcut: async (b) => (await requests.shortcut(str(b.user), str(b.callbackId))).status,
    'message-shortcut': async (b) =>
      (await requests.messageShortcut(str(b.user), str(b.callbackId), str(b.channel), str(b.ts))).status,
    home: async (b) => (await requests.homeOpened(str(b.user))).status,
    dismiss: async (b) => workspace.dismissEphemeral(str(b.id)),
    // The same code as `npx pushpull digest send`.
    digest: async () => sendDigests({ deps: app.deps, client }, { force: true }),
  };

  const server = createServer((req, res) => {
    void serve(req, res, workspace, api).catch((error: unknown) => {
      logger.error('playground request failed', { error: error instanceof Error ? error : String(error) });
      if (!res.headersSent) json(res, 500, { error: error instanceof Error ? error.message : String(error) });
    });
  });
  const stopBehind = async () => {
    workspace.close();
    await scheduler.stop();
    await app.stop();
    await store.close();
    await fake.stop();
  };
  const wanted = options.port ?? 3000;
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(wanted, options.host ?? '127.0.0.1', ok);
    });
  } catch (error) {
    await stopBehind();
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE')
      throw new StartupError(
        `port ${wanted} is in use: pick another with --port, such as --port ${wanted + 1}`,
      );
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new StartupError(
        `--host ${options.host ?? ''} is not an address of this machine: leave it out for loopback`,
      );
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const host = options.host && options.host !== '127.0.0.1' ? options.host : 'localhost';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    workspace,
    app,
    seeded,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await stopBehind();
    },
  };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body ?? null));
}

async function readJson(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const value: unknown = text ? JSON.parse(text) : {};
  return typeof value === 'object' && value !== null ? (value as Json) : {};
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
};

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  workspace: Workspace,
  api: Record<string, (body: Json) => Promise<unknown>>,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(PAGE);
    return;
  }
  if (req.method === 'GET' && url.pathname === '/api/state') {
    // Long poll: answers as soon as anything changed after the version the page has.
    const after = Number(url.searchParams.get('after') ?? -1);
    await workspace.changedSince(after, 20_000);
    json(res, 200, workspace.state());
    return;
  }
  const client = /^\/client\/([a-z-]+\.js(?:\.map)?)$/.exec(url.pathname);
  if (req.method === 'GET' && client?.[1]) {
    const file = join(CLIENT_DIR, client[1]);
    if (!existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not built: run npm run build');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'text/plain', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
    return;
  }
  const handler = req.method === 'POST' ? api[url.pathname.replace(/^\/api\//, '')] : undefined;
  if (!handler) {
    json(res, 404, { error: 'not found' });
    return;
  }
  json(res, 200, await handler(await readJson(req)));
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pushpull playground</title>
<style>
body { margin: 0; font: 15px/1.45 -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; color: #1d1c1d; }
.layout { display: flex; height: 100vh; }
.sidebar { width: 250px; background: #3f0e40; color: #e8dfe8; padding: 12px 8px; display: flex; flex-direction: column; gap: 2px; overflow-y: auto; }
.workspace { font-weight: 700; font-size: 17px; color: #fff; padding: 4px 8px 12px; border-bottom: 1px solid #5d2c5e; margin-bottom: 8px; }
.who { display: flex; flex-direction: column; gap: 4px; padding: 0 8px 8px; font-size: 13px; }
.who select { padding: 4px; border-radius: 4px; }
.heading { font-size: 13px; opacity: .75; padding: 10px 8px 2px; }
.nav { background: none; border: 0; color: inherit; text-align: left; padding: 4px 8px; border-radius: 6px; font: inherit; cursor: pointer; }
.nav:hover { background: #350d36; } .nav.active { background: #1164a3; color: #fff; }
.pane { flex: 1; display: flex; flex-direction: column; min-width: 0; }
.title { display: flex; align-items: center; gap: 12px; font-weight: 700; font-size: 18px; padding: 10px 20px; border-bottom: 1px solid #ddd; }
.tab { background: none; border: 0; border-bottom: 2px solid transparent; font: inherit; font-size: 14px; padding: 6px 4px; cursor: pointer; }
.tab.active { border-color: #1264a3; }
.messages, .home { flex: 1; overflow-y: auto; padding: 12px 20px; }
.home { background: #f8f8f8; }
.message { display: flex; gap: 10px; padding: 8px 4px; position: relative; }
.message:hover { background: #f8f8f8; }
.avatar { width: 36px; height: 36px; border-radius: 6px; background: #e8912d; color: #fff; display: grid; place-items: center; font-weight: 700; flex: none; }
.avatar.app { background: #2eb67d; }
.message-body { flex: 1; min-width: 0; }
.author { font-weight: 700; display: flex; gap: 6px; align-items: center; }
.tag { font-size: 11px; font-weight: 400; background: #eee; color: #555; padding: 0 4px; border-radius: 3px; }
.ephemeral { background: #f4f8fc; border-left: 3px solid #1264a3; }
.more { position: absolute; right: 8px; top: 6px; border: 1px solid #ccc; background: #fff; border-radius: 4px; cursor: pointer; opacity: 0; }
.message:hover .more, .more:focus { opacity: 1; }
a { color: #1264a3; text-decoration: none; } a:hover { text-decoration: underline; }
.menu { position: absolute; right: 8px; top: 32px; background: #fff; border: 1px solid #ccc; border-radius: 6px; box-shadow: 0 4px 12px #0002; z-index: 2; }
.menu-item { display: block; border: 0; background: none; padding: 8px 14px; font: inherit; cursor: pointer; }
.menu-item:hover { background: #1264a3; color: #fff; }
.composer { display: flex; gap: 8px; padding: 12px 20px 18px; }
.composer input { flex: 1; padding: 10px; border: 1px solid #bbb; border-radius: 8px; font: inherit; }
.blocks > * { margin: 4px 0; }
.section { display: flex; gap: 12px; align-items: flex-start; justify-content: space-between; }
.section-body { flex: 1; min-width: 0; }
.fields { display: grid; grid-template-columns: 1fr 1fr; gap: 6px 16px; margin-top: 4px; }
.header { font-size: 18px; margin: 10px 0 4px; }
hr { border: 0; border-top: 1px solid #ddd; margin: 10px 0; }
.context { font-size: 13px; color: #616061; display: flex; gap: 8px; flex-wrap: wrap; }
.actions { display: flex; gap: 8px; flex-wrap: wrap; }
.btn { border: 1px solid #bbb; background: #fff; border-radius: 4px; padding: 4px 12px; font: inherit; font-weight: 600; font-size: 14px; cursor: pointer; }
.btn.primary { background: #007a5a; border-color: #007a5a; color: #fff; }
.btn.danger { background: #e01e5a; border-color: #e01e5a; color: #fff; }
.link { border: 0; background: none; color: #1264a3; cursor: pointer; font: inherit; font-size: 13px; padding: 0 4px; }
select, input, textarea { font: inherit; }
.mention { background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 0 2px; }
blockquote { border-left: 4px solid #ddd; margin: 2px 0; padding-left: 10px; }
code { background: #f6f6f6; border: 1px solid #e8e8e8; border-radius: 3px; padding: 0 3px; color: #c01343; }
.shade { position: fixed; inset: 0; background: #0008; display: grid; place-items: center; z-index: 5; }
.modal { background: #fff; border-radius: 8px; width: 520px; max-height: 88vh; overflow-y: auto; padding: 20px 24px; box-shadow: 0 12px 40px #0006; }
.modal.small { width: 400px; }
.modal h2 { margin: 0 0 12px; font-size: 22px; }
.input { display: flex; flex-direction: column; gap: 4px; margin: 12px 0; }
.input .label { font-weight: 700; }
.optional { font-weight: 400; color: #777; }
.input input, .input textarea, .input select { padding: 8px; border: 1px solid #bbb; border-radius: 4px; }
.input textarea { min-height: 70px; }
.hint { font-size: 13px; color: #616061; }
.field-error { color: #e01e5a; font-size: 13px; }
.choices { display: flex; flex-direction: column; gap: 4px; }
.modal-buttons { display: flex; justify-content: flex-end; gap: 8px; margin-top: 16px; }
.banners { position: fixed; top: 8px; left: 270px; right: 20px; z-index: 4; display: flex; flex-direction: column; gap: 6px; }
.slack-error { background: #fde8ec; border: 1px solid #e01e5a; color: #8a0d33; padding: 8px 12px; border-radius: 6px; font-size: 13px; }
.notice { background: #fff8dc; border: 1px solid #e8c44a; padding: 8px 12px; border-radius: 6px; font-size: 14px; }
.unsupported { color: #999; font-style: italic; }
.thumb { width: 24px; height: 24px; border-radius: 4px; }
</style>
</head>
<body>
<div id="app">Loading the playground…</div>
<script type="module" src="/client/main.js"></script>
</body>
</html>
`;
