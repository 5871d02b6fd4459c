import type { Storage } from './types';

/**
 * Seconds a client waits before retrying when storage failed: a restarting ClickHouse answers again
 * within seconds, and the SDK keeps the bundle meanwhile (docs/protocol.md, retries).
 */
export const STORAGE_RETRY_AFTER_SECONDS = 5;

/** Storage could not take a bundle (down, slow, disk full): answered 503 with Retry-After, never 200. */
export class StorageUnavailableError extends Error {
  readonly statusCode = 503;
  readonly retryAfter = STORAGE_RETRY_AFTER_SECONDS;
  constructor(cause: unknown) {
    super(`storage unavailable: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

const unavailable = (error: unknown): never => {
  throw new StorageUnavailableError(error);
};

/**
 * The storage ingest sees: a failure of the owner lookup, of the string-table check or of the commit becomes
 * StorageUnavailableError, so the bundle is answered 503 and retried, and the next request tries
 * storage again (nothing is latched: the collector recovers by itself when storage returns).
 */
export const guardIngest = (storage: Storage): Storage => ({
  ...storage,
  ingest: (changes) => storage.ingest(changes).catch(unavailable),
  pageOwner: (orgId, pageId) => storage.pageOwner(orgId, pageId).catch(unavailable),
  sessionStrings: (orgId, userId, sessionId, ids) => storage.sessionStrings(orgId, userId, sessionId, ids).catch(unavailable),
});
