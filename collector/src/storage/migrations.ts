import type { Database } from 'better-sqlite3';

/**
 * Schema versions, applied in order inside one transaction each; `PRAGMA user_version` records
 * the last one applied. Never edit a released step: add the next one.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE users (
     org_id TEXT NOT NULL, user_id TEXT NOT NULL, created INTEGER NOT NULL,
     user_app_key TEXT, email TEXT, display_name TEXT, vars TEXT NOT NULL DEFAULT '{}',
     PRIMARY KEY (org_id, user_id)) WITHOUT ROWID;
   CREATE INDEX users_by_app_key ON users (org_id, user_app_key) WHERE user_app_key IS NOT NULL;

   CREATE TABLE sessions (
     org_id TEXT NOT NULL, user_id TEXT NOT NULL, session_id TEXT NOT NULL,
     start INTEGER NOT NULL, last INTEGER NOT NULL, pages INTEGER NOT NULL DEFAULT 0, events INTEGER NOT NULL DEFAULT 0,
     rage_clicks INTEGER NOT NULL DEFAULT 0, dead_clicks INTEGER NOT NULL DEFAULT 0,
     error_clicks INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (org_id, user_id, session_id)) WITHOUT ROWID;
   CREATE INDEX sessions_by_last ON sessions (org_id, last);

   CREATE TABLE pages (
     org_id TEXT NOT NULL, page_id TEXT NOT NULL, user_id TEXT NOT NULL, session_id TEXT NOT NULL,
     start INTEGER, url TEXT NOT NULL DEFAULT '', current_url TEXT NOT NULL DEFAULT '', referrer TEXT NOT NULL DEFAULT '',
     user_agent TEXT NOT NULL DEFAULT '', ip TEXT NOT NULL DEFAULT '',
     browser TEXT NOT NULL DEFAULT 'Unknown', browser_version TEXT NOT NULL DEFAULT '',
     device TEXT NOT NULL DEFAULT 'Unknown', os TEXT NOT NULL DEFAULT 'Unknown',
     screen_width INTEGER, screen_height INTEGER, viewport_width INTEGER, viewport_height INTEGER,
     time_zone TEXT, language TEXT,
     num_infos INTEGER NOT NULL DEFAULT 0, num_warnings INTEGER NOT NULL DEFAULT 0, num_errors INTEGER NOT NULL DEFAULT 0,
     duration INTEGER, active_duration INTEGER, max_scroll REAL,
     load_dom_content INTEGER, load_event INTEGER, load_first_paint INTEGER,
     PRIMARY KEY (org_id, page_id)) WITHOUT ROWID;
   CREATE INDEX pages_by_session ON pages (org_id, user_id, session_id);

   CREATE TABLE bundles (
     org_id TEXT NOT NULL, page_id TEXT NOT NULL, seq INTEGER NOT NULL,
     received_at INTEGER NOT NULL, event_count INTEGER NOT NULL, events TEXT NOT NULL,
     PRIMARY KEY (org_id, page_id, seq));

   CREATE TABLE facts (
     org_id TEXT NOT NULL, page_id TEXT NOT NULL, seq INTEGER NOT NULL, idx INTEGER NOT NULL,
     ts INTEGER NOT NULL, tag TEXT NOT NULL, payload TEXT NOT NULL, page_url TEXT NOT NULL,
     num_infos INTEGER NOT NULL, num_warnings INTEGER NOT NULL, num_errors INTEGER NOT NULL,
     is_row INTEGER NOT NULL,
     PRIMARY KEY (org_id, page_id, seq, idx)) WITHOUT ROWID;
   CREATE INDEX facts_rows_by_time ON facts (org_id, is_row, ts);`,
  // Per-session caps and per-page clock skew (docs/collector.md, limits and defences).
  `ALTER TABLE sessions ADD COLUMN bundles INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE sessions ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE pages ADD COLUMN clock_offset INTEGER;`,
  // Web vitals the Segment Export carries as page fields (LoadLargestPaintTime, EventCumulativeLayoutShift).
  `ALTER TABLE pages ADD COLUMN load_largest_paint INTEGER;
   ALTER TABLE pages ADD COLUMN cumulative_layout_shift REAL;`,
  // FS('setProperties', { type: 'page' }): the page's name and its other properties (a JSON object).
  `ALTER TABLE pages ADD COLUMN page_name TEXT;
   ALTER TABLE pages ADD COLUMN page_vars TEXT NOT NULL DEFAULT '{}';`,
  // IP geolocation at city precision (geo.ts): PageLatLong and the country, region and city fields.
  `ALTER TABLE pages ADD COLUMN latitude REAL;
   ALTER TABLE pages ADD COLUMN longitude REAL;
   ALTER TABLE pages ADD COLUMN country TEXT;
   ALTER TABLE pages ADD COLUMN region TEXT;
   ALTER TABLE pages ADD COLUMN city TEXT;`,
  // A rage burst counts once (facts.FIRST_OF_RAGE_BURST); sessions stored before counted every click of it.
  `UPDATE sessions SET rage_clicks = (SELECT count(*) FROM facts f JOIN pages p ON p.org_id = f.org_id AND p.page_id = f.page_id
     WHERE p.org_id = sessions.org_id AND p.user_id = sessions.user_id AND p.session_id = sessions.session_id
     AND f.tag = 'click' AND json_extract(f.payload, '$.EventModFrustrated') = 1);`,
  // Session search (storage/sqlite-search.ts) and saved segments. The list pages by
  // (org, last) already; these serve the filters that are selective on their own.
  `CREATE INDEX sessions_by_start ON sessions (org_id, start);
   CREATE INDEX sessions_by_frustration ON sessions (org_id, (rage_clicks + dead_clicks + error_clicks), last);
   CREATE INDEX users_by_email ON users (org_id, email) WHERE email IS NOT NULL;
   CREATE INDEX pages_by_name ON pages (org_id, page_name) WHERE page_name IS NOT NULL;
   CREATE INDEX facts_by_tag ON facts (org_id, tag, page_id);
   CREATE TABLE segments (
     org_id TEXT NOT NULL, segment_id TEXT NOT NULL, name TEXT NOT NULL, filters TEXT NOT NULL, created INTEGER NOT NULL,
     PRIMARY KEY (org_id, segment_id)) WITHOUT ROWID;`,
  // Insights (storage/sqlite-insights.ts): the page views of a date range. IF NOT EXISTS: a test rolls a
  // database back to an earlier version by dropping the later objects it knows (storage.node.test.ts).
  `CREATE INDEX IF NOT EXISTS pages_by_start ON pages (org_id, start);`,
  // Events stored as received (issue 17): each bundle's validated JSON deflated once in its decode
  // worker. Rows from before keep their text in `events` and are read as they are
  // (sqlite-rows.storedEventsText), so opening an old database rewrites nothing.
  `ALTER TABLE bundles ADD COLUMN events_deflated BLOB;`,
  // The string table (docs/protocol.md, "String table"): long strings a session's bundles defined,
  // by content-addressed id, read by the ingest check and to expand the events a player is served.
  // IF NOT EXISTS as above (storage.node.test.ts rolls databases back by version).
  `CREATE TABLE IF NOT EXISTS strings (
     org_id TEXT NOT NULL, user_id TEXT NOT NULL, session_id TEXT NOT NULL, id TEXT NOT NULL, text TEXT NOT NULL,
     PRIMARY KEY (org_id, user_id, session_id, id)) WITHOUT ROWID;`,
];

export function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
