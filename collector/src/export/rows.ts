import { finite, text } from '../facts';
import { individualId, numericId } from '../enrich';
import { latLong } from '../geo';
import type { ExportRecord } from '../storage/types';
import { jsonObject } from './json';

/**
 * Every column FullStory's export clients ask for (the Data Export field list, and the fields
 * hauser, FullStory's export loader, requests), in that order, then the location's parts. Custom user vars follow as columns of their own. docs/data-export.md
 * says how each is derived.
 */
export const EXPORT_COLUMNS = [
  'EventCustomName', 'EventStart', 'EventType', 'EventSubType', 'EventTargetText', 'EventTargetSelectorTok',
  'EventTargetSelector', 'EventModFrustrated', 'EventModDead', 'EventModError', 'EventModSuspicious',
  'EventPageOffset', 'EventSessionOffset', 'EventWebSourceFileUrl', 'IndvId', 'UserId', 'UserAppKey', 'UserEmail',
  'UserDisplayName', 'UserCreated', 'CustomVars', 'SessionId', 'SessionStart', 'PageId', 'PageStart', 'PageClusterId',
  'PageUrl', 'PageDuration', 'PageActiveDuration', 'PageRefererUrl', 'PageLatLong', 'PageAgent', 'PageIp',
  'PageBrowser', 'PageBrowserVersion', 'PageDevice', 'PageOperatingSystem', 'PagePlatform', 'PageScreenWidth',
  'PageScreenHeight', 'PageViewportWidth', 'PageViewportHeight', 'PageMaxScrollDepthPercent', 'PageNumInfos',
  'PageNumWarnings', 'PageNumErrors', 'LoadDomContentTime', 'LoadFirstPaintTime', 'LoadEventTime', 'ReqUrl',
  'ReqMethod', 'ReqStatus', 'EventVarErrorKind',
  // openstory's: FullStory exports the location as PageLatLong only; these name its parts in the same style.
  'PageCountry', 'PageRegion', 'PageCity',
] as const;

export type ExportColumn = (typeof EXPORT_COLUMNS)[number];
export type ExportRow = Record<ExportColumn, unknown> & Record<string, unknown>;

const KNOWN_COLUMNS: ReadonlySet<string> = new Set(EXPORT_COLUMNS);
/** JavaScript Dates end at ±8.64e15 ms; a client timestamp beyond that has no ISO form. */
const MAX_DATE_MS = 8.64e15;

/** FullStory's Data Export dateTime form (XML Schema, UTC): 2018-01-04T20:07:11.191Z. */
export const isoTime = (ms: number | null | undefined): string | null =>
  typeof ms === 'number' && Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? new Date(ms).toISOString() : null;

