import Database from 'better-sqlite3';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { FACT } from 'openstory/vocabulary';
import { createGroupCommit, type Outcome } from './group-commit';
import { boundedCache } from './bounded-cache';
import { migrate } from './migrations';
import { startCheckpointer, walSyncer } from './sqlite-wal';
import { prepareDeletion } from './sqlite-delete';
import { prepareIngest } from './sqlite-ingest';
import { sqliteInsights } from './sqlite-insights';
import { prepareSegments, searchSessions } from './sqlite-search';
import { factFrom, pageFrom, sessionFrom, storedEventsText, userFrom, type Row } from './sqlite-rows';
import { pagesFrom, type BatchChanges, type BundleCursor, type ExportRecord, type IngestResult, type PageSummary, type SessionQuery, type Storage, type StoredBundle, type UserSummary } from './types';

export const DATABASE_FILE = 'openstory.sqlite';
/** The database holds recordings and emails: readable by the collector's user only. */
const PRIVATE_FILE_MODE = 0o600;

/**
 * How long the first bundle of a group waits for others before the commit. An fsync costs several
 * milliseconds on ordinary disks; waiting 2 ms lets requests whose bodies are still inflating join
 * the same commit (measured in collector/bench/collector.ts).
 */
const GROUP_COMMIT_WINDOW_MS = 2;

/** Cap on the per-export caches of page and user records; beyond it a cache restarts (memory bound). */
const EXPORT_CACHE_LIMIT = 10_000;

/** Fact tags the SDK judges from other input rather than observes (PageNumDerivedEvents). */
const DERIVED_TAGS = [FACT.thrash, FACT.abandon].map((tag) => `'${tag}'`).join(', ');

/**
 * Session rows with their user and the agent and location of their first page: the start of every
 * session query (list, get, search), which adds its own WHERE. The first page is looked up once
 * per row and joined by its key. INDEXED BY: without statistics SQLite reads a session's pages
 * through the primary key (org_id, page_id), a scan of the whole org per session
 * (collector/bench/search.ts found it).
 */
const SELECT_SESSIONS = `SELECT s.*, u.user_app_key, u.email, u.display_name, u.vars, u.created,
  fp.browser, fp.device, fp.os, fp.country, fp.city
  FROM sessions s LEFT JOIN users u ON u.org_id = s.org_id AND u.user_id = s.user_id
  LEFT JOIN pages fp ON fp.org_id = s.org_id AND fp.page_id = (SELECT p.page_id FROM pages p INDEXED BY pages_by_session
    WHERE p.org_id = s.org_id AND p.user_id = s.user_id AND p.session_id = s.session_id ORDER BY p.start IS NULL, p.start LIMIT 1)`;

function openDatabase(path: string, readonly: boolean): Database.Database {
  const db = new Database(path, { readonly, fileMustExist: readonly });
  db.pragma('busy_timeout = 5000');
  if (!readonly) {
    db.pragma('journal_mode = WAL');
    // NORMAL: a commit does not fsync on the event loop (an fsync blocks it for milliseconds, measured
    // here: 2-4 ms). Every write that answers is followed by walSyncer's sync (sqlite-wal.ts), an fsync of the WAL in libuv's
    // thread pool, before its answer: an acknowledged bundle survives power loss, as with FULL.
    // SQLite itself syncs the WAL before a checkpoint and the database file after one.
    db.pragma('synchronous = NORMAL');
    // Deleted users and expired sessions are overwritten, not just unlinked.
    db.pragma('secure_delete = ON');
  }
  return db;
}

