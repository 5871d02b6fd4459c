/**
 * Scale-out benchmark: `npx tsx collector/bench/scale.ts [--clients 32] [--bundles 4000] [--events 200000]`.
 * Runs the same load twice in one run, so the two figures share the machine's state:
 * 1. one collector on one clickhouse-server (the plain ClickHouse deployment);
 * 2. two collectors (the real CLI) on two ClickHouse shards (two servers on 127.0.0.1 and
 *    127.0.0.2, `--storage …?cluster=…`), each page's bundles sent to one collector as a load
 *    balancer routing by page id would.
 * For each: sustained ingest (bundles/s, p50/p99, errors, acknowledged bundles missing afterwards),
 * disk per recorded hour (each bundle is 5 s of a page's recording; active parts' bytes on disk,
 * after the merges the server does by itself and after OPTIMIZE … FINAL), and the export of
 * `--events` rows through GET /api/v1/export/get (rows/s until the last byte).
 * Needs clickhouse-server (apt-get install clickhouse-server). Loopback only, bounded by counts.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { request, type IncomingMessage } from 'node:http';
import type { ChildProcess } from 'node:child_process';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { loadConfig } from '../src/config';
import { openClickHouseStorage } from '../src/storage/clickhouse';
import { clickhouseBinary, createClickHouseCluster, createClickHouseServer, type ClickHouseServer } from '../test/storage/clickhouse-server';
import { BUNDLES_PER_PAGE, clientBundles, sendAll } from './bundles';
import { benchConfig, loadExportEvents, startCli } from './export-data';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '32' },
    bundles: { type: 'string', default: '4000' },
    events: { type: 'string', default: '200000' },
  },
});
const CLIENTS = Number(values.clients);
const BUNDLES = Number(values.bundles);
const EXPORT_EVENTS = Number(values.events);
/** A bundle of the load is a busy page's 5-second batch (bench/bundles.ts). */
const SECONDS_PER_BUNDLE = 5;
const HOSTS = ['127.0.0.1', '127.0.0.2'];
const CLUSTER = 'bench';
const DATABASE = 'bench';

const binary = clickhouseBinary();
if (!binary) throw new Error('clickhouse-server is not installed (apt-get install clickhouse-server)');

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function scalar(client: ClickHouseClient, query: string): Promise<number> {
  return Number((await (await client.query({ query, format: 'JSONEachRow' })).json<{ n: string }>())[0].n);
}

interface Setup {
  name: string;
  servers: ClickHouseServer[];
  /** The storage URL each collector is started with. */
  storage: string[];
  /** The table holding each server's bundle rows. */
  table: string;
}

async function ingest(urls: string[]) {
  const now = Date.now();
  const perClient = Math.ceil(BUNDLES / CLIENTS);
  const bodies = Array.from({ length: CLIENTS }, (_, client) => clientBundles(client, perClient, now));
  const started = performance.now();
  // Routing by page, as the load balancer does: each page's bundles go to one collector.
  const { latencies, errors, acknowledged } = await sendAll(bodies, (client, index) => ({ url: urls[(client + Math.floor(index / BUNDLES_PER_PAGE)) % urls.length] }));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { bundles: CLIENTS * perClient, seconds, perSecond: (CLIENTS * perClient) / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors, acknowledged };
}

