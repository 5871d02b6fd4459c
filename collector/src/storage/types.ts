import type { PageMetadata } from 'openstory/vocabulary';
import type { AgentFields } from '../enrich';
import type { EncodedEvents } from '../ingest/encode';
import type { GeoLocation } from '../geo';
import type { SavedSegment, SessionPage, SessionSearch } from './search-types';

export * from './search-types';

/**
 * The storage contract. Ingest derives what a bundle changes (ingest/derive.ts) and hands it over
 * as BatchChanges; export and the viewer read through the query methods; nothing above this
 * interface knows SQL. The embedded SQLite store implements it; a distributed engine (ClickHouse)
 * can implement the same methods without touching ingest/export.
 */
export interface Storage {
  /**
   * Commits all of the changes durably before resolving, or none of them; changes whose bundle
   * (orgId, pageId, seq) is already stored change nothing and resolve as a duplicate. After
   * close() it rejects. The check of the page's owner and of the session cap happens in the same
   * commit; a refused bundle changes nothing, and the other bundles of its commit are unaffected.
   */
  ingest(changes: BatchChanges): Promise<IngestResult>;
  /** Whom a page belongs to and its client clock offset so far, if it is stored. */
  pageOwner(orgId: string, pageId: string): Promise<PageOwner | undefined>;
  /** Periods (start, epoch ms) in [from, until) holding at least one export row, oldest first. */
  exportPeriods(orgId: string, from: number, until: number, periodMs: number, limit: number): Promise<number[]>;
  /** The joined records behind export rows with EventStart in [start, stop), in time order. Read lazily. */
  exportRecords(orgId: string, start: number, stop: number): AsyncIterable<ExportRecord>;
  /**
   * The users with a session active in [start, stop), grouped by Individual: ordered by
   * `individualKey` so the users of one Individual come one after another. Read lazily.
   */
  exportUsers(orgId: string, start: number, stop: number): AsyncIterable<UserSummary>;
  listSessions(query: SessionQuery): Promise<SessionSummary[]>;
  /** One page of the sessions that match every filter of the search, in its order; `next` continues after it. */
  searchSessions(search: SessionSearch): Promise<SessionPage>;
  /** Stores a named search of one org (a segment id is unique within its org). */
  saveSegment(segment: SavedSegment): Promise<void>;
  /** The org's saved segments, by name. */
  listSegments(orgId: string): Promise<SavedSegment[]>;
  getSegment(orgId: string, segmentId: string): Promise<SavedSegment | undefined>;
  getSession(orgId: string, userId: string, sessionId: string): Promise<SessionSummary | undefined>;
  /**
   * The session's rrweb events, one JSON array text per bundle, pages in start order, bundles in
   * seq order. Read lazily, so a session of any size is served with one bundle in memory; `after`
   * continues after that bundle (the viewer's paged events.json), nothing when it is not the session's.
   */
  sessionEvents(orgId: string, userId: string, sessionId: string, after?: BundleCursor): AsyncIterable<StoredBundle>;
  /** Of `ids`, the string definitions the session's stored bundles carried (docs/protocol.md, "String table"): id → text. */
  sessionStrings(orgId: string, userId: string, sessionId: string, ids: readonly string[]): Promise<Map<string, string>>;
  sessionFacts(orgId: string, userId: string, sessionId: string): Promise<StoredFact[]>;
  /**
   * The click facts with EventStart in [from, until), with their session: what insights and click
   * maps count (viewer/insights-data.ts). In time order, read lazily.
   */
  clickFacts(orgId: string, from: number, until: number): AsyncIterable<ClickRecord>;
  /** The page views (page loads) that started in [from, until), in start order, read lazily. */
  pageViews(orgId: string, from: number, until: number): AsyncIterable<PageView>;
  /** Deletes one user's data everywhere: sessions, pages, events, facts, user record. */
  deleteUser(orgId: string, selector: UserSelector): Promise<DeletionCounts>;
  /** Deletes, for good, every session whose last activity is before `cutoff` (epoch ms). */
  deleteSessionsBefore(orgId: string, cutoff: number): Promise<DeletionCounts>;
  /** Commits and answers the batches already accepted, then releases the store. */
  close(): Promise<void>;
}

/** One stored bundle of a session's events, and where it stands in the session's order. */
export interface BundleCursor {
  pageId: string;
  seq: number;
}
export interface StoredBundle extends BundleCursor {
  /** The bundle's rrweb events, as one JSON array text. */
  events: string;
}

/** The session's pages (in their order) that a read continuing after `after` visits: the cursor's own page and those after it. */
export function pagesFrom(pageIds: string[], after?: BundleCursor): string[] {
  if (!after) return pageIds;
  const index = pageIds.indexOf(after.pageId);
  return index < 0 ? [] : pageIds.slice(index);
}

/** Why a commit refused one bundle: its page is another session's, or its session is at its cap. */
export type IngestConflict = 'page-owned-elsewhere' | 'session-full';

export interface IngestResult {
  duplicate: boolean;
  refused?: IngestConflict;
}

export interface PageOwner {
  userId: string;
  sessionId: string;
  /** Smallest receivedAt − sentAt seen for the page (ms), null before the first bundle that set it. */
  clockOffset: number | null;
}

/** What a session may hold at most; a bundle that would pass either is refused. */
export interface SessionCap {
  bundles: number;
  /** Stored event JSON, in characters (before compression). */
  bytes: number;
}

export type UserSelector = { userId: string } | { userAppKey: string };

