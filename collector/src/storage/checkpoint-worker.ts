import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * The SQLite store's checkpointer (storage/sqlite.ts starts it): copies the WAL into the database
 * on a connection of its own, in this thread, so the copy and its fsyncs never block the event
 * loop inside a commit, as SQLite's automatic checkpoint did. PASSIVE never waits for the writer
 * or a reader; what it cannot copy now it copies on a later tick. Its connection keeps SQLite's
 * default synchronous = FULL: the database file is synced before the WAL may be reused.
 */
const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const db = new Database(path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy (a deletion's TRUNCATE checkpoint holds the lock): the next tick tries again.
  }
}, intervalMs);
parentPort?.postMessage({ ready: true });
