// PostgreSQL for tests: a throwaway cluster of the test's own (initdb + pg_ctl on its own port and data directory,
// so it can be stopped and started without touching the shared server), and uniquely named databases on the
// shared server at TEST_DATABASE_URL, dropped afterwards. Everything goes through PostgreSQL's own programs.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unprivilegedUser } from './cli.js';

/** The shared server every machine (CI's included) runs; never stopped or reconfigured by a test. */
export const SHARED_SERVER_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ProgramResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(
  file: string,
  args: string[],
  options: { user?: { uid: number; gid: number }; cwd?: string } = {},
): Promise<ProgramResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        ...(options.user ?? {}),
        cwd: options.cwd,
        // The C locale: initdb needs no locale the machine may lack, and messages stay in English.
        env: { PATH: process.env.PATH ?? '', LC_ALL: 'C', LANG: 'C', PGCONNECT_TIMEOUT: '5' },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The newest installed PostgreSQL's programs (initdb, pg_ctl, postgres), or undefined when none is installed. */
export function postgresBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/** `psql` against a connection URL: one statement, unaligned output, stop on the first error. */
export function psql(url: string, statement: string): Promise<ProgramResult> {
  return run(psqlProgram(), [url, '-X', '-v', 'ON_ERROR_STOP=1', '-At', '-c', statement]);
}

/** `psql -f`: a whole SQL file in one transaction, stopping at the first error. */
export function psqlFile(url: string, file: string): Promise<ProgramResult> {
  return run(psqlProgram(), [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-f', file]);
}

/** The server's own psql when installed beside it, else the one on PATH. */
function psqlProgram(): string {
  const bin = postgresBinaries();
  return bin !== undefined && existsSync(join(bin, 'psql')) ? join(bin, 'psql') : 'psql';
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (typeof address !== 'object' || address === null) throw new Error('no free port');
  return address.port;
}

export interface PgCluster {
  readonly port: number;
  readonly dataDir: string;
  /** A URL to `database` on this cluster (superuser `postgres`, trust authentication, 127.0.0.1 only). */
  url(database?: string): string;
  /** Starts it again after `stop`, on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** `fast` rolls back open transactions and disconnects; `immediate` is a crash (recovery on the next start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Stops it if running and deletes its files. */
  remove(): Promise<void>;
}

/**
 * A new cluster in a temporary directory, started. initdb and pg_ctl refuse to run as root, so when the tests run
 * as root the cluster runs as the same unprivileged user the permission tests use, and owns its directory.
 */
export async function startPgCluster(): Promise<PgCluster> {
  const bin = postgresBinaries();
  if (bin === undefined) throw new Error('PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/pg_ctl');
  const { user, own } = unprivilegedUser();
  const home = mkdtempSync(join(tmpdir(), 'pushpull-pg-'));
  own(home);
  const dataDir = join(home, 'data');
  const logFile = join(home, 'postgres.log');
  const as = { user, cwd: home };
  const initdb = await run(
    join(bin, 'initdb'),
    [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ],
    as,
  );
  if (initdb.code !== 0) {
    rmSync(home, { recursive: true, force: true });
    throw new Error(`initdb failed (${initdb.code}): ${initdb.stderr}`);
  }
  const port = await freePort();
  // Its own port, TCP on 127.0.0.1 only, and its socket in its own directory rather than /var/run/postgresql.
  const serverOptions = `-p ${port} -k ${home} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  let running = false;

  const cluster: PgCluster = {
    port,
    dataDir,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async start() {
      const out = await run(
        join(bin, 'pg_ctl'),
        ['-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', serverOptions, 'start'],
        as,
      );
      if (out.code !== 0) {
        const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
        throw new Error(`pg_ctl start failed (${out.code}): ${out.stderr}\n${log}`);
      }
      running = true;
    },
    async stop(mode = 'fast') {
      const out = await run(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop'], as);
      if (out.code !== 0) throw new Error(`pg_ctl stop failed (${out.code}): ${out.stderr}`);
      running = false;
    },
    async remove() {
      if (running) await cluster.stop('immediate');
      rmSync(home, { recursive: true, force: true });
    },
  };
  try {
    await cluster.start();
  } catch (error) {
    rmSync(home, { recursive: true, force: true });
    throw error;
  }
  return cluster;
}

/** A uniquely named, empty database on the shared server (TEST_DATABASE_URL), and how to drop it. */
export async function createTestDatabase(
  serverUrl = SHARED_SERVER_URL,
): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `pushpull_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const created = await psql(serverUrl, `create database ${name}`);
  if (created.code !== 0) throw new Error(`cannot create ${name} at TEST_DATABASE_URL: ${created.stderr}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.href,
    drop: async () => {
      // `with (force)` disconnects whatever the test left connected.
      const dropped = await psql(serverUrl, `drop database if exists ${name} with (force)`);
      if (dropped.code !== 0) throw new Error(`cannot drop ${name}: ${dropped.stderr}`);
    },
  };
}
