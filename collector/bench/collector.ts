/**
 * Collector load benchmark: `npx tsx collector/bench/collector.ts [--clients 32] [--bundles 4000] [--events 1000000]`.
 * 1. Sustained ingest: the real CLI in a child process on 127.0.0.1, many concurrent clients
 *    posting realistic gzip bundles (pre-built, so client CPU stays out of the timing); bundles/s,
 *    p50/p99 latency, errors, and loss (acknowledged bundles missing from the database afterwards).
 * 2. Export: a 24-hour period holding `--events` export rows, generated through GET /api/v1/export/get;
 *    wall time until the last gzip byte, rows counted from the stream.
 * With `--attack`: the ingest run twice, quiet and then while attacker.ts sends poison, gzip bombs
 * and inflating bodies; legitimate clients post from addresses of their own (X-Forwarded-For, the
 * CLI runs with --trust-proxy). No export run.
 * Loopback only, bounded by counts. Results print as Markdown for docs/collector.md.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { request, type IncomingMessage } from 'node:http';
import Database from 'better-sqlite3';
import { loadConfig, saveConfig } from '../src/config';
import { startCollector } from '../src/index';
import { clientBundles, realisticEvents, sendAll } from './bundles';
import { benchConfig, EXPORT_DAY, loadExportEvents, startCli } from './export-data';
import { fork } from 'node:child_process';
import type { AttackResult } from './attacker';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '32' },
    bundles: { type: 'string', default: '4000' },
    events: { type: 'string', default: '1000000' },
    attack: { type: 'boolean', default: false },
    // A .mmdb (collector/bench/geo.ts --out writes one): every page is looked up, from its X-Forwarded-For address.
    geo: { type: 'string' },
  },
});
const CLIENTS = Number(values.clients);
const BUNDLES = Number(values.bundles);
const EXPORT_EVENTS = Number(values.events);
/** How long the attacker process gets to build its bodies and start sending before the legitimate clients start. */
const ATTACK_HEAD_START_MS = 3000;
/** Linux's USER_HZ, the unit of /proc/<pid>/stat's times (`getconf CLK_TCK`: 100 on every mainstream build). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) a process has used, from /proc (Linux): unlike wall time, barely
 * moved by other work on a shared machine. utime and stime are fields 14 and 15, counted after the
 * command name's closing parenthesis (the name may hold spaces).
 */
