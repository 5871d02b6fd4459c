/**
 * Collector load benchmark: `npx tsx collector/bench/collector.ts [--clients 32] [--bundles 4000] [--events 1000000] [--runs 1] [--skip-export]`.
 * 1. Sustained ingest: the real CLI in a child process on 127.0.0.1, many concurrent clients
 *    posting realistic gzip bundles (pre-built, on kept-alive node:http connections: a cheap client); bundles/s,
 *    p50/p99 latency, errors, and loss (acknowledged bundles missing from the database afterwards),
 *    and CPU per bundle (all threads) of the server and of this process, the load generator.
 *    Before it, the same load against the floor (floor.ts: a bare endpoint that only decompresses
 *    and answers), so the collector's cost reads as a ratio measured under the same machine load.
 * 2. Export: a 24-hour period holding `--events` export rows, generated through GET /api/v1/export/get;
 *    wall time until the last gzip byte, rows counted from the stream.
 * With `--attack`: the ingest run twice per run, quiet and then while attacker.ts sends poison, gzip bombs
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
import { benchConfig, EXPORT_DAY, loadExportEvents, startCli, startFloor } from './export-data';
import { fork } from 'node:child_process';
import type { AttackResult } from './attacker';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '32' },
    bundles: { type: 'string', default: '4000' },
    events: { type: 'string', default: '1000000' },
    attack: { type: 'boolean', default: false },
    // Repetitions of the ingest measurement (floor and collector, or quiet and attacked, back to back).
    runs: { type: 'string', default: '1' },
    'skip-export': { type: 'boolean', default: false },
    // A .mmdb (collector/bench/geo.ts --out writes one): every page is looked up, from its X-Forwarded-For address.
    geo: { type: 'string' },
  },
});
const CLIENTS = Number(values.clients);
const BUNDLES = Number(values.bundles);
const EXPORT_EVENTS = Number(values.events);
const RUNS = Number(values.runs);
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

/** Legitimate bundles in the database after the run, and (with --geo) the pages that got a location: proves the lookups ran. */
function countStored(dataDir: string): { stored: number; located: number } {
  const db = new Database(join(dataDir, 'openstory.sqlite'), { readonly: true });
  const stored = (db.prepare("SELECT count(*) AS n FROM bundles WHERE page_id NOT LIKE 'p-evil%'").get() as { n: number }).n;
  const located = (db.prepare('SELECT count(*) AS n FROM pages WHERE country IS NOT NULL').get() as { n: number }).n;
  db.close();
  return { stored, located };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Where the load goes: the real CLI, or the bare decompress-and-answer endpoint that is its floor. */
type Target = 'collector' | 'floor';

async function ingestBenchmark(target: Target, withAttack = false) {
  const dataDir = mkdtempSync(join(tmpdir(), 'openstory-bench-'));
  const config = loadConfig(dataDir);
  saveConfig(dataDir, { ...config, geoDatabase: values.geo, rateLimit: { ingestPerClientPerMinute: 1e9, ingestPerOrgPerMinute: 1e9, apiPerKeyPerMinute: 1e9 } });
  // --trust-proxy always: each client posts from an address of its own (X-Forwarded-For), as 32
  // visitors would; from one address they would share one decoded-bytes budget and meet its 429s.
  const { child, url } = target === 'floor' ? await startFloor() : await startCli(dataDir, ['--trust-proxy']);
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
  const clientCpuBefore = process.cpuUsage();
  const { latencies, errors, acknowledged } = await sendAll(bodies, (client) => ({ url, headers: { 'x-forwarded-for': `198.51.100.${client + 1}` } }));
  const seconds = (performance.now() - started) / 1000;
  const collectorCpuSeconds = cpuSeconds(child.pid) - cpuBefore;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  attacker?.send('stop');
  const attacked = await attacking;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  const { stored, located } = target === 'floor' ? { stored: acknowledged, located: 0 } : countStored(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return {
    bundles: CLIENTS * perClient, clients: CLIENTS, wireBytes: Math.round(wireBytes), eventsPerBundle: realisticEvents(0, 1).length,
    seconds, perSecond: (CLIENTS * perClient) / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99),
    errors, acknowledged, lost: acknowledged - stored, located, collectorCpuSeconds, attacked,
    // CPU per bundle, all threads: the figure other work on a shared machine barely moves.
    serverCpuMs: (collectorCpuSeconds * 1000) / (CLIENTS * perClient),
    clientCpuMs: (clientCpu.user + clientCpu.system) / 1000 / (CLIENTS * perClient),
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
  let peakRss = process.memoryUsage.rss();
  const gunzip = response.on('data', (chunk: Buffer) => (gzipBytes += chunk.length)).pipe(createGunzip());
  const ROW_START = '{"EventCustomName"';
  let tail = '';
  for await (const chunk of gunzip as AsyncIterable<Buffer>) {
    jsonBytes += chunk.length;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    // A row start may straddle two chunks: keep the end of the previous one.
    const text = tail + chunk.toString('latin1');
    rows += text.split(ROW_START).length - 1;
    tail = text.slice(-(ROW_START.length - 1));
  }
  const seconds = (performance.now() - started) / 1000;
  await collector.close();
  rmSync(dataDir, { recursive: true, force: true });
  return { events: EXPORT_EVENTS, rows, seconds, loadSeconds, gzipBytes, jsonBytes, peakRssMiB: peakRss / 1024 / 1024 };
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
/** The 1-, 5- and 15-minute load averages, as `uptime` prints them. */
const load = () => loadavg().map((average) => average.toFixed(2)).join(', ');
const cpuMs = (run: { serverCpuMs: number }) => run.serverCpuMs.toFixed(2);
const latency = (run: { p50: number; p99: number }) => `${run.p50.toFixed(1)} / ${run.p99.toFixed(1)} ms`;
console.log(`${cpus().length} cores, ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${CLIENTS} clients, ${Math.ceil(BUNDLES / CLIENTS) * CLIENTS} bundles a run`);

if (values.attack) {
  console.log(`
| run | load average before | quiet bundles/s, p50 / p99 | attacked bundles/s, p50 / p99 | p99 ratio | legitimate errors / lost | attacker: requests, bytes, answers |
|---|---|---|---|---|---|---|`);
  for (let run = 1; run <= RUNS; run++) {
    const before = load();
    const quiet = await ingestBenchmark('collector');
    const attacked = await ingestBenchmark('collector', true);
    const attack = attacked.attacked!;
    console.log(`| ${run} | ${before} | ${quiet.perSecond.toFixed(0)}, ${latency(quiet)} | ${attacked.perSecond.toFixed(0)}, ${latency(attacked)} | ${(attacked.p99 / quiet.p99).toFixed(1)}x | ${quiet.errors + attacked.errors} / ${quiet.lost + attacked.lost} | ${attack.sent}, ${mb(attack.wireBytes)} MiB, ${JSON.stringify(attack.statuses)} |`);
  }
  process.exit(0);
}

console.log(`
| run | load average before | floor: bundles/s, p50 / p99 | collector: bundles/s, p50 / p99 | collector / floor: bundles/s, p99 | CPU ms a bundle: collector, floor, load generator | errors / lost |
|---|---|---|---|---|---|---|`);
for (let run = 1; run <= RUNS; run++) {
  const before = load();
  const floor = await ingestBenchmark('floor');
  const ingest = await ingestBenchmark('collector');
  console.log(`| ${run} | ${before} | ${floor.perSecond.toFixed(0)}, ${latency(floor)} | ${ingest.perSecond.toFixed(0)}, ${latency(ingest)} | ${(ingest.perSecond / floor.perSecond).toFixed(2)}, ${(ingest.p99 / floor.p99).toFixed(1)}x | ${cpuMs(ingest)}, ${cpuMs(floor)}, ${ingest.clientCpuMs.toFixed(2)} | ${ingest.errors} / ${ingest.lost} |`);
}
if (!values['skip-export']) {
  const before = load();
  const exported = await exportBenchmark();
  console.log(`
| 24-hour export of ${exported.events.toLocaleString('en')} events (GET /api/v1/export/get, streamed gzip), load average before ${before} | ${exported.seconds.toFixed(1)} s (load ${exported.loadSeconds.toFixed(1)} s), ${exported.rows.toLocaleString('en')} rows, ${mb(exported.jsonBytes)} MiB JSON → ${mb(exported.gzipBytes)} MiB gzip, peak RSS while exporting ${exported.peakRssMiB.toFixed(0)} MiB |`);
}
