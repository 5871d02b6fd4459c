import { EXPORT_PERIOD_MAX_MINUTES, EXPORT_PERIOD_MIN_MINUTES, type OrgConfig } from '../config';

/** How many bundles one list call returns; a client lists again from the last Stop (as hauser does). */
export const LIST_LIMIT = 100;

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** The ID packs the period's start and length, so a bundle stays addressable after the org's period changes. */
const ID_FACTOR = 10_000;

export interface ExportBundleRef {
  Start: number;
  Stop: number;
  ID: number;
}

export interface Period {
  start: number;
  stop: number;
}

export const periodMs = (org: OrgConfig): number => org.exportPeriodMinutes * MINUTE_MS;

/** The latest instant whose bundles may be listed: periods must have ended `exportDelayMinutes` ago. */
export const availableUntil = (org: OrgConfig, now: number): number => now - org.exportDelayMinutes * MINUTE_MS;

/** Exports match the session retention (as FullStory's Data Export does): nothing older can be listed or fetched. */
export const retainedFrom = (org: OrgConfig, now: number): number => now - org.retentionDays * DAY_MS;

export function bundleRef(start: number, periodMinutes: number): ExportBundleRef {
  const startSeconds = start / 1000;
  return { Start: startSeconds, Stop: startSeconds + periodMinutes * 60, ID: startSeconds * ID_FACTOR + periodMinutes };
}

/** The period an ID names, or undefined when the ID is not one this collector could have listed. */
export function periodOfId(id: number): Period | undefined {
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  const minutes = id % ID_FACTOR;
  const startSeconds = (id - minutes) / ID_FACTOR;
  if (minutes < EXPORT_PERIOD_MIN_MINUTES || minutes > EXPORT_PERIOD_MAX_MINUTES) return undefined;
  const length = minutes * MINUTE_MS;
  const start = startSeconds * 1000;
  if (start % length !== 0) return undefined;
  return { start, stop: start + length };
}
