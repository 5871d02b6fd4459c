import { FACT } from 'openstory/vocabulary';
import { boundedCache } from './bounded-cache';
import { deleteClickHouseRows } from './clickhouse-delete';
import { foldPage, foldUser, type BundleMeta } from './clickhouse-fold';
import { META_COLUMNS, ONCE, writeGroup } from './clickhouse-ingest';
import { localTable } from './clickhouse-schema';
import { placeClickHouse } from './clickhouse-cluster';
import { clickHouseInsights } from './clickhouse-insights';
import { clickHouseSegments, searchClickHouse, summarize } from './clickhouse-search';
import { RAGE_BURSTS } from './clickhouse-search-sql';
import { num, parseClickHouseUrl, selectRows, str, streamRows } from './clickhouse-sql';
import { createGroupCommit } from './group-commit';
import { factFrom, pageFrom, userFrom, type Row } from './sqlite-rows';
import { pagesFrom, type BatchChanges, type BundleCursor, type ExportRecord, type IngestResult, type PageSummary, type Storage, type StoredBundle, type StoredFact, type UserSummary } from './types';

/**
 * How long the first bundle of a group waits for others before the INSERT. ClickHouse wants few
 * large inserts (each one is a part on disk, merged later); a few milliseconds gather the bundles
 * of concurrent requests into one.
 */
const GROUP_COMMIT_WINDOW_MS = 5;
/** Cap on the per-export caches of page and user records, as in the SQLite store. */
const CACHE_LIMIT = 10_000;
const DERIVED_TAGS: ReadonlySet<string> = new Set([FACT.thrash, FACT.abandon]);

const FACT_ROWS = `ARRAY JOIN fact_idx AS idx, fact_ts AS ts, fact_tag AS tag, fact_payload AS payload, fact_page_url AS page_url,
  fact_num_infos AS num_infos, fact_num_warnings AS num_warnings, fact_num_errors AS num_errors, fact_is_row AS is_row`;
const FACT_SOURCE = (where: string) => `(SELECT org_id, page_id, seq, fact_idx, fact_ts, fact_tag, fact_payload, fact_page_url,
  fact_num_infos, fact_num_warnings, fact_num_errors, fact_is_row FROM bundles WHERE ${where} ${ONCE})`;
const SESSIONS = (where: string, having = '1') => `SELECT org_id, user_id, session_id, min(first_seen) AS start, max(last_seen) AS last,
  uniqExact(page_id) AS pages, sum(n_events) AS events, sum(rage_bursts) AS rage_clicks, sum(dead_clicks) AS dead_clicks,
  sum(error_clicks) AS error_clicks, sum(errors) AS errors, count() AS bundles
  FROM (SELECT org_id, page_id, seq, user_id, session_id, first_seen, last_seen, n_events, ${RAGE_BURSTS} AS rage_bursts, dead_clicks, error_clicks, errors
    FROM bundles WHERE ${where} ${ONCE})
  GROUP BY org_id, user_id, session_id HAVING ${having}`;

/**
 * The distributed store: one ClickHouse database (storage/clickhouse-schema.ts), created on first start,
 * on one server or over a cluster's servers (storage/clickhouse-cluster.ts).
 */