/** The human form of a FullStory-encoded selector token: `.my%2Dclass` → `.my-class`. */
function decodeSelector(token: string): string {
  return token.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Integer columns (BIGINT in hauser's schema) are rounded: browsers report timings with fractions. */
export const integer = (value: unknown): number | null => {
  const number = finite(value);
  return number === undefined ? null : Math.round(number);
};
const modifier = (value: unknown): number => integer(value) ?? 0;

/** FullStory's Data Export event types of the facts whose tag is not already one (docs/data-export.md). */
const EVENT_TYPES: Record<string, string> = { log: 'console_message', error: 'exception' };

/**
 * EventSubType: a navigation's kind, a console message's level (FullStory's own is always
 * `error`, it keeps no other level), `uncaught` for every exception (the SDK sees no caught ones).
 */
function subType(tag: string, payload: Record<string, unknown>): string | null {
  if (tag === 'navigate') return text(payload.EventSubType) ?? null;
  if (tag === 'log') return text(payload.level) ?? null;
  return tag === 'error' ? 'uncaught' : null;
}

/** The columns that change from event to event: the event itself and the page state at that moment. */
export function eventColumns(record: ExportRecord): Record<string, unknown> {
  const { fact, page } = record;
  const payload = fact.payload;
  const selectorTok = text(payload.EventTargetSelectorTok) ?? null;
  return {
    EventCustomName: fact.tag === 'custom' ? text(payload.EventCustomName) ?? null : null,
    EventStart: isoTime(fact.timestamp),
    EventType: EVENT_TYPES[fact.tag] ?? fact.tag,
    EventSubType: subType(fact.tag, payload),
    // A console message's text is its EventTargetText (FullStory's console_message); an exception's too (our choice).
    EventTargetText: text(fact.tag === 'log' || fact.tag === 'error' ? payload.message : payload.EventTargetText) ?? null,
    EventTargetSelectorTok: selectorTok,
    EventTargetSelector: selectorTok === null ? null : decodeSelector(selectorTok),
    EventModFrustrated: modifier(payload.EventModFrustrated),
    EventModDead: modifier(payload.EventModDead),
    EventModError: modifier(payload.EventModError),
    EventModSuspicious: modifier(payload.EventModSuspicious),
    EventPageOffset: page.start === null ? null : integer(fact.timestamp - page.start),
    EventSessionOffset: integer(fact.timestamp - record.sessionStart),
    EventWebSourceFileUrl: text(payload.EventWebSourceFileUrl) ?? null,
    // FullStory leaves the values open: the SDK's kind (`error`, `unhandledrejection`), `console` for console errors.
    EventVarErrorKind: fact.tag === 'error' ? text(payload.kind) ?? null : fact.tag === 'log' && payload.level === 'error' ? 'console' : null,
    ReqUrl: fact.tag === 'request' ? text(payload.ReqUrl) ?? null : null,
    ReqMethod: fact.tag === 'request' ? text(payload.ReqMethod) ?? null : null,
    ReqStatus: fact.tag === 'request' ? integer(payload.ReqStatus) : null,
    PageUrl: fact.pageUrl || page.url,
    PageNumInfos: integer(fact.numInfos),
    PageNumWarnings: integer(fact.numWarnings),
    PageNumErrors: integer(fact.numErrors),
  };
}

/** The columns shared by every row of one page: user, session, page metadata and totals. */
export function pageColumns(record: ExportRecord): Record<string, unknown> {
  const { page, user } = record;
  return {
    IndvId: individualId(record.orgId, user.userId, user.userAppKey),
    UserId: numericId(record.orgId, 'user', user.userId),
    UserAppKey: user.userAppKey,
    UserEmail: user.email,
    UserDisplayName: user.displayName,
    UserCreated: isoTime(user.created),
    CustomVars: JSON.stringify(user.vars),
    SessionId: numericId(record.orgId, 'session', `${user.userId}:${record.sessionId}`),
    SessionStart: isoTime(record.sessionStart),
    PageId: numericId(record.orgId, 'page', page.pageId),
    PageStart: isoTime(page.start),
    PageClusterId: null,
    PageDuration: integer(page.duration),
    PageActiveDuration: integer(page.activeDuration),
    PageRefererUrl: page.referrer,
    PageLatLong: latLong(page.location),
    PageCountry: page.location?.country ?? null,
    PageRegion: page.location?.region ?? null,
    PageCity: page.location?.city ?? null,
    PageAgent: page.userAgent,
    PageIp: page.ip || null,
    PageBrowser: page.agent.PageBrowser,
    PageBrowserVersion: page.agent.PageBrowserVersion,
    PageDevice: page.agent.PageDevice,
    PageOperatingSystem: page.agent.PageOperatingSystem,
    PagePlatform: 'Web',
    PageScreenWidth: page.screenWidth,
    PageScreenHeight: page.screenHeight,
    PageViewportWidth: page.viewportWidth,
    PageViewportHeight: page.viewportHeight,
    PageMaxScrollDepthPercent: page.maxScrollDepthPercent,
    LoadDomContentTime: integer(page.loadDomContentTime),
    LoadFirstPaintTime: integer(page.loadFirstPaintTime),
    LoadEventTime: integer(page.loadEventTime),
  };
}

/** The legacy export's columns of a page: pageColumns, then each custom var as a column of its own. */
function legacyPageColumns(record: ExportRecord): Record<string, unknown> {
  const columns = pageColumns(record);
  for (const [name, value] of Object.entries(record.user.vars)) if (!KNOWN_COLUMNS.has(name)) columns[name] = value;
  return columns;
}

/** One Data Export row from one stored fact and the page, session and user it belongs to. */
export function exportRow(record: ExportRecord): ExportRow {
  return { ...eventColumns(record), ...legacyPageColumns(record) } as ExportRow;
}

/** Pages whose shared columns are kept serialized during one export (memory bound). */
const PAGE_CACHE_LIMIT = 10_000;

/**
 * Serializes rows as exportRow would, with each page's shared columns serialized once: a page's
 * rows differ only in their event columns, and serialization dominates export time.
 */
export function createRowSerializer(): (record: ExportRecord) => string {
  const pages = new Map<string, string>();
  return (record) => {
    let shared = pages.get(record.page.pageId);
    if (shared === undefined) {
      if (pages.size >= PAGE_CACHE_LIMIT) pages.clear();
      shared = jsonObject(legacyPageColumns(record)).slice(1);
      pages.set(record.page.pageId, shared);
    }
    return `${jsonObject(eventColumns(record)).slice(0, -1)},${shared}`;
  };
}
