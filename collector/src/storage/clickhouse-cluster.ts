import type { ClickHouseClient } from '@clickhouse/client';
import { migrateClickHouse, type ClusterLayout } from './clickhouse-schema';
import { clickhouseClient, selectRows, str, type ClickHouseLocation } from './clickhouse-sql';

/**
 * Where a ClickHouse store's rows live, its database created and its schema migrated on every
 * server: the one server of the URL, or with `?cluster=NAME` every server the URL's server lists
 * for that cluster (system.clusters, from its remote_servers config). 18.16 runs `ON CLUSTER` DDL
 * only with ZooKeeper ("DDL background thread is not initialized" without it), so the collector
 * runs each statement on each server itself, over HTTP on the URL's port: every server of the
 * cluster answers HTTP on that port, as servers of one deployment do.
 */
export interface ClickHousePlacement {
  /** Reads and inserts: the URL's server (on a cluster, through its Distributed tables). */
  client: ClickHouseClient;
  /** One client per server holding rows: deletions mutate each one's local table and wait for each. */
  servers: ClickHouseClient[];
  layout?: ClusterLayout;
  close(): Promise<void>;
}

function withHost(url: string, host: string): string {
  const address = new URL(url);
  address.hostname = host.includes(':') ? `[${host}]` : host;
  return address.origin;
}

async function clusterServers(location: ClickHouseLocation, cluster: string): Promise<ClickHouseLocation[]> {
  const bootstrap = clickhouseClient(location);
  try {
    const rows = await selectRows<{ host_name: string }>(bootstrap, `SELECT host_name FROM system.clusters
      WHERE cluster = ${str(cluster)} ORDER BY shard_num, replica_num`);
    if (rows.length === 0) throw new Error(`--storage: cluster ${cluster} is not in the remote_servers of ${location.url}`);
    const hosts = rows.map((row) => row.host_name);
    // The HTTP port is the URL's for every server, so two servers on one host cannot be told apart.
    if (new Set(hosts).size !== hosts.length) throw new Error(`--storage: cluster ${cluster} lists a host twice (${hosts.join(', ')}); each server needs a host of its own`);
    return hosts.map((host) => ({ ...location, url: withHost(location.url, host) }));
  } finally {
    await bootstrap.close();
  }
}

export async function placeClickHouse(location: ClickHouseLocation, now: number): Promise<ClickHousePlacement> {
  const layout = location.cluster ? { cluster: location.cluster, database: location.database } : undefined;
  const servers: ClickHouseClient[] = [];
  const closeAll = async (clients: ClickHouseClient[]) => void (await Promise.all(clients.map((client) => client.close())));
  try {
    for (const server of layout ? await clusterServers(location, layout.cluster) : [location]) {
      const bootstrap = clickhouseClient(server);
      try {
        await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${location.database}` });
      } finally {
        await bootstrap.close();
      }
      servers.push(clickhouseClient(server, location.database));
      await migrateClickHouse(servers[servers.length - 1], now, layout);
    }
  } catch (error) {
    await closeAll(servers);
    throw error;
  }
  const client = layout ? clickhouseClient(location, location.database) : servers[0];
  return { client, servers, layout, close: () => closeAll(layout ? [client, ...servers] : servers) };
}