function cpuSeconds(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function ingestBenchmark(withAttack = false) {
  const dataDir = mkdtempSync(join(tmpdir(), 'openstory-bench-'));
  const config = loadConfig(dataDir);
  saveConfig(dataDir, { ...config, geoDatabase: values.geo, rateLimit: { ingestPerClientPerMinute: 1e9, ingestPerOrgPerMinute: 1e9, apiPerKeyPerMinute: 1e9 } });
  const { child, url } = await startCli(dataDir, values.attack || values.geo ? ['--trust-proxy'] : []);
  const now = Date.now();
  const perClient = Math.ceil(BUNDLES / CLIENTS);
  const bodies = Array.from({ length: CLIENTS }, (_, client) => clientBundles(client, perClient, now));
  const wireBytes = bodies.flat().reduce((sum, body) => sum + body.length, 0) / (CLIENTS * perClient);
  const attacker = withAttack ? fork(new URL('./attacker.ts', import.meta.url), [url], { execArgv: ['--import', 'tsx'] }) : undefined;
  const attacking = new Promise<AttackResult | undefined>((resolve) => (attacker ? attacker.once('message', (result) => resolve(result as AttackResult)) : resolve(undefined)));
  // The attack is under way (its bodies built) before the legitimate clients start.
  if (attacker) await new Promise((resolve) => setTimeout(resolve, ATTACK_HEAD_START_MS));
  const started = performance.now();
  const cpuBefore = cpuSeconds(child.pid);
  const { latencies, errors, acknowledged } = await sendAll(bodies, (client) => ({ url, headers: { 'x-forwarded-for': `198.51.100.${client + 1}` } }));
  const seconds = (performance.now() - started) / 1000;
  const collectorCpuSeconds = cpuSeconds(child.pid) - cpuBefore;
  attacker?.send('stop');
  const attacked = await attacking;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  const db = new Database(join(dataDir, 'openstory.sqlite'), { readonly: true });
  const stored = (db.prepare("SELECT count(*) AS n FROM bundles WHERE page_id NOT LIKE 'p-evil%'").get() as { n: number }).n;
  // With --geo, the pages that got a location: proves the lookups ran.
  const located = (db.prepare('SELECT count(*) AS n FROM pages WHERE country IS NOT NULL').get() as { n: number }).n;
  db.close();
  rmSync(dataDir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return {
    bundles: CLIENTS * perClient, clients: CLIENTS, wireBytes: Math.round(wireBytes), eventsPerBundle: realisticEvents(0, 1).length,
    seconds, perSecond: (CLIENTS * perClient) / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99),
    errors, acknowledged, lost: acknowledged - stored, located, collectorCpuSeconds, attacked,
  };
}

async function exportBenchmark() {
  const dataDir = mkdtempSync(join(tmpdir(), 'openstory-bench-export-'));
  benchConfig(dataDir);
  const day = EXPORT_DAY;
  const loadSeconds = await loadExportEvents(dataDir, EXPORT_EVENTS);

  const collector = await startCollector({ dataDir, now: () => day + 2 * 86_400_000 });
  const apiKey = collector.config().orgs[0].apiKeys[0];
  const started = performance.now();
  const list = await (await fetch(`${collector.url}/api/v1/export/list?start=0`, { headers: { authorization: `Basic ${apiKey}` } })).json();
  // node:http leaves Content-Encoding: gzip alone, so the bytes on the wire can be counted.
  const response = await new Promise<IncomingMessage>((resolve) =>
    request(`${collector.url}/api/v1/export/get?id=${list.exports[0].ID}`, { headers: { authorization: `Basic ${apiKey}` } }, resolve).end(),
  );
  let gzipBytes = 0;
  let jsonBytes = 0;
  let rows = 0;
  const gunzip = response.on('data', (chunk: Buffer) => (gzipBytes += chunk.length)).pipe(createGunzip());
  const ROW_START = '{"EventCustomName"';
  let tail = '';
  for await (const chunk of gunzip as AsyncIterable<Buffer>) {
    jsonBytes += chunk.length;
    // A row start may straddle two chunks: keep the end of the previous one.
    const text = tail + chunk.toString('latin1');
    rows += text.split(ROW_START).length - 1;
    tail = text.slice(-(ROW_START.length - 1));
  }
  const seconds = (performance.now() - started) / 1000;
  await collector.close();
  rmSync(dataDir, { recursive: true, force: true });
  return { events: EXPORT_EVENTS, rows, seconds, loadSeconds, gzipBytes, jsonBytes };
}

const loadBefore = loadavg()[0];
if (values.attack) {
  const quiet = await ingestBenchmark();
  const attacked = await ingestBenchmark(true);
  console.log(`quiet: ${JSON.stringify(quiet)}\nattacked: ${JSON.stringify(attacked)}`);
  const attack = attacked.attacked!;
  console.log(`
| ingest under attack (${cpus().length} cores, Node ${process.version}, load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)}) | quiet | attacked |
|---|---|---|
| ${quiet.bundles} legitimate bundles from ${quiet.clients} clients: bundles/s | ${quiet.perSecond.toFixed(0)} | ${attacked.perSecond.toFixed(0)} |
| p50 / p99 | ${quiet.p50.toFixed(1)} / ${quiet.p99.toFixed(1)} ms | ${attacked.p50.toFixed(1)} / ${attacked.p99.toFixed(1)} ms |
| legitimate errors / acknowledged bundles lost | ${quiet.errors} / ${quiet.lost} | ${attacked.errors} / ${attacked.lost} |
| attacker: requests (poison, bombs, ~15 MiB inflating bodies), bytes sent, answers | — | ${attack.sent}, ${(attack.wireBytes / 1024 / 1024).toFixed(1)} MiB, ${JSON.stringify(attack.statuses)} |
`);
  process.exit(0);
}
const ingest = await ingestBenchmark();
console.log(`ingest: ${JSON.stringify(ingest)}`);
const exported = await exportBenchmark();
console.log(`export: ${JSON.stringify(exported)}`);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
console.log(`
| collector benchmark (${cpus().length} cores, ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)}) | result |
|---|---|
| sustained ingest: ${ingest.bundles} bundles (${ingest.eventsPerBundle} events, ${ingest.wireBytes} B gzip each) from ${ingest.clients} concurrent clients | ${ingest.perSecond.toFixed(0)} bundles/s, p50 ${ingest.p50.toFixed(1)} ms, p99 ${ingest.p99.toFixed(1)} ms |
| errors / acknowledged bundles lost | ${ingest.errors} / ${ingest.lost} |
| 24-hour export of ${exported.events.toLocaleString('en')} events (GET /api/v1/export/get, streamed gzip) | ${exported.seconds.toFixed(1)} s, ${exported.rows.toLocaleString('en')} rows, ${mb(exported.jsonBytes)} MiB JSON → ${mb(exported.gzipBytes)} MiB gzip |
`);
