import type { ClickHouseClient } from '@clickhouse/client';
import { foldPage, type BundleMeta } from './clickhouse-fold';
import { META_COLUMNS, ONCE } from './clickhouse-ingest';
import { num, selectRows, str, streamRows } from './clickhouse-sql';
import { clickFrom, pageViewFrom } from './sqlite-insights';
import type { Row } from './sqlite-rows';
import type { ClickRecord, PageView } from './types';

/** foldPage counts export rows by tag for the Data Export; page views need none of them. */
const NO_DERIVED_TAGS: ReadonlySet<string> = new Set();

/**
 * The insights' reads on ClickHouse, in the SQLite store's order and shapes (sqlite-insights.ts).
 * The bundles table is ordered by (org_id, page_id, seq), so a date range reads the org's bundle
 * rows, only the columns named; bundles without a click are skipped before their arrays unfold.
 */
export function clickHouseInsights(client: ClickHouseClient) {
  const orgIs = (orgId: string) => `org_id = ${str(orgId)}`;
  return {
    async *clickFacts(orgId: string, from: number, until: number): AsyncIterable<ClickRecord> {
      const rows = streamRows<Row>(client, `SELECT page_id, user_id, session_id, ts, payload, page_url
        FROM (SELECT org_id, page_id, seq, user_id, session_id, fact_idx, fact_ts, fact_tag, fact_payload, fact_page_url
          FROM bundles WHERE ${orgIs(orgId)} AND has(fact_tag, 'click') ${ONCE})
        ARRAY JOIN fact_idx AS idx, fact_ts AS ts, fact_tag AS tag, fact_payload AS payload, fact_page_url AS page_url
        WHERE tag = 'click' AND ts >= ${num(from)} AND ts < ${num(until)} ORDER BY ts, page_id, seq, idx`);
      for await (const row of rows) yield clickFrom(row);
    },
    async *pageViews(orgId: string, from: number, until: number): AsyncIterable<PageView> {
      // A page's start is set by its first bundle (page_start); the page row is folded from all of them.
      const bundles = await selectRows<BundleMeta>(client, `SELECT ${META_COLUMNS} FROM bundles WHERE ${orgIs(orgId)}
        AND page_id IN (SELECT page_id FROM bundles WHERE ${orgIs(orgId)} AND page_start >= ${num(from)} AND page_start < ${num(until)})
        ${ONCE}`);
      const byPage = new Map<string, BundleMeta[]>();
      for (const bundle of bundles) byPage.set(bundle.page_id, [...(byPage.get(bundle.page_id) ?? []), bundle]);
      const views = [...byPage.values()]
        .map((pageBundles) => pageViewFrom(foldPage(pageBundles, NO_DERIVED_TAGS)!))
        .filter((view) => view.start >= from && view.start < until)
        .sort((a, b) => a.start - b.start || (a.pageId < b.pageId ? -1 : a.pageId > b.pageId ? 1 : 0));
      yield* views;
    },
  };
}
