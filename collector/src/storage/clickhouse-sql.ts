import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';

/**
 * SQL text for ClickHouse 18.16 (Debian's package) and current releases alike. 18.16 has no query
 * parameters ({name:Type} answers "Unknown setting param_…"), so values are written as literals
 * here, and only here: strings escaped, numbers checked to be finite.
 */
export const str = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export const num = (value: number): string => {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
};

export const tuple = (values: Array<string | number>): string =>
  `(${values.map((value) => (typeof value === 'number' ? num(value) : str(value))).join(', ')})`;

/** `(a, b) IN (…)` over literal tuples; an empty list matches nothing. */
export const tuplesIn = (columns: string[], rows: Array<Array<string | number>>): string =>
  rows.length === 0 ? '0' : `(${columns.join(', ')}) IN (${rows.map(tuple).join(', ')})`;

export interface ClickHouseLocation {
  url: string;
  username: string;
  password: string;
  database: string;
  /**
   * `?cluster=NAME`: the database spans the servers of that cluster (their remote_servers config),
   * each holding local tables, with Distributed tables over them (storage/clickhouse-cluster.ts).
   */
  cluster?: string;
}

const DEFAULT_DATABASE = 'openstory';
/** Database and cluster names are written into SQL as identifiers, so only plain ones are taken. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** clickhouse://user:pass@host:8123/db → the HTTP interface, credentials and database. */
export function parseClickHouseUrl(text: string): ClickHouseLocation {
  const url = new URL(text);
  if (url.protocol !== 'clickhouse:' && url.protocol !== 'clickhouses:') throw new Error(`--storage: clickhouse:// URL expected, got ${url.protocol}`);
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || DEFAULT_DATABASE;
  if (!IDENTIFIER.test(database)) throw new Error(`--storage: database name must match ${IDENTIFIER}, got ${database}`);
  const cluster = url.searchParams.get('cluster') ?? undefined;
  if (cluster !== undefined && !IDENTIFIER.test(cluster)) throw new Error(`--storage: cluster name must match ${IDENTIFIER}, got ${cluster}`);
  const scheme = url.protocol === 'clickhouses:' ? 'https' : 'http';
  return {
    url: `${scheme}://${url.host}`,
    username: decodeURIComponent(url.username) || 'default',
    password: decodeURIComponent(url.password),
    database,
    ...(cluster ? { cluster } : {}),
  };
}

/**
 * The settings every query carries. 64-bit integers come back as JSON numbers (milliseconds fit in
 * a double). On a cluster (no effect on other tables): an insert into a Distributed table answers
 * only once every shard has stored its rows, not once they are queued on the server that took the
 * insert, so a 200 still means stored and the next duplicate check sees them; and an `IN
 * (SELECT … FROM bundles)` inside a query over the Distributed table runs its subquery once over
 * all shards and sends the result to each (GLOBAL IN), where 18.16's default refuses it ("Double-
 * distributed IN/JOIN subqueries is denied"). All three settings exist in 18.16. Nothing else is
 * sent: the client's defaults (no session, no compression of the request) are what 18.16 understands.
 */
const SETTINGS = { output_format_json_quote_64bit_integers: 0, insert_distributed_sync: 1, distributed_product_mode: 'global' } as const;
/**
 * A request to ClickHouse that takes longer is failed, so ingest answers 503 (the SDK retries)
 * before the collector's own 30 s request timeout (index.ts) would cut the client off unanswered.
 */
const REQUEST_TIMEOUT_MS = 10_000;

/** How long an idle connection to ClickHouse is reused: a third of the server's 3 s keep_alive_timeout. */
const IDLE_SOCKET_TTL_MS = 1000;

export function clickhouseClient(location: ClickHouseLocation, database?: string): ClickHouseClient {
  return createClient({
    url: location.url,
    username: location.username,
    password: location.password,
    database,
    request_timeout: REQUEST_TIMEOUT_MS,
    clickhouse_settings: SETTINGS,
    // The server closes an idle HTTP connection after its keep_alive_timeout (3 s by default, in
    // 18.16 too); the client drops its idle sockets at 2.5 s by a timer, which fires late on a busy
    // machine, and a request on a closed socket fails with "socket hang up" (seen here at load 21 in
    // the two-shard test). Checking a socket's age before each reuse closes that window, and an age
    // limit of a third of the server's timeout leaves room for the server's count to start before
    // ours (from its last write; ours from our read of it, later on a busy machine): with the
    // client's default of 2.5 s the same test still failed so once, at load average 15.
    keep_alive: { idle_socket_ttl: IDLE_SOCKET_TTL_MS, eagerly_destroy_stale_sockets: true },
    // The client's own logging prints every failed request; failures are answered to callers instead.
    log: { level: ClickHouseLogLevel.OFF },
  });
}

export async function selectRows<Row>(client: ClickHouseClient, query: string): Promise<Row[]> {
  const result = await client.query({ query, format: 'JSONEachRow' });
  return result.json<Row>();
}

/** Rows one at a time, so a large answer is never held whole. */
export async function* streamRows<Row>(client: ClickHouseClient, query: string): AsyncIterable<Row> {
  const result = await client.query({ query, format: 'JSONEachRow' });
  for await (const rows of result.stream()) for (const row of rows) yield row.json<Row>();
}
