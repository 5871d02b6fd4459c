import type { Database } from 'better-sqlite3';
import { FACT } from 'openstory/vocabulary';
import { decodeCursor, encodeCursor, FAILED_STATUS, frustrationScore, likePattern } from './search';
import { sessionFrom, type Row } from './sqlite-rows';
import type { SavedSegment, SessionFilters, SessionPage, SessionSearch } from './types';

/** A correlated test over the session's pages (`p`), and over their facts (`f`) when `facts` is given. */
// INDEXED BY: as for sqlite.ts's first-page lookup, the session's pages, not a scan of the org's.
const anyPage = (condition: string) =>
  `EXISTS (SELECT 1 FROM pages p INDEXED BY pages_by_session WHERE p.org_id = s.org_id AND p.user_id = s.user_id AND p.session_id = s.session_id AND ${condition})`;
const anyFact = (tag: string, condition = '1') =>
  anyPage(`EXISTS (SELECT 1 FROM facts f WHERE f.org_id = p.org_id AND f.page_id = p.page_id AND f.tag = '${tag}' AND ${condition})`);
const LIKE = (column: string, parameter: string) => `${column} LIKE ${parameter} ESCAPE '\\'`;

/** The WHERE clause of a search and its named parameters; every value a parameter, never SQL text. */
export function searchWhere(filters: SessionFilters & { orgId?: string }): { where: string[]; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (filters.orgId !== undefined) {
    where.push('s.org_id = @orgId');
    params.orgId = filters.orgId;
  }
  if (filters.user !== undefined) {
    params.user = likePattern(`*${filters.user}*`);
    where.push(`(${['s.user_id', 'u.user_app_key', 'u.email', 'u.display_name'].map((column) => LIKE(column, '@user')).join(' OR ')})`);
  }
  if (filters.userVar) {
    Object.assign(params, { userVarPath: `$."${filters.userVar.name}"`, userVarValue: filters.userVar.value });
    where.push('CAST(json_extract(u.vars, @userVarPath) AS TEXT) = @userVarValue');
  }
  if (filters.url !== undefined) {
    params.url = likePattern(filters.url.includes('*') ? filters.url : `*${filters.url}*`);
    where.push(`(${anyPage(LIKE('p.url', '@url'))} OR ${anyFact(FACT.navigate, LIKE('f.page_url', '@url'))})`);
  }
  if (filters.pageName !== undefined) {
    params.pageName = filters.pageName;
    where.push(anyPage('p.page_name = @pageName'));
  }
  if (filters.eventName !== undefined || filters.eventProperty) {
    const conditions = [];
    if (filters.eventName !== undefined) {
      params.eventName = filters.eventName;
      conditions.push("json_extract(f.payload, '$.EventCustomName') = @eventName");
    }
    if (filters.eventProperty) {
      Object.assign(params, { eventPropertyPath: `$.properties."${filters.eventProperty.name}"`, eventPropertyValue: filters.eventProperty.value });
      conditions.push('CAST(json_extract(f.payload, @eventPropertyPath) AS TEXT) = @eventPropertyValue');
    }
    where.push(anyFact(FACT.custom, conditions.join(' AND ')));
  }
  for (const frustration of filters.frustrations ?? []) {
    if (frustration === 'rage') where.push('s.rage_clicks > 0');
    if (frustration === 'dead') where.push('s.dead_clicks > 0');
    if (frustration === 'error') where.push('s.error_clicks > 0');
    if (frustration === 'thrash') where.push(anyFact(FACT.thrash));
    if (frustration === 'abandon') where.push(anyFact(FACT.abandon));
  }
  if (filters.consoleErrors) where.push(anyPage('p.num_errors > 0'));
  if (filters.failedRequests) {
    where.push(anyFact(FACT.request, `(json_extract(f.payload, '$.ReqStatus') >= ${FAILED_STATUS} OR json_extract(f.payload, '$.failed') = 'error')`));
  }
  for (const [field, column] of [['browser', 'browser'], ['device', 'device'], ['os', 'os']] as const) {
    if (filters[field] === undefined) continue;
    params[field] = filters[field];
    where.push(anyPage(`p.${column} = @${field}`));
  }
  const bounds: Array<[keyof SessionFilters, string]> = [
    ['startFrom', 's.start >= @startFrom'], ['startUntil', 's.start < @startUntil'],
    ['minDuration', 's.last - s.start >= @minDuration'], ['maxDuration', 's.last - s.start <= @maxDuration'],
    ['minPages', 's.pages >= @minPages'], ['maxPages', 's.pages <= @maxPages'],
  ];
  for (const [field, condition] of bounds) {
    if (filters[field] === undefined) continue;
    params[field] = filters[field];
    where.push(condition);
  }
  return { where, params };
}

/** frustrationScore in SQL, written as the sessions_by_frustration index (migrations.ts) has it, so the index serves the order. */
const SCORE = 'rage_clicks + dead_clicks + error_clicks';

/** Keyset paging: the order's key of the last row shown, compared as a row value, so page n costs what page 1 does. */
/** `selectSessions`: sqlite.ts's SELECT over `s` (sessions), `u` (users) and `fp` (the first page), to which the search adds its WHERE. */
export function searchSessions(db: Database, selectSessions: string, search: SessionSearch): SessionPage {
  const { where, params } = searchWhere(search);
  const byFrustration = search.order === 'frustration';
  const key = byFrustration ? `(${SCORE}), s.last, s.org_id, s.user_id, s.session_id` : 's.last, s.org_id, s.user_id, s.session_id';
  const after = search.cursor === undefined ? undefined : decodeCursor(search.cursor, byFrustration ? 5 : 4);
  if (after) {
    where.push(`(${key}) < (${after.map((_, index) => `@after${index}`).join(', ')})`);
    after.forEach((value, index) => (params[`after${index}`] = value));
  }
  const rows = db
    .prepare(`${selectSessions}
      WHERE ${where.length ? where.join(' AND ') : '1'} ORDER BY ${key.split(', ').map((part) => `${part} DESC`).join(', ')} LIMIT @limit`)
    .all({ ...params, limit: search.limit + 1 }) as Row[];
  const sessions = rows.slice(0, search.limit).map(sessionFrom);
  const last = sessions.at(-1);
  if (rows.length <= search.limit || !last) return { sessions };
  const tail = [last.last, last.orgId, last.userId, last.sessionId];
  return { sessions, next: encodeCursor(byFrustration ? [frustrationScore(last), ...tail] : tail) };
}

export function prepareSegments(db: Database) {
  const insert = db.prepare(`INSERT INTO segments (org_id, segment_id, name, filters, created) VALUES (@orgId, @segmentId, @name, @filters, @created)
    ON CONFLICT (org_id, segment_id) DO UPDATE SET name = excluded.name, filters = excluded.filters`);
  const list = db.prepare('SELECT * FROM segments WHERE org_id = ? ORDER BY name, segment_id');
  const one = db.prepare('SELECT * FROM segments WHERE org_id = ? AND segment_id = ?');
  const from = (row: Row): SavedSegment => ({
    orgId: row.org_id as string, segmentId: row.segment_id as string, name: row.name as string,
    filters: JSON.parse(row.filters as string) as SessionFilters, created: row.created as number,
  });
  return {
    async saveSegment(segment: SavedSegment) {
      insert.run({ ...segment, filters: JSON.stringify(segment.filters) });
    },
    async listSegments(orgId: string) {
      return (list.all(orgId) as Row[]).map(from);
    },
    async getSegment(orgId: string, segmentId: string) {
      const row = one.get(orgId, segmentId) as Row | undefined;
      return row && from(row);
    },
  };
}
