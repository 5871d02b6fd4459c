import Database from 'better-sqlite3';
import { join } from 'node:path';
import { FACT } from 'openstory/vocabulary';
import { createGroupCommit } from './group-commit';
import { migrate } from './migrations';
import { prepareIngest } from './sqlite-ingest';
import { factFrom, pageFrom, sessionFrom, userFrom, type Row } from './sqlite-rows';
import type {
  BatchChanges, DeletionCounts, ExportRecord, PageSummary, SessionQuery, Storage, UserSelector, UserSummary,
} from './types';

export const DATABASE_FILE = 'openstory.sqlite';

/**
 * How long the first bundle of a group waits for others before the commit. An fsync costs several
 * milliseconds on ordinary disks; waiting 2 ms lets requests whose bodies are still inflating join
 * the same commit (measured in collector/bench/collector.ts).
 */
const GROUP_COMMIT_WINDOW_MS = 2;

/** Cap on the per-export caches of page and user records; beyond it a cache restarts (memory bound). */
const USER_CACHE_LIMIT = 10_000;

/** Fact tags the SDK judges from other input rather than observes (PageNumDerivedEvents). */
const DERIVED_TAGS = [FACT.thrash, FACT.abandon].map((tag) => `'${tag}'`).join(', ');

const SESSION_COLUMNS = `s.*, u.user_app_key, u.email, u.display_name, u.vars, u.created,
  (SELECT browser FROM pages p WHERE p.org_id = s.org_id AND p.user_id = s.user_id AND p.session_id = s.session_id ORDER BY p.start IS NULL, p.start LIMIT 1) AS browser,
  (SELECT device FROM pages p WHERE p.org_id = s.org_id AND p.user_id = s.user_id AND p.session_id = s.session_id ORDER BY p.start IS NULL, p.start LIMIT 1) AS device,
  (SELECT os FROM pages p WHERE p.org_id = s.org_id AND p.user_id = s.user_id AND p.session_id = s.session_id ORDER BY p.start IS NULL, p.start LIMIT 1) AS os`;

function openDatabase(path: string, readonly: boolean): Database.Database {
  const db = new Database(path, { readonly, fileMustExist: readonly });
  db.pragma('busy_timeout = 5000');
  if (!readonly) {
    db.pragma('journal_mode = WAL');
    // FULL syncs the WAL on every commit: an acknowledged bundle survives power loss, not just a crash.
    db.pragma('synchronous = FULL');
    // Deleted users and expired sessions are overwritten, not just unlinked.
    db.pragma('secure_delete = ON');
  }
  return db;
}