export async function openClickHouseStorage(storageUrl: string, now = Date.now): Promise<Storage> {
  const placement = await placeClickHouse(parseClickHouseUrl(storageUrl), now());
  const { client } = placement;

  // One write at a time: each group's checks read what the previous group stored.
  const commits = createGroupCommit((group: BatchChanges[]) => writeGroup(client, group), GROUP_COMMIT_WINDOW_MS, true);

  const metaOf = (where: string) => selectRows<BundleMeta>(client, `SELECT ${META_COLUMNS}, fact_tag, fact_is_row FROM bundles WHERE ${where} ${ONCE}`);
  const orgIs = (orgId: string) => `org_id = ${str(orgId)}`;

  /** Users rows: every bundle a user sent or was identified in (identities are rare: only FS.identify sets them). */
  async function usersOf(orgId: string, userIds: string[]): Promise<Map<string, UserSummary>> {
    const users = new Map<string, UserSummary>();
    if (userIds.length === 0) return users;
    const rows = await metaOf(`${orgIs(orgId)} AND (user_id IN (${userIds.map(str).join(', ')}) OR identities != '[]')`);
    for (const userId of userIds) users.set(userId, userFrom(foldUser(userId, rows) ?? {}, userId));
    return users;
  }

  /** Session rows with their users and the agent of their first page, as SQLite's SELECT_SESSIONS. */
  const sessionsFrom = (rows: Row[]) => summarize(client, usersOf, rows);

  async function* exportRecords(orgId: string, start: number, stop: number): AsyncIterable<ExportRecord> {
    const rows = streamRows<Row>(client, `SELECT page_id, seq, idx, ts, tag, payload, page_url, num_infos, num_warnings, num_errors
      FROM ${FACT_SOURCE(`${orgIs(orgId)} AND has(fact_is_row, 1)`)} ${FACT_ROWS}
      WHERE is_row = 1 AND ts >= ${num(start)} AND ts < ${num(stop)} ORDER BY ts, page_id, seq, idx`);
    // The caches hold the lookups' promises: a page's rows arrive together, so each is looked up once.
    const pages = boundedCache<string, Promise<{ page: PageSummary; userId: string; sessionId: string; sessionStart: number } | null>>(CACHE_LIMIT);
    const users = boundedCache<string, Promise<UserSummary>>(CACHE_LIMIT);
    for await (const row of rows) {
      const pageId = row.page_id as string;
      const context = await pages(pageId, async () => {
        const pageRow = foldPage(await metaOf(`${orgIs(orgId)} AND page_id = ${str(pageId)}`), DERIVED_TAGS);
        const [session] = pageRow
          ? await selectRows<{ start: number }>(client, `SELECT min(first_seen) AS start FROM bundles WHERE ${orgIs(orgId)}
              AND user_id = ${str(pageRow.user_id as string)} AND session_id = ${str(pageRow.session_id as string)}`)
          : [];
        return pageRow
          ? { page: pageFrom(pageRow), userId: pageRow.user_id as string, sessionId: pageRow.session_id as string,
              sessionStart: session?.start ?? (pageRow.start as number | null) ?? 0 }
          : null;
      });
      if (!context) continue;
      const user = await users(context.userId, async () => (await usersOf(orgId, [context.userId])).get(context.userId)!);
      yield { orgId, fact: factFrom(row), page: context.page, user, sessionId: context.sessionId, sessionStart: context.sessionStart };
    }
  }

  async function* sessionEvents(orgId: string, userId: string, sessionId: string, after?: BundleCursor): AsyncIterable<StoredBundle> {
    const session = `${orgIs(orgId)} AND user_id = ${str(userId)} AND session_id = ${str(sessionId)}`;
    const pages = await selectRows<{ page_id: string; start: number }>(client, `SELECT page_id, ifNull(max(page_start), 0) AS start
      FROM bundles WHERE ${session} GROUP BY page_id ORDER BY start, page_id`);
    // Page by page, bundles in seq order, so one bundle at a time is in memory.
    for (const pageId of pagesFrom(pages.map((page) => page.page_id), after)) {
      const from = pageId === after?.pageId ? after.seq : -1;
      for await (const row of streamRows<{ seq: number; events: string }>(client, `SELECT seq, events FROM bundles WHERE ${session}
          AND page_id = ${str(pageId)} AND seq > ${num(from)} ORDER BY seq LIMIT 1 BY seq`)) yield { pageId, seq: Number(row.seq), events: row.events };
    }
  }

  async function* exportUsers(orgId: string, start: number, stop: number): AsyncIterable<UserSummary> {
    const active = await selectRows<{ user_id: string }>(client, `SELECT DISTINCT user_id FROM (${SESSIONS(orgIs(orgId),
      `last >= ${num(start)} AND start < ${num(stop)}`)})`);
    const users = [...(await usersOf(orgId, active.map((row) => row.user_id))).values()];
    // The same order as the SQLite store: enrich.individualId's key, then created, then user id.
    const individual = (user: UserSummary) => (user.userAppKey ? `key:${user.userAppKey}` : `user:${user.userId}`);
    const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    users.sort((a, b) => compare(individual(a), individual(b)) || a.created - b.created || compare(a.userId, b.userId));
    yield* users;
  }

  async function sessionFacts(orgId: string, userId: string, sessionId: string): Promise<StoredFact[]> {
    const rows = await selectRows<Row>(client, `SELECT page_id, seq, idx, ts, tag, payload, page_url, num_infos, num_warnings, num_errors
      FROM ${FACT_SOURCE(`${orgIs(orgId)} AND user_id = ${str(userId)} AND session_id = ${str(sessionId)}`)} ${FACT_ROWS}
      ORDER BY ts, page_id, seq, idx`);
    return rows.map(factFrom);
  }

  const deletion = deleteClickHouseRows({ client, servers: placement.servers, table: localTable('bundles', placement.layout) },
    (orgId, userIds) => usersOf(orgId, userIds), SESSIONS);

  return {
    ingest: (changes): Promise<IngestResult> => commits.submit(changes),
    async pageOwner(orgId, pageId) {
      const row = foldPage(await metaOf(`${orgIs(orgId)} AND page_id = ${str(pageId)}`), DERIVED_TAGS);
      return row && { userId: row.user_id as string, sessionId: row.session_id as string, clockOffset: row.clock_offset as number | null };
    },
    async exportPeriods(orgId, from, until, periodMs, limit) {
      const rows = await selectRows<{ start: number }>(client, `SELECT DISTINCT ts - (ts % ${num(periodMs)}) AS start
        FROM ${FACT_SOURCE(`${orgIs(orgId)} AND has(fact_is_row, 1)`)} ${FACT_ROWS}
        WHERE is_row = 1 AND ts >= ${num(from)} AND ts < ${num(until)} ORDER BY start LIMIT ${num(limit)}`);
      return rows.map((row) => row.start);
    },
    exportRecords,
    exportUsers,
    async listSessions(query) {
      const where = query.orgId === undefined ? '1' : orgIs(query.orgId);
      return sessionsFrom(await selectRows<Row>(client, `${SESSIONS(where)} ORDER BY last DESC LIMIT ${num(query.limit)}`));
    },
    searchSessions: (search) => searchClickHouse(client, usersOf, search),
    ...clickHouseSegments(client, now),
    async getSession(orgId, userId, sessionId) {
      const rows = await selectRows<Row>(client, SESSIONS(`${orgIs(orgId)} AND user_id = ${str(userId)} AND session_id = ${str(sessionId)}`));
      return (await sessionsFrom(rows))[0];
    },
    sessionEvents,
    async sessionStrings(orgId, userId, sessionId, ids) {
      if (ids.length === 0) return new Map();
      const wanted = `[${ids.map(str).join(', ')}]`;
      const rows = await selectRows<{ id: string; text: string }>(client, `SELECT id, text FROM
        (SELECT string_ids, string_texts FROM bundles WHERE ${orgIs(orgId)} AND user_id = ${str(userId)} AND session_id = ${str(sessionId)}
          AND hasAny(string_ids, ${wanted}))
        ARRAY JOIN string_ids AS id, string_texts AS text WHERE has(${wanted}, id) LIMIT 1 BY id`);
      return new Map(rows.map((row) => [row.id, row.text]));
    },
    sessionFacts,
    ...clickHouseInsights(client),
    deleteUser: deletion.deleteUser,
    deleteSessionsBefore: deletion.deleteSessionsBefore,
    async close() {
      await commits.close();
      await placement.close();
    },
  };
}

