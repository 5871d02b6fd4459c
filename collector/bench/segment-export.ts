/**
 * Export benchmark, legacy vs Segment Export: `npx tsx collector/bench/segment-export.ts [--events 1000000]`.
 * A day holding `--events` export rows is stored once; then, each in a fresh CLI child process, the
 * legacy `GET /api/v1/export/get` of the day and the Segment Export of the same range (create, poll
 * the operation, download), timed until the last byte, with the child's peak RSS (VmHWM) after each.
 * Results print as Markdown for BENCHMARKS.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { loadConfig } from '../src/config';
import { benchConfig, EXPORT_DAY, loadExportEvents, peakRssMiB, startCli } from './export-data';

const { values } = parseArgs({ options: { events: { type: 'string', default: '1000000' } } });
const EVENTS = Number(values.events);
/** How often the operation is polled; hauser polls every 5 s, this measures the export, not the poll. */
const POLL_MS = 100;
const DAY_MS = 86_400_000;

/** Downloads a URL without inflating, counting gzip bytes and rows (each row has exactly one EventStart). */
async function download(url: string, headers: Record<string, string>) {
  const response = await new Promise<IncomingMessage>((resolve) => request(url, { headers }, resolve).end());
  let gzipBytes = 0;
  let rows = 0;
  let tail = '';
  const MARK = '"EventStart":';
  const gunzip = response.on('data', (chunk: Buffer) => (gzipBytes += chunk.length)).pipe(createGunzip());
  for await (const chunk of gunzip as AsyncIterable<Buffer>) {
    const text = tail + chunk.toString('latin1');
    rows += text.split(MARK).length - 1;
    tail = text.slice(-(MARK.length - 1));
  }
  return { status: response.statusCode, rows, gzipBytes };
}

async function measure(dataDir: string, apiKey: string, exportOnce: (url: string, auth: Record<string, string>) => Promise<{ rows: number; gzipBytes: number }>) {
  const { child, url } = await startCli(dataDir);
  const idleRss = peakRssMiB(child.pid as number);
  const started = performance.now();
  const result = await exportOnce(url, { authorization: `Basic ${apiKey}` });
  const seconds = (performance.now() - started) / 1000;
  const peakRss = peakRssMiB(child.pid as number);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return { ...result, seconds, idleRss, peakRss };
}

async function legacy(url: string, auth: Record<string, string>) {
  const list = await (await fetch(`${url}/api/v1/export/list?start=0`, { headers: auth })).json();
  return download(`${url}/api/v1/export/get?id=${list.exports[0].ID}`, auth);
}

async function segment(url: string, auth: Record<string, string>) {
  const body = JSON.stringify({
    segmentId: 'everyone', type: 'TYPE_EVENT', format: 'FORMAT_JSON', segmentTimeRange: { start: '', end: '' },
    timeRange: { start: new Date(EXPORT_DAY).toISOString(), end: new Date(EXPORT_DAY + DAY_MS).toISOString() },
  });
  const { operationId } = await (await fetch(`${url}/segments/v1/exports`, { method: 'POST', headers: auth, body })).json();
  let operation: { state: string; results?: { searchExportId: string } };
  do {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    operation = await (await fetch(`${url}/operations/v1/${operationId}`, { headers: auth })).json();
  } while (operation.state === 'PENDING');
  if (operation.state !== 'COMPLETED') throw new Error(JSON.stringify(operation));
  const { location } = await (await fetch(`${url}/search/v1/exports/${operation.results?.searchExportId}/results`, { headers: auth })).json();
  return download(location, {});
}

const loadBefore = loadavg()[0];
const dataDir = mkdtempSync(join(tmpdir(), 'openstory-bench-segment-'));
benchConfig(dataDir);
const loadSeconds = await loadExportEvents(dataDir, EVENTS);
const apiKey = loadConfig(dataDir).orgs[0].apiKeys[0];
const legacyResult = await measure(dataDir, apiKey, legacy);
console.log(`legacy: ${JSON.stringify(legacyResult)}`);
const segmentResult = await measure(dataDir, apiKey, segment);
console.log(`segment: ${JSON.stringify(segmentResult)}`);
rmSync(dataDir, { recursive: true, force: true });
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const line = (name: string, r: typeof legacyResult) =>
  `| ${name} | ${r.seconds.toFixed(1)} s | ${r.rows.toLocaleString('en')} | ${mb(r.gzipBytes)} MiB | ${r.idleRss.toFixed(0)} → ${r.peakRss.toFixed(0)} MiB |`;
console.log(`
${EVENTS.toLocaleString('en')} events over one day (stored in ${loadSeconds.toFixed(1)} s); ${cpus().length} cores, Node ${process.version}, load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)}

| export | time to last byte | rows | gzip | collector peak RSS (idle → peak) |
|---|---|---|---|---|
${line('legacy `GET /api/v1/export/get` (one 24 h bundle)', legacyResult)}
${line('Segment Export (create, poll every 100 ms, download)', segmentResult)}
`);
