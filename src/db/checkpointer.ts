// Copying SQLite's write-ahead log into the database file on a thread of its own, off the event loop.
//
// In WAL mode every commit appends to the -wal file; a checkpoint copies those pages into the database and
// syncs both files to disk. SQLite runs one itself on the connection whose commit takes the log past
// `wal_autocheckpoint` pages (1,000 by default): on the bot's one connection that is a request's commit,
// and it holds the event loop through the copy and two fsyncs. A /pull writes about a dozen pages, so
// every eightieth or so paid for it: in the `pull` bench it was a fifth of the p99. Here a worker thread
// with its own connection checkpoints every CHECKPOINT_EVERY_MS (PASSIVE: it never waits for, or blocks,
// the bot's readers and writers), and the bot's own automatic checkpoint is kept only as a fallback, at
// FALLBACK_PAGES, should the worker fall behind or stop.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

export const CHECKPOINT_EVERY_MS = 250;
/** The bot's own automatic checkpoint, past this many pages of log (40 MB at 4 KiB pages). */
export const FALLBACK_PAGES = 10_000;
/** SQLite's own default, restored when the worker fails. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

/** The worker: plain CommonJS, evaluated as is, so it runs the same from the sources, the build and the tests. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    // A busy database or a moment of contention: the next round tries again.
    if (!String(error && error.code).startsWith('SQLITE_BUSY')) {
      clearInterval(timer);
      throw error;
    }
  }
}, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.postMessage('stopped');
});
`;

export interface Checkpointer {
  /** Stops the worker and waits for it to close its connection. */
  stop(): Promise<void>;
}

/**
 * Starts checkpointing `file` in the background and lowers `sqlite`'s own automatic checkpoint to a fallback.
 * `onError` hears once if the worker fails (the fallback then keeps the log bounded).
 */
export function checkpointInBackground(
  sqlite: Database.Database,
  file: string,
  onError: (error: Error) => void,
  everyMs = CHECKPOINT_EVERY_MS,
): Checkpointer {
  sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_PAGES}`);
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { file, driver, everyMs } });
  // It never keeps the process alive: shutdown stops it, and a process that exits without stopping it loses
  // nothing (the log is checkpointed when the database is next opened).
  worker.unref();
  // A worker that fails exits too; its 'exit' settles a stop that was waiting for it.
  let exited = false;
  worker.on('exit', () => {
    exited = true;
  });
  worker.on('error', (error) => {
    sqlite.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
    onError(error);
  });
  let stopping: Promise<void> | undefined;
  return {
    // Once: a store closed twice, or by two shutdown paths at once, waits for the same stop.
    stop: () => {
      stopping ??= (async () => {
        if (exited) return;
        const stopped = new Promise<void>((resolve) => {
          worker.once('message', () => resolve());
          worker.once('exit', () => resolve());
        });
        worker.postMessage('stop');
        await stopped;
        await worker.terminate();
      })();
      return stopping;
    },
  };
}
