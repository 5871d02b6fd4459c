import type { ClickHouseClient } from '@clickhouse/client';
import { pageTests, RAGE_BURSTS, sessionTests, userTests } from './clickhouse-search-sql';
import { decodeCursor, encodeCursor, frustrationScore } from './search';
import { num, selectRows, str, tuple, tuplesIn } from './clickhouse-sql';
import { sessionFrom, type Row } from './sqlite-rows';
import type { PageRecord, SavedSegment, SessionFilters, SessionPage, SessionSearch, SessionSummary, UserSummary } from './types';

/** The users rows of an org's users (storage/clickhouse.ts, folded from their bundles). */
export type UsersOf = (orgId: string, userIds: string[]) => Promise<Map<string, UserSummary>>;

/** The bundle columns a search reads: never the events. */
const COLUMNS = `org_id, page_id, seq, user_id, session_id, received_at, first_seen, last_seen, n_events, dead_clicks, error_clicks, errors,
  page, page_state, fact_tag, fact_payload, fact_page_url`;
/** frustrationScore over the session sums below. */
const SCORE = 'rage_clicks + dead_clicks + error_clicks';

/**
 * One session search as one query: the org's bundle rows (deduplicated as every read does) are
 * grouped by page, where each page-level filter is a 0/1 column, then by session, where HAVING
 * keeps the sessions some page of which passes each page test and whose sums pass the session
 * tests; ORDER BY and LIMIT serve the page and the cursor (keyset, as sqlite-search.ts).
 */
export function searchQuery(search: SessionSearch, after?: Array<string | number>): string {
  const orgWhere = search.orgId === undefined ? '1' : `org_id = ${str(search.orgId)}`;
  const tests = pageTests(search);
  const byFrustration = search.order === 'frustration';
  const key = [...(byFrustration ? [`(${SCORE})`] : []), 'last', 'org_id', 'user_id', 'session_id'];
  const having = [...tests.map((_, index) => `max(t${index}) = 1`), ...sessionTests(search), ...(after ? [`(${key.join(', ')}) < ${tuple(after)}`] : [])];
  return `SELECT org_id, user_id, session_id, min(page_start) AS start, max(page_last) AS last, count() AS pages, sum(page_events) AS events,
      sum(page_rage) AS rage_clicks, sum(page_dead) AS dead_clicks, sum(page_error) AS error_clicks, sum(page_errors) AS errors, sum(page_bundles) AS bundles
    FROM (SELECT org_id, user_id, session_id, page_id, min(first_seen) AS page_start, max(last_seen) AS page_last, sum(n_events) AS page_events,
        sum(${RAGE_BURSTS}) AS page_rage, sum(dead_clicks) AS page_dead, sum(error_clicks) AS page_error, sum(errors) AS page_errors,
        count() AS page_bundles${tests.map((test, index) => `, ${test} AS t${index}`).join('')}
      FROM (SELECT ${COLUMNS} FROM bundles WHERE ${[orgWhere, ...userTests(search, orgWhere)].join(' AND ')} LIMIT 1 BY org_id, page_id, seq)
      GROUP BY org_id, user_id, session_id, page_id)
    GROUP BY org_id, user_id, session_id
    HAVING ${having.length ? having.join(' AND ') : '1'}
    ORDER BY ${key.map((part) => `${part} DESC`).join(', ')} LIMIT ${num(search.limit + 1)}`;
}

/** A cursor's key when it fits the order's column types (a forged one starts over, as on SQLite). */
function cursorKey(search: SessionSearch): Array<string | number> | undefined {
  const numbers = search.order === 'frustration' ? 2 : 1;
  const key = search.cursor === undefined ? undefined : decodeCursor(search.cursor, numbers + 3);
  const fits = key?.every((part, index) => typeof part === (index < numbers ? 'number' : 'string') && (typeof part === 'string' || Number.isFinite(part)));
  return fits ? key : undefined;
}

