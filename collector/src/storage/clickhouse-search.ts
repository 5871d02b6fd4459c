import type { ClickHouseClient } from '@clickhouse/client';
import { foldPage, type BundleMeta } from './clickhouse-fold';
import { decodeCursor, encodeCursor } from './search';
import { compareKeys, matchesSearch, orderKey } from './search-match';
import { num, selectRows, str } from './clickhouse-sql';
import type { Row } from './sqlite-rows';
import type { SavedSegment, SessionFilters, SessionPage, SessionSearch, SessionSummary, StoredFact } from './types';

/** What the search reads of the ClickHouse store (storage/clickhouse.ts). */
export interface SearchSource {
  sessions(where: string): Promise<SessionSummary[]>;
  pageBundles(orgId: string, userId: string, sessionId: string): Promise<BundleMeta[]>;
  facts(orgId: string, userId: string, sessionId: string): Promise<StoredFact[]>;
}

/**
 * Session search on ClickHouse, simple and correct for now: every session of the org is read and
 * matched in code (storage/search-match.ts), so it costs a scan of the org's bundle rows per
 * search. Pushing the filters into SQL over the bundle rows is the next step (docs/viewer.md).
 */
export async function searchClickHouse(source: SearchSource, search: SessionSearch): Promise<SessionPage> {
  const after = search.cursor === undefined ? undefined : decodeCursor(search.cursor, search.order === 'frustration' ? 5 : 4);
  const candidates = (await source.sessions(search.orgId === undefined ? '1' : `org_id = ${str(search.orgId)}`))
    .map((session) => ({ session, key: orderKey(session, search.order) }))
    .filter(({ key }) => !after || compareKeys(key, after) < 0)
    .sort((a, b) => compareKeys(b.key, a.key));
  const found: Array<{ session: SessionSummary; key: Array<string | number> }> = [];
  for (const candidate of candidates) {
    if (found.length > search.limit) break;
    const { orgId, userId, sessionId } = candidate.session;
    const byPage = new Map<string, BundleMeta[]>();
    for (const bundle of await source.pageBundles(orgId, userId, sessionId)) byPage.set(bundle.page_id, [...(byPage.get(bundle.page_id) ?? []), bundle]);
    const pages = [...byPage.values()].map((bundles) => foldPage(bundles, new Set()) as Row);
    if (matchesSearch(search, { session: candidate.session, pages, facts: await source.facts(orgId, userId, sessionId) })) found.push(candidate);
  }
  const sessions = found.slice(0, search.limit).map(({ session }) => session);
  return found.length > search.limit ? { sessions, next: encodeCursor(found[search.limit - 1].key) } : { sessions };
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
