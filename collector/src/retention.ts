import type { CollectorConfig } from './config';
import type { DeletionCounts, Storage } from './storage/types';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Deletes, for every org, the sessions whose last activity is older than the org's retention. */
export async function sweepRetention(storage: Storage, config: CollectorConfig, now: number): Promise<Record<string, DeletionCounts>> {
  const results: Record<string, DeletionCounts> = {};
  for (const org of config.orgs) results[org.id] = await storage.deleteSessionsBefore(org.id, now - org.retentionDays * DAY_MS);
  return results;
}