export interface DeletionCounts {
  users: number;
  sessions: number;
  pages: number;
  bundles: number;
  /** False while a reader's snapshot still holds the deleted rows in the WAL (see docs/collector.md). */
  purged?: boolean;
}

/** Page metadata as stored: the protocol's, with the start time renamed and enrichment added. */
export interface PageRecord extends Omit<PageMetadata, 'startTime'> {
  start: number;
  /** As the org's ipHandling says (enrich.storedIp): anonymized by default, '' when discarded. */
  ip: string;
  agent: AgentFields;
  /** From the full address at ingest (geo.ts); null without a database or an answer. */
  location: GeoLocation | null;
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
  /** The validated events as stored (deflated JSON text) and what derive reads of them. */
  events: EncodedEvents;
  facts: FactRecord[];
  /** String definitions the bundle carried, id → text: stored for its session in the same commit. */
  strings?: Record<string, string>;
  /** receivedAt − sentAt of this bundle (ms); the page keeps the smallest. */
  clockOffset?: number;
  sessionCap?: SessionCap;
}

/**
 * What one bundle changes, derived from an IngestBatch above storage. The backend persists it and
 * applies the merge each field names, all of them only when the bundle row is new.
 */
export interface BatchChanges extends Omit<IngestBatch, 'facts'> {
  /**
   * Earliest and latest activity (epoch ms, never after receivedAt): the session keeps the minimum
   * start and the maximum last, users the minimum `created`.
   */
  firstSeen: number;
  lastSeen: number;
  /**
   * The page row is created by the page's first bundle to arrive, whatever its seq, and takes the
   * `page` metadata when present; then this state change applies to it.
   */
  pageState: PageStateChange;
  facts: FactChange[];
  /** UserId → UserAppKey (null after anonymize), in stream order; each user is created when missing. */
  identities: Array<[userId: string, appKey: string | null]>;
  /** Changes to the sender's user record, absent when the bundle sets none. */
  userVars?: UserVarsChange;
  /** Added to the session's counters; the session's page count grows when this bundle creates the page. */
  session: SessionCounts;
}

/** Page state a bundle sets; an absent field leaves the stored value alone. */
export interface PageStateChange {
  /** Replace the stored value: each is the last one the bundle sent. */
  url?: string;
  numInfos?: number;
  numWarnings?: number;
  numErrors?: number;
  loadDomContentTime?: number;
  loadEventTime?: number;
  loadFirstPaintTime?: number;
  /** The page's latest Largest Contentful Paint (ms) and Cumulative Layout Shift score, as web-vitals reports them final. */
  largestPaintTime?: number;
  cumulativeLayoutShift?: number;
  /** Keep the larger of the stored value and this one: totals only grow, a late retry must not shrink them. */
  duration?: number;
  activeDuration?: number;
  maxScrollDepthPercent?: number;
  /** FS('setProperties', { type: 'page' }): the name replaces, the vars merge over the stored ones. */
  pageName?: string;
  pageVars?: Record<string, unknown>;
}

/**
 * A fact to store. Its page snapshot (URL, console totals) is what the bundle itself set before the
 * fact, or null where the bundle had set nothing yet: then it is the page's stored value as it stood
 * before this bundle (the previous bundles of the page decide it).
 */
export interface FactChange extends Omit<StoredFact, 'pageUrl' | 'numInfos' | 'numWarnings' | 'numErrors'> {
  pageUrl: string | null;
  numInfos: number | null;
  numWarnings: number | null;
  numErrors: number | null;
  /** The fact becomes a Data Export row (the others are for the viewer). */
  row: boolean;
}

export interface UserVarsChange {
  /** Replace when set. */
  email?: string;
  displayName?: string;
  /** Merged over the stored vars with facts.mergeUserVars. */
  vars: Record<string, unknown>;
}

export interface SessionCounts {
  events: number;
  rageClicks: number;
  deadClicks: number;
  errorClicks: number;
  errors: number;
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
  largestPaintTime: number | null;
  cumulativeLayoutShift: number | null;
}

export interface PageSummary extends PageTotals {
  pageId: string;
  start: number | null;
  url: string;
  referrer: string;
  userAgent: string;
  ip: string;
  agent: AgentFields;
  location: GeoLocation | null;
  screenWidth: number | null;
  screenHeight: number | null;
  viewportWidth: number | null;
  viewportHeight: number | null;
  /** Export rows of the page, and those of them the SDK derives from other input (thrash, abandon). */
  numEvents: number;
  numDerivedEvents: number;
  /** FS('setProperties', { type: 'page' }): `pageName`, and the other properties with their type suffixes. */
  pageName: string | null;
  pageVars: Record<string, unknown>;
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
  /** The first page's location (ISO country code, English city name), null when unknown. */
  country: string | null;
  city: string | null;
}

/** A click fact as insights read it: its payload's fields, its page and session. */
export interface ClickRecord {
  userId: string;
  sessionId: string;
  pageId: string;
  timestamp: number;
  /** The page's URL when the click happened (after SPA navigations). */
  pageUrl: string;
  selector: string;
  text: string;
  /** The click's position in the rage burst (1 for the first click of a burst), 0 outside one. */
  frustrated: number;
  dead: boolean;
  error: boolean;
  /** Page (document) coordinates of the click, when the SDK recorded them. */
  x: number | null;
  y: number | null;
}

/** A page load, with the totals the insights show per page. */
export interface PageView {
  userId: string;
  sessionId: string;
  pageId: string;
  start: number;
  url: string;
  numErrors: number;
  duration: number | null;
  maxScrollDepthPercent: number | null;
}