async function exportRows(url: string, apiKey: string) {
  const started = performance.now();
  const list = await (await fetch(`${url}/api/v1/export/list?start=0`, { headers: { authorization: `Basic ${apiKey}` } })).json();
  let rows = 0;
  for (const ref of list.exports) {
    const response = await new Promise<IncomingMessage>((resolve) =>
      request(`${url}/api/v1/export/get?id=${ref.ID}`, { headers: { authorization: `Basic ${apiKey}` } }, resolve).end());
    const ROW_START = '{"EventCustomName"';
    let tail = '';
    for await (const chunk of response.pipe(createGunzip()) as AsyncIterable<Buffer>) {
      // A row start may straddle two chunks: keep the end of the previous one.
      const text = tail + chunk.toString('latin1');
      rows += text.split(ROW_START).length - 1;
      tail = text.slice(-(ROW_START.length - 1));
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { rows, seconds, perSecond: rows / seconds };
}

async function run(setup: Setup) {
  const clients = setup.servers.map((server) => createClient({ url: server.url, database: DATABASE }));
  const dataDirs: string[] = [];
  const children: ChildProcess[] = [];
  try {
    const urls: string[] = [];
    for (const storage of setup.storage) {
      const dataDir = mkdtempSync(join(tmpdir(), 'openstory-bench-scale-'));
      // One config.json for every collector: the first one's, copied.
      if (dataDirs.length === 0) benchConfig(dataDir);
      else copyFileSync(join(dataDirs[0], 'config.json'), join(dataDir, 'config.json'));
      dataDirs.push(dataDir);
      const { child, url } = await startCli(dataDir, ['--storage', storage]);
      children.push(child);
      urls.push(url);
    }
    const ingested = await ingest(urls);
    const distinct = (await Promise.all(clients.map((client) => scalar(client, `SELECT uniqExact(page_id, seq) AS n FROM ${setup.table}`))));
    const lost = ingested.acknowledged - distinct.reduce((sum, n) => sum + n, 0);
    const bytes = async () => (await Promise.all(clients.map((client) => scalar(client, `SELECT sum(bytes_on_disk) AS n FROM system.parts
      WHERE database = '${DATABASE}' AND table = '${setup.table}' AND active`)))).reduce((sum, n) => sum + n, 0);
    const hours = (ingested.acknowledged * SECONDS_PER_BUNDLE) / 3600;
    const diskPerHour = (await bytes()) / hours;
    for (const client of clients) await client.command({ query: `OPTIMIZE TABLE ${setup.table} FINAL` });
    const diskPerHourMerged = (await bytes()) / hours;

    // The export: `--events` rows stored through the store itself, read back through the first collector.
    const loadSeconds = await loadExportEvents(dataDirs[0], EXPORT_EVENTS, await openClickHouseStorage(setup.storage[0]));
    const exported = await exportRows(urls[0], loadConfig(dataDirs[0]).orgs[0].apiKeys[0]);
    return { name: setup.name, ...ingested, perShard: distinct, lost, diskPerHour, diskPerHourMerged, loadSeconds, exported };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
    await Promise.all(clients.map((client) => client.close()));
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }
}

async function withServers<T>(servers: ClickHouseServer[], body: (servers: ClickHouseServer[]) => Promise<T>): Promise<T> {
  try {
    await Promise.all(servers.map((server) => server.start()));
    return await body(servers);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    for (const server of servers) server.remove();
  }
}

const address = (server: ClickHouseServer) => server.url.replace('http://', '');
const loadBefore = loadavg()[0];
const single = await withServers([await createClickHouseServer(binary)], (servers) =>
  run({ name: 'one collector, one server', servers, storage: [`clickhouse://default@${address(servers[0])}/${DATABASE}`], table: 'bundles' }));
console.log(`single: ${JSON.stringify(single)}`);
const sharded = await withServers(await createClickHouseCluster(binary, CLUSTER, HOSTS), (servers) =>
  run({ name: 'two collectors, two shards', servers, storage: servers.map((server) => `clickhouse://default@${address(server)}/${DATABASE}?cluster=${CLUSTER}`), table: 'bundles_local' }));
console.log(`sharded: ${JSON.stringify(sharded)}`);

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);
const column = (result: typeof single) => ({
  ingest: `${result.perSecond.toFixed(0)} bundles/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms`,
  stored: `${result.errors} / ${result.lost} (per server: ${result.perShard.join(' + ')})`,
  disk: `${mb(result.diskPerHour)} MiB → ${mb(result.diskPerHourMerged)} MiB`,
  export: `${result.exported.rows.toLocaleString('en')} rows in ${result.exported.seconds.toFixed(1)} s: ${result.exported.perSecond.toFixed(0)} rows/s`,
});
const [a, b] = [column(single), column(sharded)];
console.log(`
| ClickHouse scale-out (${cpus().length} cores, Node ${process.version}, clickhouse-server 18.16, load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)}) | ${single.name} | ${sharded.name} |
|---|---|---|
| ingest: ${single.bundles} bundles from ${CLIENTS} concurrent clients | ${a.ingest} | ${b.ingest} |
| errors / acknowledged bundles lost | ${a.stored} | ${b.stored} |
| disk per recorded page-hour (as inserted → after OPTIMIZE FINAL) | ${a.disk} | ${b.disk} |
| legacy export (GET /api/v1/export/get) of ${EXPORT_EVENTS.toLocaleString('en')} events | ${a.export} | ${b.export} |
`);
