import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { registerAdmin } from './admin/route';
import { loadConfig, normalizeConfig, saveConfig, type CollectorConfig } from './config';
import type { CollectorContext } from './context';
import { registerExport } from './export/route';
import { openGeo } from './geo';
import { createDecoder } from './ingest/lanes';
import { INGEST_LIMITS, type IngestLimits } from './ingest/limits';
import { registerIngest } from './ingest/route';
import { createRateLimiter } from './rate-limit';
import { sweepRetention } from './retention';
import { openSqliteStorage } from './storage/sqlite';
import { guardIngest, StorageUnavailableError } from './storage/unavailable';
import { createKnownStrings, forgettingOnDelete } from './ingest/session-strings';
import type { DeletionCounts, Storage } from './storage/types';
import { registerViewer } from './viewer/route';
import { createSegmentExports } from './segment/jobs';
import { registerSegmentExport } from './segment/route';

export type { CollectorConfig, OrgConfig, RateLimitConfig } from './config';
export type { Storage, IngestBatch, BatchChanges, ExportRecord, SessionSummary, DeletionCounts, UserSelector } from './storage/types';
export { EXPORT_COLUMNS, exportRow, type ExportRow } from './export/rows';
export { openSqliteStorage } from './storage/sqlite';
export { openClickHouseStorage } from './storage/clickhouse';
export { deriveChanges } from './ingest/derive';
export { parseAgent, anonymizeIp, individualId, numericId } from './enrich';
export { openGeo, type Geo, type GeoLocation } from './geo';
export { startDemoSite, pointSnippetAt, CONTENT_TYPES, type DemoSite, type DemoSiteOptions } from './demo-site';

/** How often expired sessions are looked for. Retention is counted in days, so hourly is plenty. */
const RETENTION_SWEEP_MS = 60 * 60 * 1000;
/** A request that has not finished in this time is cut off (slow-body clients hold no socket forever). */
const REQUEST_TIMEOUT_MS = 30_000;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);
const PRIVATE_DIRECTORY_MODE = 0o700;
/**
 * `trustProxy: true` trusts proxies on the loopback, link-local and private ranges (proxy-addr's
 * names), never a public address: the client address is the right-most X-Forwarded-For entry not
 * in them, so a client cannot choose its address by prepending entries.
 */
const PRIVATE_PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

export interface CollectorOptions {
  /** Directory for config.json and the SQLite database; created when missing. */
  dataDir: string;
  /** Defaults to 127.0.0.1. Beyond loopback, the viewer asks for the access key. */
  host?: string;
  /** Defaults to 0: the OS picks a free port (see `url`). */
  port?: number;
  /** Another storage backend (openClickHouseStorage); defaults to SQLite in dataDir. */
  storage?: Storage;
  /**
   * Take the client address from X-Forwarded-For (only behind your own reverse proxy): the
   * right-most entry not sent by a trusted proxy. `true` trusts private and loopback addresses; a
   * list names the proxies (addresses or CIDR ranges).
   */
  trustProxy?: boolean | string[];
  /** Overrides ingest's limits (tests use smaller ones). */
  limits?: Partial<IngestLimits>;
  /** Clock, for tests of retention and export availability. */
  now?: () => number;
  /** Fastify request logging to stdout. */
  logger?: boolean;
  /** Ask for the viewer access key; defaults to true exactly when `host` is not loopback. */
  viewerNeedsKey?: boolean;
}

export interface Collector {
  /** Base URL, e.g. http://127.0.0.1:8090. */
  url: string;
  port: number;
  storage: Storage;
  /** True when the viewer asks for `viewerAccessKey` (listening beyond loopback). */
  viewerNeedsKey: boolean;
  config(): CollectorConfig;
  /**
   * Re-reads config.json (orgs, keys, origins) and the geolocation database without restarting;
   * when either fails to read, the running ones stay and this throws.
   */
  reloadConfig(): void;
  /** What answers geolocation lookups, or that it is off (the CLI prints it once at start). */
  geolocation(): string;
  /** Runs retention now (it also runs at start and hourly). */
  sweepRetention(): Promise<Record<string, DeletionCounts>>;
  /** Stops listening, ends open connections and closes storage. */
  close(): Promise<void>;
}

