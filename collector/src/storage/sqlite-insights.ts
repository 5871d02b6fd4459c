import type { Database } from 'better-sqlite3';
import { parseJson, type Row } from './sqlite-rows';
import type { ClickRecord, PageView } from './types';

const numberOr = <T>(value: unknown, fallback: T): number | T => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);

/** A click fact's row (payload as stored, its page's user and session) as insights read it; shared with the ClickHouse store. */
export function clickFrom(row: Row): ClickRecord {
  const payload = parseJson(row.payload);
  return {
    userId: row.user_id as string,
    sessionId: row.session_id as string,
    pageId: row.page_id as string,
    timestamp: Number(row.ts),
    pageUrl: row.page_url as string,
    selector: typeof payload.EventTargetSelectorTok === 'string' ? payload.EventTargetSelectorTok : '',
    text: typeof payload.EventTargetText === 'string' ? payload.EventTargetText : '',
    frustrated: numberOr(payload.EventModFrustrated, 0),
    dead: payload.EventModDead === 1,
    error: payload.EventModError === 1,
    x: numberOr(payload.x, null),
    y: numberOr(payload.y, null),
  };
}

/** A pages row (storage/migrations.ts column names) as a page view; shared with the ClickHouse store. */
export const pageViewFrom = (row: Row): PageView => ({
  userId: row.user_id as string,
  sessionId: row.session_id as string,
  pageId: row.page_id as string,
  start: Number(row.start),
  url: row.url as string,
  numErrors: Number(row.num_errors ?? 0),
  duration: numberOr(row.duration, null),
  maxScrollDepthPercent: numberOr(row.max_scroll, null),
});

/**
 * The insights' reads on SQLite, each on a connection of its own (`reader`), like the exports: a
 * month of clicks streams while ingest keeps writing. Clicks are found through the export rows'
 * time index (facts_rows_by_time: clicks are rows), page views through pages_by_start.
 */
export function sqliteInsights(reader: () => Database) {
  async function* rows(sql: string, ...params: unknown[]): AsyncIterable<Row> {
    const db = reader();
    try {
      yield* db.prepare(sql).iterate(...params) as IterableIterator<Row>;
    } finally {
      db.close();
    }
  }
  return {
    async *clickFacts(orgId: string, from: number, until: number): AsyncIterable<ClickRecord> {
      for await (const row of rows(`SELECT f.page_id, f.ts, f.payload, f.page_url, p.user_id, p.session_id
          FROM facts f INDEXED BY facts_rows_by_time JOIN pages p ON p.org_id = f.org_id AND p.page_id = f.page_id
          WHERE f.org_id = ? AND f.is_row = 1 AND f.ts >= ? AND f.ts < ? AND f.tag = 'click' ORDER BY f.ts, f.page_id, f.seq, f.idx`,
      orgId, from, until)) yield clickFrom(row);
    },
    async *pageViews(orgId: string, from: number, until: number): AsyncIterable<PageView> {
      for await (const row of rows(`SELECT page_id, user_id, session_id, start, url, num_errors, duration, max_scroll
          FROM pages INDEXED BY pages_by_start WHERE org_id = ? AND start >= ? AND start < ? ORDER BY start, page_id`,
      orgId, from, until)) yield pageViewFrom(row);
    },
  };
}
