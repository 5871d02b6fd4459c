import type { eventWithTime, PageMetadata } from 'openstory/vocabulary';
import type { AgentFields } from '../enrich';

/**
 * The storage contract. Ingest writes IngestBatch values, export and the viewer read through the
 * query methods; nothing above this interface knows SQL. The embedded SQLite store implements it;
 * a distributed engine (ClickHouse) can implement the same methods without touching ingest/export.
 */
export interface Storage {
  /** Commits the batch durably before resolving; a batch whose (orgId, pageId, seq) exists is not stored again. */
  ingest(batch: IngestBatch): Promise<{ duplicate: boolean }>;
  /** Periods (start, epoch ms) in [from, until) holding at least one export row, oldest first. */
  exportPeriods(orgId: string, from: number, until: number, periodMs: number, limit: number): Promise<number[]>;
  /** The joined records behind export rows with EventStart in [start, stop), in time order. Read lazily. */
  exportRecords(orgId: string, start: number, stop: number): AsyncIterable<ExportRecord>;
  listSessions(query: SessionQuery): Promise<SessionSummary[]>;
  getSession(orgId: string, userId: string, sessionId: string): Promise<SessionSummary | undefined>;
  /** The session's rrweb events as one JSON array text, pages in start order, bundles in seq order. */
  sessionEventsJson(orgId: string, userId: string, sessionId: string): Promise<string>;
  sessionFacts(orgId: string, userId: string, sessionId: string): Promise<StoredFact[]>;
  /** Deletes one user's data everywhere: sessions, pages, events, facts, user record. */
  deleteUser(orgId: string, selector: UserSelector): Promise<DeletionCounts>;
  /** Deletes, for good, every session whose last activity is before `cutoff` (epoch ms). */
  deleteSessionsBefore(orgId: string, cutoff: number): Promise<DeletionCounts>;
  close(): Promise<void>;
}

export type UserSelector = { userId: string } | { userAppKey: string };

export interface DeletionCounts {
  users: number;
  sessions: number;
  pages: number;
  bundles: number;
}

/** Page metadata as stored: the protocol's, with the start time renamed and enrichment added. */
export interface PageRecord extends Omit<PageMetadata, 'startTime'> {
  start: number;
  /** Already anonymized (enrich.anonymizeIp). */
  ip: string;
  agent: AgentFields;
}

/** A Custom event with a known fact tag, as it sits in its bundle. */
export interface FactRecord {
  index: number;
  timestamp: number;
  tag: string;
  payload: Record<string, unknown>;
}

export interface IngestBatch {
  orgId: string;
  userId: string;
  sessionId: string;
  pageId: string;
  seq: number;
  receivedAt: number;
  /** Set on seq 0. */
  page?: PageRecord;
  events: eventWithTime[];
  facts: FactRecord[];
}

/** A stored fact with the page state it happened in (the URL and console totals at that moment). */
export interface StoredFact {
  pageId: string;
  seq: number;
  index: number;
  timestamp: number;
  tag: string;
  payload: Record<string, unknown>;
  pageUrl: string;
  numInfos: number;
  numWarnings: number;
  numErrors: number;
}

/** A page's totals, the same on every export row of the page (milliseconds, percent). */
export interface PageTotals {
  duration: number | null;
  activeDuration: number | null;
  maxScrollDepthPercent: number | null;
  loadDomContentTime: number | null;
  loadEventTime: number | null;
  loadFirstPaintTime: number | null;
}

export interface PageSummary extends PageTotals {
  pageId: string;
  start: number | null;
  url: string;
  referrer: string;
  userAgent: string;
  ip: string;
  agent: AgentFields;
  screenWidth: number | null;
  screenHeight: number | null;
  viewportWidth: number | null;
  viewportHeight: number | null;
}

export interface UserSummary {
  userId: string;
  userAppKey: string | null;
  email: string | null;
  displayName: string | null;
  vars: Record<string, unknown>;
  created: number;
}

export interface ExportRecord {
  orgId: string;
  fact: StoredFact;
  page: PageSummary;
  user: UserSummary;
  sessionId: string;
  sessionStart: number;
}

export interface SessionQuery {
  orgId?: string;
  limit: number;
}

export interface SessionSummary {
  orgId: string;
  userId: string;
  sessionId: string;
  user: UserSummary;
  start: number;
  last: number;
  pages: number;
  events: number;
  rageClicks: number;
  deadClicks: number;
  errorClicks: number;
  errors: number;
  browser: string;
  device: string;
  operatingSystem: string;
}
