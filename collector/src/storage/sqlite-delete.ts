import type { Database } from 'better-sqlite3';
import type { DeletionCounts, UserSelector } from './types';

/**
 * Rows deleted per transaction. Ingest's group commits run between two batches, so a deletion of
 * any size holds the write lock for about a millisecond at a time (measured in
 * collector/test/hostile/deletion.node.test.ts).
 */
const DELETE_BATCH_ROWS = 500;
/** How long a deletion waits for readers (an export) to leave the WAL before answering purged: false. */
const PURGE_WAIT_MS = 1000;
/** Pause between two checkpoint attempts while a reader holds the WAL. */
const PURGE_RETRY_MS = 50;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const yieldToIngest = () => new Promise<void>((resolve) => setImmediate(resolve));
type Row = Record<string, unknown>;

export interface SqliteDeletion {
  deleteUser(orgId: string, selector: UserSelector): Promise<DeletionCounts>;
  deleteSessionsBefore(orgId: string, cutoff: number): Promise<DeletionCounts>;
  /** Stops retrying a checkpoint left pending by a reader (closing the database checkpoints). */
  stop(): void;
}

/**
 * Deletion for good: secure_delete (set on the connection) zeroes freed pages, and a TRUNCATE
 * checkpoint folds the WAL into the file and empties it. Rows go in small transactions with the
 * event loop yielded between them, so ingest keeps committing during a large deletion.
 */
export function prepareDeletion(db: Database): SqliteDeletion {
  const statements = {
    usersByAppKey: db.prepare('SELECT user_id FROM users WHERE org_id = ? AND user_app_key = ?'),
    sessionsBefore: db.prepare('SELECT user_id, session_id FROM sessions WHERE org_id = ? AND last < ?'),
    pagesOfUser: db.prepare('SELECT page_id FROM pages WHERE org_id = ? AND user_id = ?'),
    pagesOfSession: db.prepare('SELECT page_id FROM pages WHERE org_id = ? AND user_id = ? AND session_id = ?'),
    deleteFacts: db.prepare(`DELETE FROM facts WHERE (org_id, page_id, seq, idx) IN
        (SELECT org_id, page_id, seq, idx FROM facts WHERE org_id = ? AND page_id = ? LIMIT ${DELETE_BATCH_ROWS})`),
    deleteBundles: db.prepare(`DELETE FROM bundles WHERE rowid IN
        (SELECT rowid FROM bundles WHERE org_id = ? AND page_id = ? LIMIT ${DELETE_BATCH_ROWS})`),
    deletePage: db.prepare('DELETE FROM pages WHERE org_id = ? AND page_id = ?'),
    deleteStringsOfUser: db.prepare('DELETE FROM strings WHERE org_id = ? AND user_id = ?'),
    deleteStringsOfSession: db.prepare('DELETE FROM strings WHERE org_id = ? AND user_id = ? AND session_id = ?'),
    deleteSessionsOfUser: db.prepare('DELETE FROM sessions WHERE org_id = ? AND user_id = ?'),
    deleteSession: db.prepare('DELETE FROM sessions WHERE org_id = ? AND user_id = ? AND session_id = ?'),
    deleteUser: db.prepare('DELETE FROM users WHERE org_id = ? AND user_id = ?'),
    deleteOrphanUsers: db.prepare(
      'DELETE FROM users WHERE org_id = ? AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.org_id = users.org_id AND s.user_id = users.user_id)',
    ),
  };
  const inBatch = db.transaction((work: () => number) => work());
  let retry: ReturnType<typeof setTimeout> | undefined;

  /** Deletes one page's facts and bundles a batch at a time, then the page row. */
  async function deletePage(orgId: string, pageId: string, counts: DeletionCounts): Promise<void> {
    while (inBatch(() => statements.deleteFacts.run(orgId, pageId).changes) === DELETE_BATCH_ROWS) await yieldToIngest();
    for (;;) {
      const deleted = inBatch(() => statements.deleteBundles.run(orgId, pageId).changes);
      counts.bundles += deleted;
      await yieldToIngest();
      if (deleted < DELETE_BATCH_ROWS) break;
    }
    counts.pages += inBatch(() => statements.deletePage.run(orgId, pageId).changes);
  }

  /** One TRUNCATE checkpoint that never waits for readers (a wait would block the event loop). */
  function checkpointNow(): boolean {
    const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
    db.pragma('busy_timeout = 0');
    try {
      const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
      return result.busy === 0;
    } finally {
      db.pragma(`busy_timeout = ${busyTimeout}`);
    }
  }

  /** Checkpoints, waiting up to PURGE_WAIT_MS for readers; past that, keeps retrying in the background. */
  async function purge(): Promise<boolean> {
    clearTimeout(retry);
    const deadline = Date.now() + PURGE_WAIT_MS;
    while (!checkpointNow()) {
      if (Date.now() >= deadline) {
        const again = () => {
          retry = checkpointNow() ? undefined : setTimeout(again, PURGE_RETRY_MS);
          retry?.unref();
        };
        again();
        return false;
      }
      await pause(PURGE_RETRY_MS);
    }
    return true;
  }

  const zero = (): DeletionCounts => ({ users: 0, sessions: 0, pages: 0, bundles: 0 });
  const pageIds = (rows: unknown[]) => (rows as Row[]).map((row) => row.page_id as string);

  return {
    async deleteUser(orgId, selector) {
      const counts = zero();
      const userIds =
        'userId' in selector
          ? [selector.userId]
          : (statements.usersByAppKey.all(orgId, selector.userAppKey) as Row[]).map((row) => row.user_id as string);
      for (const userId of userIds) {
        for (const pageId of pageIds(statements.pagesOfUser.all(orgId, userId))) await deletePage(orgId, pageId, counts);
        inBatch(() => statements.deleteStringsOfUser.run(orgId, userId).changes);
        counts.sessions += inBatch(() => statements.deleteSessionsOfUser.run(orgId, userId).changes);
        counts.users += inBatch(() => statements.deleteUser.run(orgId, userId).changes);
      }
      return { ...counts, purged: await purge() };
    },
    async deleteSessionsBefore(orgId, cutoff) {
      const counts = zero();
      for (const session of statements.sessionsBefore.all(orgId, cutoff) as Row[]) {
        const { user_id: userId, session_id: sessionId } = session as { user_id: string; session_id: string };
        for (const pageId of pageIds(statements.pagesOfSession.all(orgId, userId, sessionId))) await deletePage(orgId, pageId, counts);
        inBatch(() => statements.deleteStringsOfSession.run(orgId, userId, sessionId).changes);
        counts.sessions += inBatch(() => statements.deleteSession.run(orgId, userId, sessionId).changes);
      }
      if (counts.sessions === 0) return counts;
      counts.users += inBatch(() => statements.deleteOrphanUsers.run(orgId).changes);
      return { ...counts, purged: await purge() };
    },
    stop() {
      clearTimeout(retry);
    },
  };
}
