import type { eventWithTime } from '@rrweb/types';

/**
 * The wire protocol between transport/ and collector/. docs/protocol.md is the normative text;
 * these types are its shape. Both sides import them, so a change here is a protocol change.
 */
export const PROTOCOL_VERSION = 1;

/** Every id on the wire (orgId, userId, sessionId, pageId): 1 to 64 characters of [A-Za-z0-9_-]. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Path of the ingest endpoint, relative to the collector's base URL. */
export const INGEST_PATH = '/rec/bundle';

/** Largest bundle body the client sends and the collector accepts on the wire (bytes). */
export const MAX_BUNDLE_BYTES = 1024 * 1024;
/** keepalive fetch and sendBeacon refuse bodies beyond 64 KiB in flight. */
export const SWAN_SONG_MAX_BYTES = 64 * 1024;
/** Largest decompressed JSON the collector inflates before refusing the bundle. */
export const MAX_INFLATED_BYTES = 16 * 1024 * 1024;

export interface PageMetadata {
  url: string;
  referrer: string;
  userAgent: string;
  screenWidth: number;
  screenHeight: number;
  viewportWidth: number;
  viewportHeight: number;
  timeZone: string;
  language: string;
  /** Epoch ms when the page started (navigation start). */
  startTime: number;
}

export interface BundleEnvelope {
  v: typeof PROTOCOL_VERSION;
  orgId: string;
  userId: string;
  sessionId: string;
  pageId: string;
  /** Per-page sequence number: starts at 0, orders the page's bundles, never reused; gaps allowed (docs/protocol.md). */
  seq: number;
  /** Client clock (epoch ms) when the body was encoded; a retry re-sends the same body. */
  sentAt: number;
  /** Present on the first bundle of a page (seq 0). */
  page?: PageMetadata;
}

export interface Bundle extends BundleEnvelope {
  events: eventWithTime[];
}

/** Body of every collector answer to an ingest request. */
export interface IngestResponse {
  ok: boolean;
  /** Set when ok is false: a stable machine-readable code (docs/protocol.md lists them). */
  error?: string;
  /** Human-readable reason. */
  message?: string;
  /** True when (pageId, seq) was already stored: acknowledged, not stored again. */
  duplicate?: boolean;
}
