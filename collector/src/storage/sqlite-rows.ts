import type { GeoLocation } from '../geo';
import { eventsText } from '../ingest/encode';
import type { FactChange, PageRecord, PageStateChange, PageSummary, SessionSummary, StoredFact, UserSummary } from './types';

/**
 * Row mapping between the SQLite tables (storage/migrations.ts) and the storage types: column
 * names and JSON texts live here, so the queries in sqlite.ts read as queries.
 */
export type Row = Record<string, unknown>;

export const parseJson = (value: unknown): Record<string, unknown> => {
  try {
    const parsed = JSON.parse(String(value));
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
};

export const userFrom = (row: Row, userId: string): UserSummary => ({
  userId,
  userAppKey: (row.user_app_key as string | null) ?? null,
  email: (row.email as string | null) ?? null,
  displayName: (row.display_name as string | null) ?? null,
  vars: parseJson(row.vars ?? '{}'),
  created: (row.created as number | null) ?? 0,
});

/** The location columns (storage/migrations.ts), null when the page has none. */
const locationFrom = (row: Row): GeoLocation | null => {
  const location = {
    latitude: (row.latitude as number | null) ?? null,
    longitude: (row.longitude as number | null) ?? null,
    country: (row.country as string | null) ?? null,
    region: (row.region as string | null) ?? null,
    city: (row.city as string | null) ?? null,
  };
  return Object.values(location).some((value) => value !== null) ? location : null;
};

export const pageFrom = (row: Row): PageSummary => ({
  pageId: row.page_id as string,
  start: row.start as number | null,
  url: row.url as string,
  referrer: row.referrer as string,
  userAgent: row.user_agent as string,
  ip: row.ip as string,
  agent: {
    PageBrowser: row.browser as string,
    PageBrowserVersion: row.browser_version as string,
    PageDevice: row.device as string,
    PageOperatingSystem: row.os as string,
  },
  location: locationFrom(row),
  screenWidth: row.screen_width as number | null,
  screenHeight: row.screen_height as number | null,
  viewportWidth: row.viewport_width as number | null,
  viewportHeight: row.viewport_height as number | null,
  duration: row.duration as number | null,
  activeDuration: row.active_duration as number | null,
  maxScrollDepthPercent: row.max_scroll as number | null,
  loadDomContentTime: row.load_dom_content as number | null,
  loadEventTime: row.load_event as number | null,
  loadFirstPaintTime: row.load_first_paint as number | null,
  largestPaintTime: row.load_largest_paint as number | null,
  cumulativeLayoutShift: row.cumulative_layout_shift as number | null,
  numEvents: (row.num_events as number | null) ?? 0,
  numDerivedEvents: (row.num_derived_events as number | null) ?? 0,
  pageName: (row.page_name as string | null) ?? null,
  pageVars: parseJson(row.page_vars ?? '{}'),
});

export const factFrom = (row: Row): StoredFact => ({
  pageId: row.page_id as string,
  seq: row.seq as number,
  index: row.idx as number,
  timestamp: row.ts as number,
  tag: row.tag as string,
  payload: parseJson(row.payload),
  pageUrl: row.page_url as string,
  numInfos: row.num_infos as number,
  numWarnings: row.num_warnings as number,
  numErrors: row.num_errors as number,
});

export const sessionFrom = (row: Row): SessionSummary => ({
  orgId: row.org_id as string,
  userId: row.user_id as string,
  sessionId: row.session_id as string,
  user: userFrom(row, row.user_id as string),
  start: row.start as number,
  last: row.last as number,
  pages: row.pages as number,
  events: row.events as number,
  rageClicks: row.rage_clicks as number,
  deadClicks: row.dead_clicks as number,
  errorClicks: row.error_clicks as number,
  errors: row.errors as number,
  browser: (row.browser as string | null) ?? 'Unknown',
  device: (row.device as string | null) ?? 'Unknown',
  operatingSystem: (row.os as string | null) ?? 'Unknown',
  country: (row.country as string | null) ?? null,
  city: (row.city as string | null) ?? null,
});

/** Named parameters for the pages columns set from seq-0 metadata. */
export const pageMetadataParams = (orgId: string, pageId: string, page: PageRecord) => ({
  orgId, pageId, start: page.start, url: page.url, referrer: page.referrer, userAgent: page.userAgent, ip: page.ip,
  browser: page.agent.PageBrowser, browserVersion: page.agent.PageBrowserVersion, device: page.agent.PageDevice,
  os: page.agent.PageOperatingSystem, screenWidth: page.screenWidth, screenHeight: page.screenHeight,
  viewportWidth: page.viewportWidth, viewportHeight: page.viewportHeight, timeZone: page.timeZone, language: page.language,
  ...locationColumns(page.location),
});

/** A page's location as its columns (the names pageFrom reads and setPageMetadata binds); all null without one. */
export const locationColumns = (location: GeoLocation | null | undefined) => ({
  latitude: location?.latitude ?? null, longitude: location?.longitude ?? null,
  country: location?.country ?? null, region: location?.region ?? null, city: location?.city ?? null,
});

/** Named parameters for a page state change: null where the bundle leaves a column alone. */
export const pageStateParams = (orgId: string, pageId: string, change: PageStateChange) => ({
  orgId, pageId,
  url: change.url ?? null,
  numInfos: change.numInfos ?? null,
  numWarnings: change.numWarnings ?? null,
  numErrors: change.numErrors ?? null,
  loadDomContentTime: change.loadDomContentTime ?? null,
  loadEventTime: change.loadEventTime ?? null,
  loadFirstPaintTime: change.loadFirstPaintTime ?? null,
  largestPaintTime: change.largestPaintTime ?? null,
  cumulativeLayoutShift: change.cumulativeLayoutShift ?? null,
  duration: change.duration ?? null,
  activeDuration: change.activeDuration ?? null,
  maxScrollDepthPercent: change.maxScrollDepthPercent ?? null,
  pageName: change.pageName ?? null,
  pageVars: change.pageVars ? JSON.stringify(change.pageVars) : null,
});

/**
 * A facts row's values in column order (positional: binding is cheaper than by name, and facts are
 * the most written rows); a null snapshot column takes the page row's value from before the bundle.
 */
export const factValues = (orgId: string, fact: FactChange, pageBefore: Row) => [
  orgId, fact.pageId, fact.seq, fact.index, fact.timestamp, fact.tag, JSON.stringify(fact.payload),
  fact.pageUrl ?? pageBefore.page_url,
  fact.numInfos ?? pageBefore.num_infos,
  fact.numWarnings ?? pageBefore.num_warnings,
  fact.numErrors ?? pageBefore.num_errors,
  fact.row ? 1 : 0,
];

/** A bundle row's events as JSON text: deflated since schema 9, plain text in rows stored before. */
export const storedEventsText = (row: Row): string =>
  row.events_deflated ? eventsText(row.events_deflated as Buffer) : (row.events as string);