export async function startCollector(options: CollectorOptions): Promise<Collector> {
  const { dataDir } = options;
  // Recordings, emails and API keys live here: owner-only when the collector creates it.
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
  let config = loadConfig(dataDir);
  let geo = openGeo(config.geoDatabase, dataDir);
  const now = options.now ?? Date.now;
  const stored = options.storage ?? openSqliteStorage(dataDir);
  // The ingest check's memory of defined strings; every deletion below goes through `storage`, which clears it.
  const knownStrings = createKnownStrings(guardIngest(stored));
  const storage = forgettingOnDelete(stored, knownStrings);
  const host = options.host ?? '127.0.0.1';

  const limits = { ...INGEST_LIMITS, ...options.limits };
  const decoder = createDecoder(limits);
  const context: CollectorContext = {
    storage: guardIngest(storage),
    knownStrings,
    config: () => config,
    updateConfig(change) {
      // From the file as it is now: a hand edit not yet reloaded (SIGHUP) is kept, not overwritten.
      const next = normalizeConfig(change(loadConfig(dataDir)));
      saveConfig(dataDir, next);
      config = next;
    },
    limiter: createRateLimiter(now),
    limits,
    decoder,
    now,
    locate: (address) => geo.locate(address),
    viewerNeedsKey: options.viewerNeedsKey ?? !LOOPBACK_HOSTS.has(host),
  };

  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: options.trustProxy === true ? PRIVATE_PROXY_RANGES : (options.trustProxy ?? false),
    requestTimeout: REQUEST_TIMEOUT_MS,
    forceCloseConnections: true,
    // Session keys are three 64-character ids.
    routerOptions: { maxParamLength: 256 },
  });
  // Internal failures answer 500 without details (the client retries); Fastify's own 4xx keep their code.
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, _request, reply) => {
    if (error instanceof StorageUnavailableError) {
      console.error(`[openstory collector] ${error.message}`);
      return reply.code(503).header('retry-after', String(error.retryAfter))
        .send({ ok: false, error: 'storage-unavailable', message: 'storage is unavailable; retry later' });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      console.error(`[openstory collector] ${(error as Error).stack ?? error.message}`);
      return reply.code(500).send({ ok: false, error: 'internal', message: 'internal error' });
    }
    return reply.code(status).send({ ok: false, error: error.code ?? 'bad-request', message: error.message });
  });
  // Every answer: no MIME sniffing of recorded or JSON content, no Referer leaving the viewer.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
  });
  registerIngest(app, context);
  registerExport(app, context);
  const segmentExports = createSegmentExports({ dataDir, storage, now });
  registerSegmentExport(app, context, segmentExports);
  registerAdmin(app, context);
  registerViewer(app, context);

  const sweep = () => sweepRetention(storage, config, now());
  const timer = setInterval(() => void sweep().catch((error) => app.log.error(error)), RETENTION_SWEEP_MS);
  timer.unref();

  try {
    await sweep();
    await app.listen({ host, port: options.port ?? 0 });
  } catch (error) {
    clearInterval(timer);
    await app.close();
    await segmentExports.close();
    await decoder.close();
    await storage.close();
    throw error;
  }
  const { port } = app.server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    storage,
    viewerNeedsKey: context.viewerNeedsKey,
    config: () => config,
    reloadConfig() {
      const next = loadConfig(dataDir);
      // Opened before anything changes: a database that does not read leaves the running pair in place.
      const nextGeo = openGeo(next.geoDatabase, dataDir);
      config = next;
      geo = nextGeo;
    },
    geolocation: () => geo.description,
    sweepRetention: sweep,
    async close() {
      clearInterval(timer);
      await app.close();
      await decoder.close();
      // Running exports stop (their storage readers close) before the store does.
      await segmentExports.close();
      await storage.close();
    },
  };
}