/**
 * Session rows as SessionSummary: their users and the agent and location of their first page, with
 * one query per org for the users and one for all first pages, however many rows.
 */
export async function summarize(client: ClickHouseClient, usersOf: UsersOf, rows: Row[]): Promise<SessionSummary[]> {
  if (rows.length === 0) return [];
  const ids = (row: Row) => [row.org_id as string, row.user_id as string, row.session_id as string];
  const orgs = [...new Set(rows.map((row) => row.org_id as string))];
  // The org condition alone lets the sort key (org_id, …) skip other orgs' granules.
  const firstPages = await selectRows<Row>(client, `SELECT org_id, user_id, session_id,
      argMin(page, tuple(isNull(page_start), ifNull(page_start, 0))) AS first_page
    FROM bundles WHERE org_id IN (${orgs.map(str).join(', ')}) AND ${tuplesIn(['org_id', 'user_id', 'session_id'], rows.map(ids))} AND page != ''
    GROUP BY org_id, user_id, session_id`);
  const pageOf = new Map(firstPages.map((row) => [JSON.stringify(ids(row)), JSON.parse(row.first_page as string) as Partial<PageRecord>]));
  const users = new Map<string, Map<string, UserSummary>>();
  for (const orgId of orgs) {
    users.set(orgId, await usersOf(orgId, [...new Set(rows.filter((row) => row.org_id === orgId).map((row) => row.user_id as string))]));
  }
  return rows.map((row) => {
    const page = pageOf.get(JSON.stringify(ids(row))) ?? {};
    const agent: Partial<PageRecord['agent']> = page.agent ?? {};
    const summary = sessionFrom({ ...row, browser: agent.PageBrowser, device: agent.PageDevice, os: agent.PageOperatingSystem,
      country: page.location?.country, city: page.location?.city });
    return { ...summary, user: users.get(row.org_id as string)!.get(row.user_id as string)! };
  });
}

/** Session search on ClickHouse: one query finds the page of sessions, two more describe them (summarize). */
export async function searchClickHouse(client: ClickHouseClient, usersOf: UsersOf, search: SessionSearch): Promise<SessionPage> {
  const rows = await selectRows<Row>(client, searchQuery(search, cursorKey(search)));
  const sessions = await summarize(client, usersOf, rows.slice(0, search.limit));
  const last = sessions.at(-1);
  if (rows.length <= search.limit || !last) return { sessions };
  const tail = [last.last, last.orgId, last.userId, last.sessionId];
  return { sessions, next: encodeCursor(search.order === 'frustration' ? [frustrationScore(last), ...tail] : tail) };
}

/** Saved segments: a row per save; the latest save (`version`) of an id wins, before and after merges. */
export function clickHouseSegments(client: ClickHouseClient, now: () => number) {
  const from = (row: Row): SavedSegment => ({
    orgId: row.org_id as string, segmentId: row.segment_id as string, name: row.name as string,
    filters: JSON.parse(row.filters as string) as SessionFilters, created: Number(row.created),
  });
  const select = (where: string) => selectRows<Row>(client, `SELECT org_id, segment_id, name, filters, created FROM
    (SELECT * FROM segments WHERE ${where} ORDER BY version DESC LIMIT 1 BY org_id, segment_id) ORDER BY name, segment_id`);
  return {
    async saveSegment(segment: SavedSegment) {
      await client.command({ query: `INSERT INTO segments (org_id, segment_id, name, filters, created, version) VALUES
        (${str(segment.orgId)}, ${str(segment.segmentId)}, ${str(segment.name)}, ${str(JSON.stringify(segment.filters))}, ${num(segment.created)}, ${num(now())})` });
    },
    async listSegments(orgId: string) {
      return (await select(`org_id = ${str(orgId)}`)).map(from);
    },
    async getSegment(orgId: string, segmentId: string) {
      const [row] = await select(`org_id = ${str(orgId)} AND segment_id = ${str(segmentId)}`);
      return row && from(row);
    },
  };
}
