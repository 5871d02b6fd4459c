import { mergeUserVars } from '../facts';
import { locationColumns, parseJson, type Row } from './sqlite-rows';
import type { PageRecord, PageStateChange } from './types';

/**
 * The state SQLite keeps in its pages and users rows, derived here from bundle rows (see
 * storage/clickhouse-schema.ts) by applying each bundle's changes in arrival order with SQLite's
 * merges: the result has SQLite's column names, so sqlite-rows.ts maps both backends' rows to the
 * same records and both exports are identical.
 */
export interface BundleMeta {
  org_id: string;
  page_id: string;
  seq: number;
  user_id: string;
  session_id: string;
  received_at: number;
  first_seen: number;
  clock_offset?: number | null;
  /** JSON: PageRecord, '' when the bundle carried none. */
  page?: string;
  /** JSON: PageStateChange. */
  page_state?: string;
  /** JSON: Array<[userId, appKey | null]>. */
  identities?: string;
  /** JSON: UserVarsChange, '' when the bundle set none. */
  user_vars?: string;
  fact_tag?: string[];
  fact_is_row?: number[];
}

/** Arrival order: SQLite applies bundles as their commits come; here the receive time, then seq. */
export const byArrival = (a: BundleMeta, b: BundleMeta): number =>
  a.received_at - b.received_at || (a.page_id < b.page_id ? -1 : a.page_id > b.page_id ? 1 : 0) || a.seq - b.seq;

/** A pages row as SQLite creates it for the first bundle of a page (storage/migrations.ts defaults). */
export const stubPage = (first: BundleMeta): Row => ({
  page_id: first.page_id, user_id: first.user_id, session_id: first.session_id,
  start: null, url: '', current_url: '', referrer: '', user_agent: '', ip: '',
  browser: 'Unknown', browser_version: '', device: 'Unknown', os: 'Unknown',
  screen_width: null, screen_height: null, viewport_width: null, viewport_height: null, time_zone: null, language: null,
  num_infos: 0, num_warnings: 0, num_errors: 0, duration: null, active_duration: null, max_scroll: null,
  load_dom_content: null, load_event: null, load_first_paint: null, load_largest_paint: null, cumulative_layout_shift: null,
  page_name: null, page_vars: '{}', clock_offset: null, num_events: 0, num_derived_events: 0, ...locationColumns(null),
});

/** sqlite-ingest's setPageMetadata. */
export function applyPageMetadata(row: Row, page: PageRecord): void {
  Object.assign(row, {
    start: page.start, url: page.url, current_url: row.current_url === '' ? page.url : row.current_url, referrer: page.referrer,
    user_agent: page.userAgent, ip: page.ip, browser: page.agent.PageBrowser, browser_version: page.agent.PageBrowserVersion,
    device: page.agent.PageDevice, os: page.agent.PageOperatingSystem, screen_width: page.screenWidth, screen_height: page.screenHeight,
    viewport_width: page.viewportWidth, viewport_height: page.viewportHeight, time_zone: page.timeZone ?? null, language: page.language ?? null,
    // Absent from the page JSON of bundles stored before geolocation: no location, as SQLite's migration leaves it.
    ...locationColumns(page.location),
  });
}

/** The page state a fact happened in when its bundle set none before it (sqlite-ingest's selectSnapshot). */
export const snapshotOf = (row: Row) => ({
  page_url: row.current_url === '' ? row.url : row.current_url,
  num_infos: row.num_infos, num_warnings: row.num_warnings, num_errors: row.num_errors,
});

/** SQLite's json_patch (RFC 7396) for the page properties: null removes, objects merge. */
function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else if (typeof value === 'object' && !Array.isArray(value)) {
      const stored = merged[key];
      merged[key] = mergePatch(typeof stored === 'object' && stored !== null && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {}, value as Record<string, unknown>);
    } else merged[key] = value;
  }
  return merged;
}

const larger = (stored: unknown, value: number | undefined) => (value === undefined ? stored : Math.max((stored as number | null) ?? 0, value));

/** sqlite-ingest's setPageState: replace where set, totals keep the larger, properties merge. */
export function applyPageState(row: Row, state: PageStateChange): void {
  const replace: Array<[string, unknown]> = [
    ['current_url', state.url], ['num_infos', state.numInfos], ['num_warnings', state.numWarnings], ['num_errors', state.numErrors],
    ['load_dom_content', state.loadDomContentTime], ['load_event', state.loadEventTime], ['load_first_paint', state.loadFirstPaintTime],
    ['load_largest_paint', state.largestPaintTime], ['cumulative_layout_shift', state.cumulativeLayoutShift], ['page_name', state.pageName],
  ];
  for (const [column, value] of replace) if (value !== undefined && value !== null) row[column] = value;
  row.duration = larger(row.duration, state.duration);
  row.active_duration = larger(row.active_duration, state.activeDuration);
  row.max_scroll = larger(row.max_scroll, state.maxScrollDepthPercent);
  if (state.pageVars) row.page_vars = JSON.stringify(mergePatch(parseJson(row.page_vars), state.pageVars));
}

/** One bundle's page changes, in sqlite-ingest's order (metadata, clock offset, state). */
export function applyBundle(row: Row, bundle: BundleMeta): void {
  if (bundle.page) applyPageMetadata(row, JSON.parse(bundle.page) as PageRecord);
  if (bundle.clock_offset !== undefined && bundle.clock_offset !== null) {
    row.clock_offset = Math.min((row.clock_offset as number | null) ?? bundle.clock_offset, bundle.clock_offset);
  }
  if (bundle.page_state) applyPageState(row, JSON.parse(bundle.page_state) as PageStateChange);
}

/** The pages row of one page from its bundle rows (any order), undefined when none is stored. */
export function foldPage(bundles: BundleMeta[], derivedTags: ReadonlySet<string>): Row | undefined {
  if (bundles.length === 0) return undefined;
  const ordered = [...bundles].sort(byArrival);
  const row = stubPage(ordered[0]);
  for (const bundle of ordered) {
    applyBundle(row, bundle);
    (bundle.fact_tag ?? []).forEach((tag, index) => {
      if (bundle.fact_is_row?.[index] !== 1) return;
      row.num_events = (row.num_events as number) + 1;
      if (derivedTags.has(tag)) row.num_derived_events = (row.num_derived_events as number) + 1;
    });
  }
  return row;
}

/**
 * The users row of `userId` from the bundles it sent or was identified in (any order): created is
 * the earliest first activity, the app key the last identification, email and name the last set,
 * vars merged in arrival order (facts.mergeUserVars). Undefined when no bundle names the user.
 */
export function foldUser(userId: string, bundles: BundleMeta[]): Row | undefined {
  let row: Row | undefined;
  for (const bundle of [...bundles].sort(byArrival)) {
    const identities = JSON.parse(bundle.identities || '[]') as Array<[string, string | null]>;
    const named = identities.filter(([identified]) => identified === userId);
    if (bundle.user_id !== userId && named.length === 0) continue;
    row ??= { user_id: userId, created: bundle.first_seen, user_app_key: null, email: null, display_name: null, vars: '{}' };
    row.created = Math.min(row.created as number, bundle.first_seen);
    for (const [, appKey] of named) row.user_app_key = appKey;
    if (bundle.user_id === userId && bundle.user_vars) {
      const change = JSON.parse(bundle.user_vars) as { email?: string; displayName?: string; vars: Record<string, unknown> };
      row.email = change.email ?? row.email;
      row.display_name = change.displayName ?? row.display_name;
      row.vars = JSON.stringify(mergeUserVars(parseJson(row.vars), change.vars));
    }
  }
  return row;
}
