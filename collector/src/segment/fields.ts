import { individualId, numericId } from '../enrich';
import { boundedCache } from '../storage/bounded-cache';
import { eventColumns, integer, isoTime, pageColumns } from '../export/rows';
import type { ExportRecord, UserSummary } from '../storage/types';

/**
 * The rows of FullStory's Segment Export (its "Export Fields" reference), built on the legacy Data
 * Export columns (export/rows.ts): the same values under the Segment Export's names, the fields it
 * added, and custom properties as `user_<name>_<type>` / `evt_<name>_<type>` / `page_<name>_<type>` fields. A field without
 * a value is null here and left out of the written row (format.ts). An event row's own fields are
 * the event's; its page's fields come from its prototype, shared by the page's rows.
 */
export type SegmentRow = Record<string, unknown>;

/** Prefixes of the custom property fields, which `user_*`, `evt_*`, `page_*` select. */
export const USER_PREFIX = 'user_';
export const EVENT_PREFIX = 'evt_';
export const PAGE_PREFIX = 'page_';

/** The fields of a TYPE_EVENT export, in the order a CSV without explicit fields lists them; custom properties follow. */
export const EVENT_FIELDS = [
  'IndvId', 'UserId', 'SessionId', 'PageId', 'UserCreated', 'UserAppKey', 'UserDisplayName', 'UserEmail',
  'EventStart', 'EventType', 'EventSubType', 'EventCustomName', 'EventTargetText', 'EventTargetSelector',
  'EventTargetSelectorTok', 'EventPageOffset', 'EventSessionOffset', 'EventModFrustrated', 'EventModDead',
  'EventModError', 'EventModSuspicious', 'EventCumulativeLayoutShift', 'SessionStart', 'PageStart', 'PageDuration',
  'PageActiveDuration', 'PageUrl', 'PageRefererUrl', 'PageIp', 'PageLatLong', 'PageCountry', 'PageRegion', 'PageCity',
  'PageUserAgent', 'PageBrowser', 'PageBrowserVersion',
  'PageDevice', 'PagePlatform', 'PageOperatingSystem', 'PageScreenWidth', 'PageScreenHeight', 'PageViewportWidth',
  'PageViewportHeight', 'PageNumEvents', 'PageNumDerivedEvents', 'PageNumInfos', 'PageNumWarnings', 'PageNumErrors',
  'PageClusterId', 'PageMaxScrollDepthPercent', 'LoadDomContentTime', 'LoadEventTime', 'LoadFirstPaintTime',
  'LoadLargestPaintTime', 'PageName', 'EventVarErrorKind', 'EventWebSourceFileUrl', 'ReqUrl', 'ReqMethod', 'ReqStatus',
] as const;

/** The fields of a TYPE_INDIVIDUAL export (one row per Individual); user properties follow. */
export const INDIVIDUAL_FIELDS = ['IndvId', 'UserAppKey', 'UserDisplayName', 'UserEmail', 'UserCreated'] as const;

/** Path segments that name one record rather than a kind of page: numbers, UUIDs, hex digests, tokens mixing letters and digits. */
const ID_SEGMENT = /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?=[a-z]*\d)[0-9a-f]{8,}|(?=.*\d)(?=.*[a-z])[0-9a-z_-]{16,})$/i;

/**
 * The URL's path pattern: host and path, with each id-like segment replaced by `*` and no query,
 * fragment or trailing slash (`https://shop.example/orders/1234/items/` → `shop.example/orders/*\/items`).
 */
export function pagePattern(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const segments = parsed.pathname.split('/').filter(Boolean).map((segment) => (ID_SEGMENT.test(segment) ? '*' : segment));
  return `${parsed.host.toLowerCase()}/${segments.join('/')}`;
}

/** Pages' shared fields and URL patterns kept per export, each built once (memory bound: boundedCache). */
const CLUSTER_CACHE_LIMIT = 10_000;

/** Prefixed copies of typed custom properties (`plan_str` → `user_plan_str`). */
function prefixed(prefix: string, properties: unknown): SegmentRow {
  const fields: SegmentRow = {};
  if (typeof properties !== 'object' || properties === null) return fields;
  for (const [name, value] of Object.entries(properties)) fields[prefix + name] = value;
  return fields;
}

/** The user part of a row: the legacy user columns' values with user properties as `user_*`. */
const userFields = (user: UserSummary): SegmentRow => prefixed(USER_PREFIX, user.vars);

/**
 * Builds TYPE_EVENT rows. A page's shared fields are built once while its rows stream (cached per
 * export, bounded); PageClusterId follows the event's URL, which an SPA navigation changes.
 */
export function createEventRows(): (record: ExportRecord) => SegmentRow {
  const pages = boundedCache<string, SegmentRow>(CLUSTER_CACHE_LIMIT);
  const clusters = boundedCache<string, bigint | null>(CLUSTER_CACHE_LIMIT);
  const clusterId = (orgId: string, url: string): bigint | null =>
    clusters(url, () => {
      const pattern = pagePattern(url);
      return pattern === null ? null : numericId(orgId, 'cluster', pattern);
    });
  return (record) => {
    const { fact, page } = record;
    const shared = pages(page.pageId, () => {
      const { PageAgent, CustomVars: _customVars, ...columns } = pageColumns(record);
      return {
        ...columns,
        PageUserAgent: PageAgent,
        PageNumEvents: page.numEvents,
        PageNumDerivedEvents: page.numDerivedEvents,
        LoadLargestPaintTime: integer(page.largestPaintTime),
        PageName: page.pageName,
        ...userFields(record.user),
        ...prefixed(PAGE_PREFIX, page.pageVars),
      };
    });
    const event = eventColumns(record);
    const isLoad = fact.tag === 'navigate' && event.EventSubType === 'load';
    // The page's fields are the row's prototype: shared, not copied, and serialized once per page (format.ts).
    return Object.assign(Object.create(shared) as SegmentRow, event, {
      // FullStory reports the page's layout shift on its load event; web-vitals gives it once final.
      EventCumulativeLayoutShift: isLoad ? page.cumulativeLayoutShift : null,
      PageClusterId: clusterId(record.orgId, String(event.PageUrl)),
      ...(fact.tag === 'custom' ? prefixed(EVENT_PREFIX, fact.payload.properties) : {}),
    });
  };
}

/**
 * Folds the users of each Individual (adjacent, as Storage.exportUsers orders them) into one
 * TYPE_INDIVIDUAL row: the earliest UserCreated, the latest non-empty email and display name, the
 * user properties merged with later-created users winning.
 */
export async function* individualRows(orgId: string, users: AsyncIterable<UserSummary>): AsyncGenerator<SegmentRow> {
  let current: SegmentRow | undefined;
  for await (const user of users) {
    const indvId = individualId(orgId, user.userId, user.userAppKey);
    if (current && current.IndvId !== indvId) {
      yield current;
      current = undefined;
    }
    current = {
      IndvId: indvId,
      UserAppKey: user.userAppKey,
      UserDisplayName: user.displayName ?? current?.UserDisplayName ?? null,
      UserEmail: user.email ?? current?.UserEmail ?? null,
      UserCreated: (current?.UserCreated as string | undefined) ?? isoTime(user.created),
      ...current && Object.fromEntries(Object.entries(current).filter(([name]) => name.startsWith(USER_PREFIX))),
      ...userFields(user),
    };
  }
  if (current) yield current;
}
