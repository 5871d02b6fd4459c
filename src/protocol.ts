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

/**
 * A string value in an event that starts with this character is a reference: the rest is the id
 * of a string the session's table defines (docs/protocol.md, "String table"). A recorded string
 * that itself starts with it is sent with it doubled. U+E000 is the first private-use
 * character: no page text or CSS needs it at the start of a value, and JSON writes it raw.
 */
export const STRING_REF = '\uE000';

/** Refusal code of a bundle whose references name a string the collector does not hold. */
export const UNKNOWN_STRING = 'unknown-string';

/**
 * The id of a string in the table: two 32-bit multiplicative hashes of its UTF-16 code units
 * (FNV-1a's prime, and MurmurHash2's multiplier with another seed), base 36. Content-addressed,
 * so every page of a session names the same stylesheet text alike without agreeing on a counter;
 * the collector recomputes it for every definition.
 */
export function stringId(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
  }
  return (a >>> 0).toString(36) + '.' + (b >>> 0).toString(36);
}

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
  /** String definitions, id → text, for references in this bundle the collector may not hold yet (docs/protocol.md, "String table"). */
  strings?: Record<string, string>;
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
