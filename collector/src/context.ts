import type { FastifyReply } from 'fastify';
import type { CollectorConfig } from './config';
import type { GeoLocation } from './geo';
import type { RateLimiter } from './rate-limit';
import type { Refusal } from './refusal';
import type { Storage } from './storage/types';
import type { Decoder } from './ingest/lanes';
import type { IngestLimits } from './ingest/limits';
import type { KnownStrings } from './ingest/session-strings';

/** What every route needs; built once per collector by startCollector. */
export interface CollectorContext {
  storage: Storage;
  /** Which string ids each session's stored definitions hold, for the ingest check (ingest/session-strings.ts). */
  knownStrings: KnownStrings;
  /** The current config: key regeneration replaces it, so routes read it per request. */
  config(): CollectorConfig;
  updateConfig(change: (config: CollectorConfig) => CollectorConfig): void;
  limiter: RateLimiter;
  limits: IngestLimits;
  /** Decode workers in two lanes (ingest/lanes.ts). */
  decoder: Decoder;
  now(): number;
  /** The visitor's location from the configured IP database (geo.ts), looked up before ipHandling drops the address. */
  locate(address: string): GeoLocation | undefined;
  /** True when the collector listens beyond loopback: the viewer then asks for the access key. */
  viewerNeedsKey: boolean;
}

export function sendRefusal(reply: FastifyReply, refusal: Refusal): FastifyReply {
  if (refusal.retryAfter !== undefined) reply.header('retry-after', String(refusal.retryAfter));
  return reply.code(refusal.status).send({ ok: false, error: refusal.error, message: refusal.message });
}
