import { finite, text } from '../facts';
import { individualId } from '../enrich';
import type { ExportRecord } from '../storage/types';

/**
 * Every column FullStory's export clients know (DESIGN.md, "Compatibility with FullStory's export
 * clients"), in that order. Custom user vars follow as columns of their own. docs/data-export.md
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
  'ReqMethod', 'ReqStatus',
] as const;

export type ExportColumn = (typeof EXPORT_COLUMNS)[number];
export type ExportRow = Record<ExportColumn, unknown> & Record<string, unknown>;

const KNOWN_COLUMNS: ReadonlySet<string> = new Set(EXPORT_COLUMNS);
/** JavaScript Dates end at ±8.64e15 ms; a client timestamp beyond that has no ISO form. */
const MAX_DATE_MS = 8.64e15;

/** The seed's dateTime form (XML Schema, UTC): 2018-01-04T20:07:11.191Z. */
export const isoTime = (ms: number | null | undefined): string | null =>
  typeof ms === 'number' && Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? new Date(ms).toISOString() : null;

/** The human form of a FullStory-encoded selector token: `.my%2Dclass` → `.my-class`. */
function decodeSelector(token: string): string {
  return token.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const modifier = (value: unknown): number => finite(value) ?? 0;

/** One Data Export row from one stored fact and the page, session and user it belongs to. */
export function exportRow(record: ExportRecord): ExportRow {
  const { fact, page, user } = record;
  const payload = fact.payload;
  const selectorTok = text(payload.EventTargetSelectorTok) ?? null;
  const row: ExportRow = {
    EventCustomName: fact.tag === 'custom' ? text(payload.EventCustomName) ?? null : null,
    EventStart: isoTime(fact.timestamp),
    EventType: fact.tag,
    EventSubType: fact.tag === 'navigate' ? text(payload.EventSubType) ?? null : null,
    EventTargetText: text(payload.EventTargetText) ?? null,
    EventTargetSelectorTok: selectorTok,
    EventTargetSelector: selectorTok === null ? null : decodeSelector(selectorTok),
    EventModFrustrated: modifier(payload.EventModFrustrated),
    EventModDead: modifier(payload.EventModDead),
    EventModError: modifier(payload.EventModError),
    EventModSuspicious: modifier(payload.EventModSuspicious),
    EventPageOffset: page.start === null ? null : fact.timestamp - page.start,
    EventSessionOffset: fact.timestamp - record.sessionStart,
    EventWebSourceFileUrl: null,
    IndvId: individualId(record.orgId, user.userId, user.userAppKey),
    UserId: user.userId,
    UserAppKey: user.userAppKey,
    UserEmail: user.email,
    UserDisplayName: user.displayName,
    UserCreated: isoTime(user.created),
    CustomVars: JSON.stringify(user.vars),
    SessionId: record.sessionId,
    SessionStart: isoTime(record.sessionStart),
    PageId: page.pageId,
    PageStart: isoTime(page.start),
    PageClusterId: null,
    PageUrl: fact.pageUrl || page.url,
    PageDuration: page.duration,
    PageActiveDuration: page.activeDuration,
    PageRefererUrl: page.referrer,
    PageLatLong: null,
    PageAgent: page.userAgent,
    PageIp: page.ip,
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
    PageNumInfos: fact.numInfos,
    PageNumWarnings: fact.numWarnings,
    PageNumErrors: fact.numErrors,
    LoadDomContentTime: page.loadDomContentTime,
    LoadFirstPaintTime: page.loadFirstPaintTime,
    LoadEventTime: page.loadEventTime,
    ReqUrl: null,
    ReqMethod: null,
    ReqStatus: null,
  };
  for (const [name, value] of Object.entries(user.vars)) if (!KNOWN_COLUMNS.has(name)) row[name] = value;
  return row;
}