/** The embedded store: one SQLite file in the data directory, WAL mode, created on first start. */
export function openSqliteStorage(dataDir: string): Storage {
  const path = join(dataDir, DATABASE_FILE);
  // Created owner-only before SQLite opens it: SQLite gives its WAL and shm files the same mode.
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  const db = openDatabase(path, false);
  migrate(db);

  const checkpointer = startCheckpointer(db, path);
  const ingest = prepareIngest(db);
  const statements = {
    // CAST: ingest stores integer timestamps, but a database from before that may hold fractional ones, and
    // SQLite's % truncates its operands, so `ts - ts % period` would be fractional; a period starts on a whole millisecond.
    exportPeriods: db.prepare(`SELECT DISTINCT CAST(ts AS INTEGER) - (CAST(ts AS INTEGER) % @period) AS start FROM facts
        WHERE org_id = @orgId AND is_row = 1 AND ts >= @from AND ts < @until ORDER BY start LIMIT @limit`),
    listSessions: db.prepare(`${SELECT_SESSIONS}
        WHERE @orgId IS NULL OR s.org_id = @orgId ORDER BY s.last DESC LIMIT @limit`),
    getSession: db.prepare(`${SELECT_SESSIONS}
        WHERE s.org_id = ? AND s.user_id = ? AND s.session_id = ?`),
    sessionFacts: db.prepare(`SELECT f.* FROM facts f JOIN pages p ON p.org_id = f.org_id AND p.page_id = f.page_id
        WHERE p.org_id = ? AND p.user_id = ? AND p.session_id = ? ORDER BY f.ts, f.page_id, f.seq, f.idx`),
    pageOwner: db.prepare('SELECT user_id, session_id, clock_offset FROM pages WHERE org_id = ? AND page_id = ?'),
    sessionStrings: db.prepare(`SELECT id, text FROM strings
        WHERE org_id = ? AND user_id = ? AND session_id = ? AND id IN (SELECT value FROM json_each(?))`),
  };

  const deletion = prepareDeletion(db);
  const segments = prepareSegments(db);

  async function* exportRecords(orgId: string, start: number, stop: number): AsyncIterable<ExportRecord> {
    // A connection of its own: the iterator holds it (and a consistent snapshot) while ingest keeps writing.
    const reader = openDatabase(path, true);
    try {
      // Facts stream in time order; their page, session and user are looked up once per page.
      const rows = reader
        .prepare(`SELECT page_id, seq, idx, ts, tag, payload, page_url, num_infos, num_warnings, num_errors FROM facts
          WHERE org_id = ? AND is_row = 1 AND ts >= ? AND ts < ? ORDER BY ts, page_id, seq, idx`)
        .iterate(orgId, start, stop) as IterableIterator<Row>;
      // `+f.is_row` keeps SQLite off facts_rows_by_time (org_id, is_row, ts) for these counts: through
      // that index each page's count read every row fact of the org, and a 1,000,000-event export
      // took 122 s instead of 11 s (BENCHMARKS.md); the primary key reads only the page's facts.
      const selectPage = reader.prepare(`SELECT p.*, s.start AS session_start,
          (SELECT count(*) FROM facts f WHERE f.org_id = p.org_id AND f.page_id = p.page_id AND +f.is_row = 1) AS num_events,
          (SELECT count(*) FROM facts f WHERE f.org_id = p.org_id AND f.page_id = p.page_id AND +f.is_row = 1
            AND f.tag IN (${DERIVED_TAGS})) AS num_derived_events
          FROM pages p
          LEFT JOIN sessions s ON s.org_id = p.org_id AND s.user_id = p.user_id AND s.session_id = p.session_id
          WHERE p.org_id = ? AND p.page_id = ?`);
      const selectUser = reader.prepare('SELECT * FROM users WHERE org_id = ? AND user_id = ?');
      const users = boundedCache<string, UserSummary>(EXPORT_CACHE_LIMIT);
      const pages = boundedCache<string, { page: PageSummary; userId: string; sessionId: string; sessionStart: number } | null>(EXPORT_CACHE_LIMIT);
      for (const row of rows) {
        const context = pages(row.page_id as string, () => {
          const pageRow = selectPage.get(orgId, row.page_id) as Row | undefined;
          return pageRow
            ? {
                page: pageFrom(pageRow),
                userId: pageRow.user_id as string,
                sessionId: pageRow.session_id as string,
                sessionStart: (pageRow.session_start as number | null) ?? (pageRow.start as number | null) ?? 0,
              }
            : null;
        });
        if (!context) continue;
        const user = users(context.userId, () => userFrom((selectUser.get(orgId, context.userId) as Row | undefined) ?? {}, context.userId));
        yield { orgId, fact: factFrom(row), page: context.page, user, sessionId: context.sessionId, sessionStart: context.sessionStart };
      }
    } finally {
      reader.close();
    }
  }

  async function* sessionEvents(orgId: string, userId: string, sessionId: string, after?: BundleCursor): AsyncIterable<StoredBundle> {
    // Its own connection, like exportRecords: a slow reader of a large session never holds the writer.
    const reader = openDatabase(path, true);
    try {
      const pageIds = (reader.prepare('SELECT page_id FROM pages WHERE org_id = ? AND user_id = ? AND session_id = ? ORDER BY coalesce(start, 0), page_id')
        .all(orgId, userId, sessionId) as Row[]).map((row) => row.page_id as string);
      // Page by page through the primary key, so no sort ever holds the session's events.
      const bundles = reader.prepare('SELECT seq, events, events_deflated FROM bundles WHERE org_id = ? AND page_id = ? AND seq > ? ORDER BY seq');
      for (const pageId of pagesFrom(pageIds, after)) {
        const rows = bundles.iterate(orgId, pageId, pageId === after?.pageId ? after.seq : -1) as IterableIterator<Row>;
        for (const row of rows) yield { pageId, seq: row.seq as number, events: storedEventsText(row) };
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

  // The group in one transaction. Should a bundle fail anyway, the whole transaction rolls back and
  // the group is written again with each bundle in a savepoint of its own: the failing one is
  // rolled back alone and only its request gets the error; the others commit with the group. Two
  // statements a bundle fewer on the usual path (the savepoint and its release).
  const ingestOne = db.transaction(ingest);
  const writeAll = db.transaction((group: BatchChanges[]): Array<Outcome<IngestResult>> => group.map((changes) => ({ value: ingest(changes) })));
  const writeEach = db.transaction((group: BatchChanges[]): Array<Outcome<IngestResult>> =>
    group.map((changes) => {
      try {
        return { value: ingestOne(changes) };
      } catch (error) {
        return { error };
      }
    }),
  );
  const writeGroup = (group: BatchChanges[]) => {
    try {
      return writeAll(group);
    } catch {
      return writeEach(group);
    }
  };
  const wal = walSyncer(path);
  const durable = () => wal.sync();
  // While one group's WAL sync runs in the thread pool, the event loop reads and commits the next.
  const commits = createGroupCommit(async (group: BatchChanges[]) => {
    const outcomes = writeGroup(group);
    await durable();
    return outcomes;
  }, GROUP_COMMIT_WINDOW_MS);
  /** A write's answer waits for its sync, as ingest's does. */
  const synced = <Args extends unknown[], Result>(write: (...args: Args) => Promise<Result>) => async (...args: Args) => {
    const result = await write(...args);
    await durable();
    return result;
  };

  return {
    ingest: commits.submit,
    async pageOwner(orgId, pageId) {
      const row = statements.pageOwner.get(orgId, pageId) as Row | undefined;
      return row && { userId: row.user_id as string, sessionId: row.session_id as string, clockOffset: row.clock_offset as number | null };
    },
    async exportPeriods(orgId, from, until, periodMs, limit) {
      return (statements.exportPeriods.all({ orgId, from, until, period: periodMs, limit }) as Row[]).map((row) => row.start as number);
    },
    exportRecords,
    exportUsers,
    async listSessions(query: SessionQuery) {
      return (statements.listSessions.all({ orgId: query.orgId ?? null, limit: query.limit }) as Row[]).map(sessionFrom);
    },
    async searchSessions(search) {
      return searchSessions(db, SELECT_SESSIONS, search);
    },
    ...segments,
    saveSegment: synced(segments.saveSegment),
    async getSession(orgId, userId, sessionId) {
      const row = statements.getSession.get(orgId, userId, sessionId) as Row | undefined;
      return row && sessionFrom(row);
    },
    sessionEvents,
    async sessionStrings(orgId, userId, sessionId, ids) {
      const rows = statements.sessionStrings.all(orgId, userId, sessionId, JSON.stringify(ids)) as Row[];
      return new Map(rows.map((row) => [row.id as string, row.text as string]));
    },
    async sessionFacts(orgId, userId, sessionId) {
      return (statements.sessionFacts.all(orgId, userId, sessionId) as Row[]).map(factFrom);
    },
    ...sqliteInsights(() => openDatabase(path, true)),
    deleteUser: synced(deletion.deleteUser),
    deleteSessionsBefore: synced(deletion.deleteSessionsBefore),
    async close() {
      // Batches accepted before close are committed and answered before the database goes away.
      await commits.close();
      deletion.stop();
      await checkpointer.stop();
      db.close();
      wal.close();
    },
  };
}