/** The embedded store: one SQLite file in the data directory, WAL mode, created on first start. */
export function openSqliteStorage(dataDir: string): Storage {
  const path = join(dataDir, DATABASE_FILE);
  const db = openDatabase(path, false);
  migrate(db);

  const ingest = prepareIngest(db);
  const statements = {
    exportPeriods: db.prepare(`SELECT DISTINCT ts - (ts % @period) AS start FROM facts
        WHERE org_id = @orgId AND is_row = 1 AND ts >= @from AND ts < @until ORDER BY start LIMIT @limit`),
    listSessions: db.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions s LEFT JOIN users u ON u.org_id = s.org_id AND u.user_id = s.user_id
        WHERE @orgId IS NULL OR s.org_id = @orgId ORDER BY s.last DESC LIMIT @limit`),
    getSession: db.prepare(`SELECT ${SESSION_COLUMNS} FROM sessions s LEFT JOIN users u ON u.org_id = s.org_id AND u.user_id = s.user_id
        WHERE s.org_id = ? AND s.user_id = ? AND s.session_id = ?`),
    sessionBundles: db.prepare(`SELECT b.events FROM bundles b JOIN pages p ON p.org_id = b.org_id AND p.page_id = b.page_id
        WHERE p.org_id = ? AND p.user_id = ? AND p.session_id = ? ORDER BY coalesce(p.start, 0), b.page_id, b.seq`),
    sessionFacts: db.prepare(`SELECT f.* FROM facts f JOIN pages p ON p.org_id = f.org_id AND p.page_id = f.page_id
        WHERE p.org_id = ? AND p.user_id = ? AND p.session_id = ? ORDER BY f.ts, f.page_id, f.seq, f.idx`),
    usersByAppKey: db.prepare('SELECT user_id FROM users WHERE org_id = ? AND user_app_key = ?'),
    sessionsBefore: db.prepare('SELECT user_id, session_id FROM sessions WHERE org_id = ? AND last < ?'),
    pagesOfUser: db.prepare('SELECT page_id FROM pages WHERE org_id = ? AND user_id = ?'),
    pagesOfSession: db.prepare('SELECT page_id FROM pages WHERE org_id = ? AND user_id = ? AND session_id = ?'),
    deleteFactsOfPage: db.prepare('DELETE FROM facts WHERE org_id = ? AND page_id = ?'),
    deleteBundlesOfPage: db.prepare('DELETE FROM bundles WHERE org_id = ? AND page_id = ?'),
    deletePage: db.prepare('DELETE FROM pages WHERE org_id = ? AND page_id = ?'),
    deleteSessionsOfUser: db.prepare('DELETE FROM sessions WHERE org_id = ? AND user_id = ?'),
    deleteSession: db.prepare('DELETE FROM sessions WHERE org_id = ? AND user_id = ? AND session_id = ?'),
    deleteUser: db.prepare('DELETE FROM users WHERE org_id = ? AND user_id = ?'),
    deleteOrphanUsers: db.prepare(
      'DELETE FROM users WHERE org_id = ? AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.org_id = users.org_id AND s.user_id = users.user_id)',
    ),
  };

  const deletePages = (orgId: string, pageIds: string[], counts: DeletionCounts) => {
    for (const pageId of pageIds) {
      statements.deleteFactsOfPage.run(orgId, pageId);
      counts.bundles += statements.deleteBundlesOfPage.run(orgId, pageId).changes;
      counts.pages += statements.deletePage.run(orgId, pageId).changes;
    }
  };
  const pageIds = (rows: unknown[]) => (rows as Row[]).map((row) => row.page_id as string);

  const deleteUserTransaction = db.transaction((orgId: string, selector: UserSelector): DeletionCounts => {
    const counts: DeletionCounts = { users: 0, sessions: 0, pages: 0, bundles: 0 };
    const userIds =
      'userId' in selector
        ? [selector.userId]
        : (statements.usersByAppKey.all(orgId, selector.userAppKey) as Row[]).map((row) => row.user_id as string);
    for (const userId of userIds) {
      deletePages(orgId, pageIds(statements.pagesOfUser.all(orgId, userId)), counts);
      counts.sessions += statements.deleteSessionsOfUser.run(orgId, userId).changes;
      counts.users += statements.deleteUser.run(orgId, userId).changes;
    }
    return counts;
  });

  const retentionTransaction = db.transaction((orgId: string, cutoff: number): DeletionCounts => {
    const counts: DeletionCounts = { users: 0, sessions: 0, pages: 0, bundles: 0 };
    for (const session of statements.sessionsBefore.all(orgId, cutoff) as Row[]) {
      const { user_id: userId, session_id: sessionId } = session as { user_id: string; session_id: string };
      deletePages(orgId, pageIds(statements.pagesOfSession.all(orgId, userId, sessionId)), counts);
      counts.sessions += statements.deleteSession.run(orgId, userId, sessionId).changes;
    }
    if (counts.sessions > 0) counts.users += statements.deleteOrphanUsers.run(orgId).changes;
    return counts;
  });

  /** After a deletion the old pages may still sit in the WAL; fold it into the (zeroed) main file. */
  const checkpoint = () => db.pragma('wal_checkpoint(TRUNCATE)');

  async function* exportRecords(orgId: string, start: number, stop: number): AsyncIterable<ExportRecord> {
    // A connection of its own: the iterator holds it (and a consistent snapshot) while ingest keeps writing.
    const reader = openDatabase(path, true);
    try {
      // Facts stream in time order; their page, session and user are looked up once per page.
      const rows = reader
        .prepare(`SELECT page_id, seq, idx, ts, tag, payload, page_url, num_infos, num_warnings, num_errors FROM facts
          WHERE org_id = ? AND is_row = 1 AND ts >= ? AND ts < ? ORDER BY ts, page_id, seq, idx`)
        .iterate(orgId, start, stop) as IterableIterator<Row>;
      const selectPage = reader.prepare(`SELECT p.*, s.start AS session_start,
          (SELECT count(*) FROM facts f WHERE f.org_id = p.org_id AND f.page_id = p.page_id AND f.is_row = 1) AS num_events,
          (SELECT count(*) FROM facts f WHERE f.org_id = p.org_id AND f.page_id = p.page_id AND f.is_row = 1
            AND f.tag IN (${DERIVED_TAGS})) AS num_derived_events
          FROM pages p
          LEFT JOIN sessions s ON s.org_id = p.org_id AND s.user_id = p.user_id AND s.session_id = p.session_id
          WHERE p.org_id = ? AND p.page_id = ?`);
      const selectUser = reader.prepare('SELECT * FROM users WHERE org_id = ? AND user_id = ?');
      const users = new Map<string, UserSummary>();
      const pages = new Map<string, { page: PageSummary; userId: string; sessionId: string; sessionStart: number } | null>();
      for (const row of rows) {
        const pageId = row.page_id as string;
        let context = pages.get(pageId);
        if (context === undefined) {
          if (pages.size >= USER_CACHE_LIMIT) pages.clear();
          const pageRow = selectPage.get(orgId, pageId) as Row | undefined;
          context = pageRow
            ? {
                page: pageFrom(pageRow),
                userId: pageRow.user_id as string,
                sessionId: pageRow.session_id as string,
                sessionStart: (pageRow.session_start as number | null) ?? (pageRow.start as number | null) ?? 0,
              }
            : null;
          pages.set(pageId, context);
        }
        if (!context) continue;
        let user = users.get(context.userId);
        if (!user) {
          if (users.size >= USER_CACHE_LIMIT) users.clear();
          user = userFrom((selectUser.get(orgId, context.userId) as Row | undefined) ?? {}, context.userId);
          users.set(context.userId, user);
        }
        yield { orgId, fact: factFrom(row), page: context.page, user, sessionId: context.sessionId, sessionStart: context.sessionStart };
      }
    } finally {
      reader.close();
    }
  }

  async function* exportUsers(orgId: string, start: number, stop: number): AsyncIterable<UserSummary> {
    const reader = openDatabase(path, true);
    try {
      // The same key as enrich.individualId, so one Individual's users are adjacent.
      const rows = reader
        .prepare(`SELECT u.*, CASE WHEN coalesce(u.user_app_key, '') = '' THEN 'user:' || u.user_id ELSE 'key:' || u.user_app_key END AS indv
          FROM users u WHERE u.org_id = ? AND EXISTS (SELECT 1 FROM sessions s WHERE s.org_id = u.org_id AND s.user_id = u.user_id
          AND s.last >= ? AND s.start < ?) ORDER BY indv, u.created, u.user_id`)
        .iterate(orgId, start, stop) as IterableIterator<Row>;
      for (const row of rows) yield userFrom(row, row.user_id as string);
    } finally {
      reader.close();
    }
  }

  const commits = createGroupCommit(
    db.transaction((group: BatchChanges[]) => group.map(ingest)),
    GROUP_COMMIT_WINDOW_MS,
  );

  return {
    ingest: commits.submit,
    async exportPeriods(orgId, from, until, periodMs, limit) {
      return (statements.exportPeriods.all({ orgId, from, until, period: periodMs, limit }) as Row[]).map((row) => row.start as number);
    },
    exportRecords,
    exportUsers,
    async listSessions(query: SessionQuery) {
      return (statements.listSessions.all({ orgId: query.orgId ?? null, limit: query.limit }) as Row[]).map(sessionFrom);
    },
    async getSession(orgId, userId, sessionId) {
      const row = statements.getSession.get(orgId, userId, sessionId) as Row | undefined;
      return row && sessionFrom(row);
    },
    async sessionEventsJson(orgId, userId, sessionId) {
      const parts = (statements.sessionBundles.all(orgId, userId, sessionId) as Row[])
        .map((row) => (row.events as string).slice(1, -1))
        .filter((part) => part.length > 0);
      return `[${parts.join(',')}]`;
    },
    async sessionFacts(orgId, userId, sessionId) {
      return (statements.sessionFacts.all(orgId, userId, sessionId) as Row[]).map(factFrom);
    },
    async deleteUser(orgId, selector) {
      const counts = deleteUserTransaction(orgId, selector);
      checkpoint();
      return counts;
    },
    async deleteSessionsBefore(orgId, cutoff) {
      const counts = retentionTransaction(orgId, cutoff);
      if (counts.sessions > 0) checkpoint();
      return counts;
    },
    async close() {
      // Batches accepted before close are committed and answered before the database goes away.
      await commits.close();
      db.close();
    },
  };
}
