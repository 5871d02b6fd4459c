import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { registerAdmin } from './admin/route';
import { loadConfig, normalizeConfig, saveConfig, type CollectorConfig } from './config';
import type { CollectorContext } from './context';
import { registerExport } from './export/route';
import { PROTOCOL_LIMITS, type DecodeLimits } from './ingest/decode';
import { registerIngest } from './ingest/route';
import { createRateLimiter } from './rate-limit';
import { sweepRetention } from './retention';
import { openSqliteStorage } from './storage/sqlite';
import type { DeletionCounts, Storage } from './storage/types';
import { registerViewer } from './viewer/route';
import { createSegmentExports } from './segment/jobs';
import { registerSegmentExport } from './segment/route';

export type { CollectorConfig, OrgConfig, RateLimitConfig } from './config';
export type { Storage, IngestBatch, BatchChanges, ExportRecord, SessionSummary, DeletionCounts, UserSelector } from './storage/types';
export { EXPORT_COLUMNS, exportRow, type ExportRow } from './export/rows';
export { openSqliteStorage } from './storage/sqlite';
export { deriveChanges } from './ingest/derive';
export { parseAgent, anonymizeIp, individualId, numericId } from './enrich';
export { startDemoSite, pointSnippetAt, CONTENT_TYPES, type DemoSite, type DemoSiteOptions } from './demo-site';

/** How often expired sessions are looked for. Retention is counted in days, so hourly is plenty. */
const RETENTION_SWEEP_MS = 60 * 60 * 1000;
/** A request that has not finished in this time is cut off (slow-body clients hold no socket forever). */
const REQUEST_TIMEOUT_MS = 30_000;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

export interface CollectorOptions {
  /** Directory for config.json and the SQLite database; created when missing. */
  dataDir: string;
  /** Defaults to 127.0.0.1. Beyond loopback, the viewer asks for the access key. */
  host?: string;
  /** Defaults to 0: the OS picks a free port (see `url`). */
  port?: number;
  /** Another storage backend; defaults to SQLite in dataDir. */
  storage?: Storage;
  /** Trust X-Forwarded-For for PageIp and rate limiting (only behind your own reverse proxy). */
  trustProxy?: boolean;
  /** Overrides the protocol's body caps (tests use smaller ones). */
  limits?: Partial<DecodeLimits>;
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
  /** Re-reads config.json (orgs, keys, origins) without restarting. */
  reloadConfig(): void;
  /** Runs retention now (it also runs at start and hourly). */
  sweepRetention(): Promise<Record<string, DeletionCounts>>;
  /** Stops listening, ends open connections and closes storage. */
  close(): Promise<void>;
}

export async function startCollector(options: CollectorOptions): Promise<Collector> {
  const { dataDir } = options;
  mkdirSync(dataDir, { recursive: true });
  let config = loadConfig(dataDir);
  const now = options.now ?? Date.now;
  const storage = options.storage ?? openSqliteStorage(dataDir);
  const host = options.host ?? '127.0.0.1';

  const context: CollectorContext = {
    storage,
    config: () => config,
    updateConfig(change) {
      const next = normalizeConfig(change(config));
      saveConfig(dataDir, next);
      config = next;
    },
    limiter: createRateLimiter(now),
    limits: { ...PROTOCOL_LIMITS, ...options.limits },
    now,
    viewerNeedsKey: options.viewerNeedsKey ?? !LOOPBACK_HOSTS.has(host),
  };

  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: options.trustProxy ?? false,
    requestTimeout: REQUEST_TIMEOUT_MS,
    forceCloseConnections: true,
    // Session keys are three 64-character ids.
    routerOptions: { maxParamLength: 256 },
  });
  // Internal failures answer 500 without details (the client retries); Fastify's own 4xx keep their code.
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      console.error(`[openstory collector] ${(error as Error).stack ?? error.message}`);
      return reply.code(500).send({ ok: false, error: 'internal', message: 'internal error' });
    }
    return reply.code(status).send({ ok: false, error: error.code ?? 'bad-request', message: error.message });
  });
  registerIngest(app, context);
  registerExport(app, context);
  const segmentExports = createSegmentExports({ dataDir, storage, now });
  registerSegmentExport(app, context, segmentExports);
  registerAdmin(app, context);
  registerViewer(app, context);

  const sweep = () => sweepRetention(storage, config, now());
  await sweep();
  const timer = setInterval(() => void sweep().catch((error) => app.log.error(error)), RETENTION_SWEEP_MS);
  timer.unref();

  try {
    await app.listen({ host, port: options.port ?? 0 });
  } catch (error) {
    clearInterval(timer);
    await app.close();
    await segmentExports.close();
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
      config = loadConfig(dataDir);
    },
    sweepRetention: sweep,
    async close() {
      clearInterval(timer);
      await app.close();
      // Running exports stop (their storage readers close) before the store does.
      await segmentExports.close();
      await storage.close();
    },
  };
}
