import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadConfig, saveConfig } from '../../src/config';
import type { Bundle } from 'openstory/vocabulary';
import { startCli } from '../cli';
import { gzipJson, T0 } from '../fixtures';
import { aliceSession } from '../session';
import { clickhouseBinary, createClickHouseCluster, type ClickHouseServer } from './clickhouse-server';
import { legacyRows, segmentRows, type Api } from './export-api';

/**
 * Scale out, shown (issue 17, item 3): two ClickHouse shards (two servers on two loopback
 * addresses, one remote_servers cluster naming both) and two collector processes (the real CLI,
 * `--storage clickhouse://…?cluster=…`, each on its own shard's server, the same config.json)
 * taking one site's traffic round-robin, every bundle also retried on the other collector, half of
 * the retries racing their first attempt.
 */
const binary = clickhouseBinary();
if (!binary) console.warn('[storage tests] clickhouse-server not installed: the two-shard test is SKIPPED (apt-get install clickhouse-server)');

const CLUSTER = 'two_shards';
const HOSTS = ['127.0.0.1', '127.0.0.2'];
const DATABASE = 'scale';
const USERS = 24;
const PAGES_PER_USER = 3;
/** Pages sending at once, as many visitors' transports. */
const CONCURRENCY = 8;
const HOUR = 3600_000;
/** A port below 1024 that no test server listens on: connections to it are refused at once. */
const UNREACHABLE_PORT = 9;
const DAY = 24 * HOUR;
/**
 * When the recordings happened: two days ago, within the collector's window of accepted event
 * times (ingest/clock.ts, a week) and in an export period already over.
 */
const RECORDED = Math.floor(Date.now() / DAY) * DAY - 2 * DAY + 9 * HOUR;

/** A fixture bundle moved from T0 to RECORDED, sent now by a clock in step with the collectors'. */
function recordedBundle(bundle: Bundle): Bundle {
  const shift = RECORDED - T0;
  return { ...bundle, sentAt: Date.now(), ...(bundle.page ? { page: { ...bundle.page, startTime: bundle.page.startTime + shift } } : {}),
    events: bundle.events.map((event) => ({ ...event, timestamp: event.timestamp + shift })) };
}

let servers: ClickHouseServer[] = [];
const children: ChildProcess[] = [];
const dirs: string[] = [];
const shards: ClickHouseClient[] = [];

beforeAll(async () => {
  if (!binary) return;
  servers = await createClickHouseCluster(binary, CLUSTER, HOSTS);
  await Promise.all(servers.map((server) => server.start()));
  for (const server of servers) shards.push(createClient({ url: server.url, database: 'default' }));
}, 120_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
  await Promise.all(shards.map((shard) => shard.close()));
  // In parallel: under load a server may take its whole stop deadline (clickhouse-server.ts).
  await Promise.all(servers.map((server) => server.stop()));
  for (const server of servers) server.remove();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}, 120_000);

/** The real CLI on its own data directory holding a copy of `config`; `flags` as given (`--storage`). */
async function startCollector(config: string, flags: string[] = []): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'openstory-scale-'));
  dirs.push(dataDir);
  copyFileSync(config, join(dataDir, 'config.json'));
  const { child, url } = await startCli(dataDir, flags);
  children.push(child);
  return url;
}

async function count(shard: ClickHouseClient, query: string): Promise<number> {
  return Number((await (await shard.query({ query, format: 'JSONEachRow' })).json<{ n: string }>())[0].n);
}

