import type { PageMetadata } from '../protocol';
import { MIN_REFERENCED_CHARS } from './strings';

/** Who the events belong to; read each time a bundle is cut. */
export interface TransportIdentity {
  userId: string;
  sessionId: string;
  pageId: string;
}

export interface TransportCaps {
  /**
   * Memory held by events waiting to be cut and bundles waiting to be acknowledged (JSON
   * characters for the first, encoded bytes for the second). Past it, bundles already saved in
   * IndexedDB leave memory and are read back when their turn comes; without IndexedDB the
   * newest bundles are dropped and reported with a `dropped` fact.
   */
  memoryBytes: number;
  /** Encoded bytes of unacknowledged bundles saved in IndexedDB; a bundle past it is dropped and reported. */
  storageBytes: number;
}

export interface TransportThresholds {
  /** Cut a bundle once this many JSON characters of events are buffered. */
  sizeBytes: number;
  /** Cut a bundle this long after the first event entered an empty buffer. */
  timeMs: number;
  /** Strings at least this long travel once per session and are referenced after (strings.ts); Infinity sends every string inline. */
  stringChars: number;
}

export interface BackoffOptions {
  /** First retry waits up to this long (full jitter: a uniform draw in [0, ceiling]). */
  baseMs: number;
  /** The ceiling doubles on each failure up to this. */
  maxMs: number;
}

export interface TransportOptions {
  /** Collector base URL; a bare host name means https://{host}. */
  host: string;
  orgId: string;
  identity(): TransportIdentity;
  /** Sent with the first bundle (seq 0) of each page. */
  page: PageMetadata;
  /**
   * Called synchronously when the page is being hidden or unloaded, before the swan song is cut,
   * so the caller can push its last facts.
   */
  onHide?(): void;
  caps?: Partial<TransportCaps>;
  thresholds?: Partial<TransportThresholds>;
  backoff?: Partial<BackoffOptions>;
  /** Save unacknowledged bundles in IndexedDB and send the previous pages' leftovers (default true). */
  persist?: boolean;
  /** Defaults to the global window. */
  window?: Window;
  /**
   * The next sequence number per page. The transports a page's capture restarts with (FS('restart')
   * after a shutdown) share one, so the page goes on with fresh numbers and without a second seq 0.
   */
  sequence?: Map<string, number>;
  /** The page's original fetch when a snippet kept it (FullStory's `FS._w.fetch`); defaults to the window's. */
  fetch?: typeof fetch;
}

/**
 * 4 MiB of memory and 16 MiB of IndexedDB: a few minutes of a busy page's events in memory and,
 * gzip being ~8x on rrweb streams (docs/transport.md), hours of backlog on disk — small next to
 * the quota browsers grant an origin (Chrome: a share of free disk; Safari: 1 GiB).
 */
export const DEFAULT_CAPS: TransportCaps = { memoryBytes: 4 * 1024 * 1024, storageBytes: 16 * 1024 * 1024 };

/**
 * 512 Ki characters keeps a gzip body far below the 1 MiB wire cap (MAX_BUNDLE_BYTES); 5 s
 * bounds what a crash can lose and keeps a replay a few seconds behind the visitor, as FullStory's batching does.
 */
export const DEFAULT_THRESHOLDS: TransportThresholds = { sizeBytes: 512 * 1024, timeMs: 5000, stringChars: MIN_REFERENCED_CHARS };

/** 1 s doubling to 60 s: the AWS Architecture Blog's "full jitter" scheme with a one-minute ceiling. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 60_000 };
