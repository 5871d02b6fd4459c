import type { ClickHouseClient } from '@clickhouse/client';
import { num, selectRows, str } from './clickhouse-sql';

/**
 * A table a migration step creates. On one server it is `table` itself; on a cluster
 * (storage/clickhouse-cluster.ts) it is `<table>_local` on every server plus `table`, a Distributed
 * table over them sharded by `shardKey`, which every read and insert goes through. A later step that
 * alters a table must alter the local table on every server and the Distributed table alike.
 */
interface TableStep {
  table: string;
  columns: string;
  engine: string;
  /**
   * Which shard a row goes to. A bundle's shard is a hash of (org, page): one page's bundles, and so
   * its dedup (ORDER BY org_id, page_id, seq), stay on one shard; a session's pages spread over all.
   */
  shardKey: string;
}

/**
 * The ClickHouse schema, versioned like storage/migrations.ts: `schema_versions` records each step
 * applied. Never edit a released step: add the next one. Every statement is idempotent (IF NOT
 * EXISTS), so two collectors starting at once against one database both end on the last version.
 *
 * One table of bundles. A bundle is one row holding everything it changes: its events, its facts (parallel
 * arrays) and the state it sets (JSON texts). One INSERT of one block is atomic in MergeTree, so a
 * group of bundles is stored whole or not at all, with no transaction (on a cluster, whole or not
 * at all on each shard: a retry of the group finds the stored part duplicate); every read derives
 * sessions, pages and users from the bundle rows (storage/clickhouse-fold.ts).
 *
 * ReplacingMergeTree on (org_id, page_id, seq): a bundle stored twice (a retry racing its own
 * first attempt, two collectors) is merged into one row in the background, and until then every
 * read counts it once (`LIMIT 1 BY org_id, page_id, seq`). Both copies hold the same events and
 * counters, the client's, so either one counts the same.
 *
 * Types that 18.16 lacks are not used: no DateTime64 (times are UInt64 epoch milliseconds), no
 * LowCardinality (experimental there), no column CODEC and no TTL (syntax errors there). The events
 * text is still stored compressed: every MergeTree column is (LZ4 by default, zstd through the
 * server's <compression> setting) — see docs/collector.md.
 */
/** Columns added to a table a step created: on a cluster to its local table on every server and to the Distributed table. */
interface ColumnsStep {
  table: string;
  addColumns: string[];
}

const MIGRATIONS: Array<Array<TableStep | ColumnsStep>> = [
  [
    {
      table: 'bundles',
      columns: `org_id String, page_id String, seq UInt32, user_id String, session_id String,
      received_at UInt64, first_seen UInt64, last_seen UInt64,
      event_count UInt32, bytes UInt64, events String,
      clock_offset Nullable(Int64),
      page String, page_start Nullable(UInt64), page_state String, identities String, user_vars String,
      n_events UInt32, rage_clicks UInt32, dead_clicks UInt32, error_clicks UInt32, errors UInt32,
      fact_idx Array(UInt32), fact_ts Array(UInt64), fact_tag Array(String), fact_payload Array(String),
      fact_page_url Array(String), fact_num_infos Array(UInt32), fact_num_warnings Array(UInt32),
      fact_num_errors Array(UInt32), fact_is_row Array(UInt8)`,
      engine: 'ReplacingMergeTree ORDER BY (org_id, page_id, seq)',
      shardKey: 'cityHash64(org_id, page_id)',
    },
  ],
  // Saved segments (storage/clickhouse-search.ts); a re-save is a new row with a later version.
  [
    {
      table: 'segments',
      columns: 'org_id String, segment_id String, name String, filters String, created UInt64, version UInt64',
      engine: 'ReplacingMergeTree(version) ORDER BY (org_id, segment_id)',
      // One segment's saves on one shard, so the latest version is picked among all of them.
      shardKey: 'cityHash64(org_id, segment_id)',
    },
  ],
  // The string table (docs/protocol.md, "String table"): the definitions a bundle carried, id → text
  // as parallel arrays in its own row, so they are stored, deduplicated and deleted with it.
  [{ table: 'bundles', addColumns: ['string_ids Array(String)', 'string_texts Array(String)'] }],
];

/** The cluster a server's tables are part of: its name in the servers' remote_servers, and the database. */
export interface ClusterLayout {
  cluster: string;
  database: string;
}

/** The local table of `table` on each server of a cluster; deletions mutate it (storage/clickhouse-delete.ts). */
export const localTable = (table: string, layout?: ClusterLayout): string => (layout ? `${table}_local` : table);

function statements(step: TableStep, layout?: ClusterLayout): string[] {
  const create = `CREATE TABLE IF NOT EXISTS ${localTable(step.table, layout)} (${step.columns}) ENGINE = ${step.engine}`;
  if (!layout) return [create];
  const local = localTable(step.table, layout);
  return [create, `CREATE TABLE IF NOT EXISTS ${step.table} AS ${local}
    ENGINE = Distributed(${layout.cluster}, ${layout.database}, ${local}, ${step.shardKey})`];
}

/**
 * 18.16 has no ADD COLUMN IF NOT EXISTS: a column is added when system.columns lacks it, and the
 * error of a collector that lost the race to another one starting at once is the answer it wanted.
 */
async function addColumns(client: ClickHouseClient, step: ColumnsStep, layout?: ClusterLayout): Promise<void> {
  for (const table of layout ? [localTable(step.table, layout), step.table] : [step.table]) {
    const present = await selectRows<{ name: string }>(client, `SELECT name FROM system.columns WHERE database = currentDatabase() AND table = ${str(table)}`);
    for (const column of step.addColumns) {
      if (present.some(({ name }) => column.startsWith(`${name} `))) continue;
      try {
        await client.command({ query: `ALTER TABLE ${table} ADD COLUMN ${column}` });
      } catch (error) {
        if (!/already exists/i.test((error as Error).message)) throw error;
      }
    }
  }
}

const VERSIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_versions (version UInt32, applied_at UInt64)
  ENGINE = ReplacingMergeTree ORDER BY version`;

/** Brings one server's schema to the last version; on a cluster, run on every server (each has its own versions table). */
export async function migrateClickHouse(client: ClickHouseClient, now: number, layout?: ClusterLayout): Promise<void> {
  await client.command({ query: VERSIONS_TABLE });
  const [row] = await selectRows<{ version: number }>(client, 'SELECT max(version) AS version FROM schema_versions');
  for (let version = row?.version ?? 0; version < MIGRATIONS.length; version++) {
    for (const step of MIGRATIONS[version]) {
      if ('addColumns' in step) await addColumns(client, step, layout);
      else for (const statement of statements(step, layout)) await client.command({ query: statement });
    }
    await client.command({ query: `INSERT INTO schema_versions VALUES (${num(version + 1)}, ${num(now)})` });
  }
}
