import type Database from 'better-sqlite3';
import { closeSync, fsync, open as openFile } from 'node:fs';
import { startWorker } from '../worker-thread';

/**
 * The SQLite store's WAL, off the event loop: the fsync that makes a commit durable (libuv's
 * thread pool) and the checkpoints that copy the WAL into the database (a thread of their own).
 */

/**
 * How often the checkpointer thread (storage/checkpoint-worker.ts) copies the WAL into the
 * database. SQLite's automatic checkpoint ran inside a commit, on the event loop: timing every
 * group write of collector/bench/collector.ts (measured here, load 12–14), 21–39 of 416–491 writes
 * took over 5 ms, up to 433 ms; with this thread, 1–8 of 427–433, and the writes 319–341 ms in all
 * against 473–608 ms in the same minutes. A PASSIVE checkpoint with nothing to copy returns at once.
 */
const CHECKPOINT_INTERVAL_MS = 1000;
/** SQLite's own wal_autocheckpoint default, in pages: back in force whenever the checkpointer is not running. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

/**
 * Makes every commit so far durable: fsync of the WAL file, off the event loop. fsync flushes the
 * file, not one descriptor's writes, so a descriptor of our own covers SQLite's writes. It is
 * opened once and kept: SQLite keeps the WAL file while the database is open (a TRUNCATE
 * checkpoint empties it in place), and a FileHandle opened and closed per commit cost the event
 * loop more than the commit's statements (measured here: collector/bench/collector.ts profile).
 */
export function walSyncer(path: string): { sync(): Promise<void>; close(): void } {
  let descriptor: Promise<number> | undefined;
  // A failed open is not kept: the next sync tries again.
  const opened = () =>
    (descriptor ??= new Promise<number>((resolve, reject) => openFile(`${path}-wal`, 'r', (error, fd) => (error ? reject(error) : resolve(fd)))).catch((error) => {
      descriptor = undefined;
      throw error;
    }));
  return {
    async sync() {
      const fd = await opened();
      await new Promise<void>((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));
    },
    close() {
      const closing = descriptor;
      descriptor = undefined;
      void closing?.then(closeSync, () => undefined);
    },
  };
}

/**
 * Checkpoints off the event loop: the writer's automatic checkpoint is turned off once the
 * checkpointer thread says it runs, and back on if that thread ever stops, so the WAL never grows
 * without bound. stop() ends the thread before the database closes (which checkpoints itself).
 */
export function startCheckpointer(db: Database.Database, path: string): { stop(): Promise<void> } {
  let stopping = false;
  const worker = startWorker(new URL('./checkpoint-worker.js', import.meta.url), new URL('./checkpoint-worker.ts', import.meta.url), {
    workerData: { path, intervalMs: CHECKPOINT_INTERVAL_MS },
  });
  worker.once('message', () => {
    if (!stopping) db.pragma('wal_autocheckpoint = 0');
  });
  // The thread never keeps the process alive by itself: close() or the process's end stops it.
  worker.unref();
  worker.on('error', (error) => console.error(`[openstory collector] the checkpointer stopped: ${error.message}`));
  worker.once('exit', () => {
    if (!stopping) db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
  });
  return {
    async stop() {
      stopping = true;
      await worker.terminate();
    },
  };
}