test.runIf(binary)('two shards, two collectors: exactly once, the same answers from either, deletion on both shards', async () => {
  const storage = (server: ClickHouseServer) => `clickhouse://default@${server.url.replace('http://', '')}/${DATABASE}?cluster=${CLUSTER}`;
  // One config for both collectors: a 24-hour export period available at once, no rate limits, and
  // the store as its `storage` entry, naming the first shard's server. The first collector stores
  // there by that entry alone (had it stored in SQLite, the deletion below would leave the user in
  // its answers); the second is sent to its own shard's server by --storage, which wins.
  const configDir = mkdtempSync(join(tmpdir(), 'openstory-scale-config-'));
  dirs.push(configDir);
  const config = loadConfig(configDir);
  saveConfig(configDir, {
    ...config,
    orgs: config.orgs.map((org) => ({ ...org, exportPeriodMinutes: 1440, exportDelayMinutes: 0 })),
    rateLimit: { ingestPerClientPerMinute: 1e9, ingestPerOrgPerMinute: 1e9, apiPerKeyPerMinute: 1e9 },
    storage: storage(servers[0]),
  });
  const shared = join(configDir, 'config.json');
  const apiKey = config.orgs[0].apiKeys[0];
  const urls = await Promise.all([startCollector(shared), startCollector(shared, ['--storage', storage(servers[1])])]);
  const apis: Api[] = urls.map((url) => (path, init = {}) =>
    fetch(`${url}${path}`, { ...init, headers: { authorization: `Basic ${apiKey}`, ...(init.headers as Record<string, string>) } }));

  const send = async (collector: number, body: Buffer) =>
    (await fetch(`${urls[collector]}/rec/bundle?v=1&enc=gzip`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: new Uint8Array(body) })).status;
  const pages = Array.from({ length: USERS * PAGES_PER_USER }, (_, n) => aliceSession(`u-${n % USERS}`, `p-${n}`));
  const statuses: number[] = [];
  /** One page's transport: its bundles in order, each to one collector (round-robin) and again to the other. */
  async function transport(lane: number) {
    for (let n = lane; n < pages.length; n += CONCURRENCY) {
      for (const [seq, bundle] of pages[n].entries()) {
        const first = (n + seq) % 2;
        const body = gzipJson(recordedBundle(bundle));
        if (n % 2 === 0) statuses.push(...(await Promise.all([send(first, body), send(1 - first, body)])));
        else statuses.push(await send(first, body), await send(1 - first, body));
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, lane) => transport(lane)));
  const bundles = pages.length * 2;
  expect(statuses).toHaveLength(2 * bundles);
  expect([...new Set(statuses)]).toEqual([200]);

  // Stored exactly once: on each shard, what the engine's merge keeps (FINAL) is one row per
  // bundle; the shards' rows add up to every bundle, each shard holds some, and no page is on both.
  const local = `${DATABASE}.bundles_local`;
  const perShard = await Promise.all(shards.map(async (shard) => ({
    final: await count(shard, `SELECT count() AS n FROM ${local} FINAL`),
    bundles: await count(shard, `SELECT uniqExact(page_id, seq) AS n FROM ${local}`),
    pages: await count(shard, `SELECT uniqExact(page_id) AS n FROM ${local}`),
  })));
  for (const shard of perShard) {
    expect(shard.final).toBe(shard.bundles);
    expect(shard.bundles).toBeGreaterThan(0);
  }
  expect(perShard[0].bundles + perShard[1].bundles).toBe(bundles);
  expect(perShard[0].pages + perShard[1].pages).toBe(pages.length);

  // A user with pages on both shards: the one the viewer replays and the deletion removes.
  const usersOn = async (shard: ClickHouseClient) =>
    (await (await shard.query({ query: `SELECT DISTINCT user_id FROM ${local}`, format: 'JSONEachRow' })).json<{ user_id: string }>()).map((row) => row.user_id);
  const [onFirst, onSecond] = await Promise.all(shards.map(usersOn));
  const spread = onFirst.filter((user) => onSecond.includes(user)).sort()[0];
  expect(spread).toBeDefined();

  // The viewer and both export APIs answer the same from either collector, and count every bundle once.
  const answers = await Promise.all(apis.map(async (api) => {
    const list = await (await api('/sessions')).text();
    const insights = await api('/insights?org=o-demo');
    return {
      insights: { status: insights.status, page: await insights.text() },
      sessions: [...list.matchAll(/href="\/sessions\/(o-demo\.[^"?]+)"/g)].map((match) => match[1]).sort(),
      events: await (await api(`/sessions/o-demo.${spread}.s-1/events.json`)).json(),
      legacy: await legacyRows(api),
      segmentEvents: await segmentRows(api, 'TYPE_EVENT', RECORDED),
      segmentIndividuals: await segmentRows(api, 'TYPE_INDIVIDUAL'),
    };
  }));
  expect(answers[1]).toEqual(answers[0]);
  // Insights read every click and page view of the org across both shards (an IN over the Distributed table).
  expect(answers[0].insights.status).toBe(200);
  expect(answers[0].insights.page).toContain('Pay now');
  expect(answers[0].sessions).toHaveLength(USERS);
  // aliceSession's two bundles store 9 recorded events (meta, full snapshot, facts…) per page.
  const perPage = (answers[0].events as unknown[]).length / PAGES_PER_USER;
  expect(perPage).toBe(aliceSession().reduce((sum, bundle) => sum + bundle.events.length, 0));
  // Export rows: one click per rage click, change, navigations and the custom event, per page, every page once.
  expect(answers[0].legacy.length % pages.length).toBe(0);
  expect(answers[0].legacy.length).toBeGreaterThan(0);
  expect(answers[0].segmentEvents).toHaveLength(answers[0].legacy.length);

  // A user deletion through one collector removes the user from both shards before it answers.
  const owned = (shard: ClickHouseClient) => count(shard, `SELECT count() AS n FROM ${local} WHERE user_id = '${spread}'`);
  const deletion = await (await apis[1](`/api/v1/users?userId=${spread}`, { method: 'DELETE', headers: { 'x-openstory-admin': '1' } })).json();
  expect(deletion.deleted).toMatchObject({ users: 1, sessions: 1, pages: PAGES_PER_USER, purged: true });
  expect(await Promise.all(shards.map(owned))).toEqual([0, 0]);
  expect((await apis[0](`/sessions/o-demo.${spread}.s-1/events.json`)).status).toBe(404);
  const legacyAfter = await legacyRows(apis[0]);
  expect(legacyAfter.length).toBe(answers[0].legacy.length - (answers[0].legacy.length / pages.length) * PAGES_PER_USER);

  // --storage wins over the entry: a flag naming a server that is not there stops the start.
  await expect(startCollector(shared, ['--storage', `clickhouse://default@127.0.0.1:${UNREACHABLE_PORT}/${DATABASE}`])).rejects.toThrow(/collector exited \(1\)/);
}, 300_000);
