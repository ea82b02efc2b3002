// The local PostgreSQL server as the bench uses it: throwaway databases with unique names (dropped afterwards), and
// the server's process ids, so their CPU time can be read from /proc. The server itself is shared: nothing here
// changes its configuration.
import pg from 'pg';

export const ADMIN_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  name: string;
  url: string;
}

export class PgServer {
  private readonly created: string[] = [];

  private constructor(private readonly admin: pg.Client) {}

  static async connect(url = ADMIN_URL): Promise<PgServer> {
    const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    try {
      await admin.connect();
    } catch (error) {
      throw new Error(
        `the PostgreSQL bench needs a server at ${url} (set BENCH_DATABASE_URL): ${(error as Error).message}`,
      );
    }
    return new PgServer(admin);
  }

  /** A new, empty database named for this run and `label`. */
  async createDatabase(label: string): Promise<BenchDatabase> {
    const name = `pushpull_bench_${process.pid}_${Date.now().toString(36)}_${label}`;
    await this.admin.query(`CREATE DATABASE "${name}"`);
    this.created.push(name);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    return { name, url: url.toString() };
  }

  /** Client backends connected to `database`. */
  async backends(database: string): Promise<number[]> {
    const { rows } = await this.admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1',
      [database],
    );
    return rows.map((r) => r.pid);
  }

  /** The server's own processes (WAL writer, checkpointer, …): shared by every database on it. */
  async background(): Promise<number[]> {
    const { rows } = await this.admin.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE backend_type <> 'client backend' AND datname IS NULL",
    );
    return rows.map((r) => r.pid);
  }

  /** Drops every database this run created (connections still open are closed by the server), then disconnects. */
  async close(): Promise<void> {
    for (const name of this.created.splice(0)) {
      await this.admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
    await this.admin.end();
  }
}
