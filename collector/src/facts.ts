import { EventType, type eventWithTime, FACT, type FactTag, ID_PATTERN, PROPERTY_LIMITS } from 'openstory/vocabulary';
import type { FactChange, FactRecord, PageStateChange, SessionCounts } from './storage/types';

/**
 * Fact tags that become Data Export rows (FullStory's Data Export event types; export/rows.ts maps
 * `log` to `console_message`, `error` to `exception`). The viewer reads them too.
 */
const ROW_TAGS: ReadonlySet<string> = new Set<FactTag>([
  FACT.click, FACT.change, FACT.navigate, FACT.custom, FACT.abandon, FACT.thrash, FACT.log, FACT.error, FACT.request,
]);
/** Tags stored as facts for the viewer besides the rows; the others only update page and user state. */
const VIEWER_TAGS: ReadonlySet<string> = new Set<FactTag>([FACT.vital, FACT.dropped]);
const KNOWN_TAGS: ReadonlySet<string> = new Set(Object.values(FACT));

/** Tags whose payload is one call of the site's (identify, setUserVars, page properties, FS.event). */
const CALL_TAGS: ReadonlySet<string> = new Set<FactTag>([FACT.userVars, FACT.pageVars, FACT.custom]);
/**
 * FullStory's cap on one call's payload ("Client API Requirements": 512 KB), which the SDK applies
 * to these same payloads (PROPERTY_LIMITS, src/facts.ts): a larger one comes from a client that
 * skipped the SDK, and is not kept as a fact (it stays in the replay's events).
 */
export const MAX_CALL_PAYLOAD_BYTES = PROPERTY_LIMITS.callPayloadBytes;

/** The Custom events of a bundle whose tag is a known fact; a call's payload over MAX_CALL_PAYLOAD_BYTES is left out. */
export function extractFacts(events: eventWithTime[]): FactRecord[] {
  const facts: FactRecord[] = [];
  events.forEach((event, index) => {
    if (event.type !== EventType.Custom) return;
    const data = event.data as { tag?: unknown; payload?: unknown };
    if (typeof data.tag !== 'string' || !KNOWN_TAGS.has(data.tag)) return;
    const payload = typeof data.payload === 'object' && data.payload !== null && !Array.isArray(data.payload) ? (data.payload as Record<string, unknown>) : {};
    if (CALL_TAGS.has(data.tag) && Buffer.byteLength(JSON.stringify(payload)) > MAX_CALL_PAYLOAD_BYTES) return;
    facts.push({ index, timestamp: event.timestamp, tag: data.tag, payload });
  });
  return facts;
}

export const finite = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** Texts from the client are capped before they reach storage (FullStory also truncates target text). */
const MAX_FACT_TEXT = 2048;
export const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value.slice(0, MAX_FACT_TEXT) : undefined;

export interface UserChanges {
  /** UserId → UserAppKey (null after anonymize). */
  identities: Map<string, string | null>;
  email?: string;
  displayName?: string;
  vars: Record<string, unknown>;
}

export interface Folded {
  page: PageStateChange;
  stored: FactChange[];
  user: UserChanges;
  counts: Omit<SessionCounts, 'events'>;
}

/** EventModFrustrated of a rage burst's first click: the SDK numbers a burst's clicks from 1. */
export const FIRST_OF_RAGE_BURST = 1;

/** Custom var names as FS.setUserVars sends them (type suffix included); others are ignored. */
const VAR_NAME = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;
const RESERVED_VARS = new Set(['displayName', 'email', 'uid']);

/**
 * Folds a bundle's facts, in stream order, into the page state they set; keeps the facts the export
 * and the viewer read, each with the URL and console totals the bundle had set when it happened
 * (null until it sets one: storage fills in the page's value from before the bundle).
 */
export function foldFacts(facts: FactRecord[], pageId: string, seq: number): Folded {
  const state: PageStateChange = {};
  const stored: FactChange[] = [];
  const user: UserChanges = { identities: new Map(), vars: {} };
  const counts: Folded['counts'] = { rageClicks: 0, deadClicks: 0, errorClicks: 0, errors: 0 };
  for (const { index, timestamp, tag, payload } of facts) {
    switch (tag) {
      case FACT.navigate:
        state.url = text(payload.PageUrl) ?? state.url;
        break;
      case FACT.console:
        state.numInfos = finite(payload.PageNumInfos) ?? state.numInfos;
        state.numWarnings = finite(payload.PageNumWarnings) ?? state.numWarnings;
        state.numErrors = finite(payload.PageNumErrors) ?? state.numErrors;
        break;
      case FACT.load:
        state.loadDomContentTime = finite(payload.LoadDomContentTime) ?? state.loadDomContentTime;
        state.loadEventTime = finite(payload.LoadEventTime) ?? state.loadEventTime;
        state.loadFirstPaintTime = finite(payload.LoadFirstPaintTime) ?? state.loadFirstPaintTime;
        break;
      case FACT.vital:
        // web-vitals reports LCP and CLS when final (a later report replaces an earlier one).
        if (payload.name === 'LCP') state.largestPaintTime = finite(payload.value) ?? state.largestPaintTime;
        if (payload.name === 'CLS') state.cumulativeLayoutShift = finite(payload.value) ?? state.cumulativeLayoutShift;
        break;
      case FACT.duration:
        // Totals only grow; a late retry of an older bundle must not shrink them (storage keeps the maximum too).
        state.duration = Math.max(state.duration ?? 0, finite(payload.PageDuration) ?? 0);
        state.activeDuration = Math.max(state.activeDuration ?? 0, finite(payload.PageActiveDuration) ?? 0);
        state.maxScrollDepthPercent = Math.max(state.maxScrollDepthPercent ?? 0, finite(payload.PageMaxScrollDepthPercent) ?? 0);
        break;
      case FACT.identity: {
        const userId = typeof payload.UserId === 'string' && ID_PATTERN.test(payload.UserId) ? payload.UserId : undefined;
        if (userId) user.identities.set(userId, text(payload.UserAppKey) ?? null);
        break;
      }
      case FACT.userVars: {
        user.email = text(payload.UserEmail) ?? user.email;
        user.displayName = text(payload.UserDisplayName) ?? user.displayName;
        const vars = payload.vars;
        if (typeof vars === 'object' && vars !== null) {
          for (const [name, value] of Object.entries(vars)) {
            if (VAR_NAME.test(name) && !RESERVED_VARS.has(name)) user.vars[name] = typeof value === 'string' ? text(value) : value;
          }
        }
        break;
      }
      case FACT.pageVars:
        state.pageName = text(payload.PageName) ?? state.pageName;
        if (typeof payload.vars === 'object' && payload.vars !== null) {
          for (const [name, value] of Object.entries(payload.vars)) {
            if (VAR_NAME.test(name)) (state.pageVars ??= {})[name] = typeof value === 'string' ? text(value) : value;
          }
        }
        break;
      case FACT.click:
        // The SDK numbers each click of a rage burst 1..n (src/heuristics/clicks.ts); counting only the
        // first counts the burst once, wherever the bundle boundaries fall within it.
        if (finite(payload.EventModFrustrated) === FIRST_OF_RAGE_BURST) counts.rageClicks++;
        if (payload.EventModDead === 1) counts.deadClicks++;
        if (payload.EventModError === 1) counts.errorClicks++;
        break;
      case FACT.error:
        counts.errors++;
        break;
    }
    if (ROW_TAGS.has(tag) || VIEWER_TAGS.has(tag)) {
      const eventStart = finite(payload.EventStart);
      stored.push({
        pageId, seq, index, tag, payload,
        timestamp: eventStart ?? timestamp,
        pageUrl: state.url ?? null,
        numInfos: state.numInfos ?? null,
        numWarnings: state.numWarnings ?? null,
        numErrors: state.numErrors ?? null,
        row: ROW_TAGS.has(tag),
      });
    }
  }
  return { page: state, stored, user, counts };
}

/** Custom vars kept per user over all their pages (the SDK cuts each page's calls at the same bound): a client cannot grow a user record without bound. */
export const MAX_USER_VARS = PROPERTY_LIMITS.userProperties;

/**
 * A user's vars after a bundle: the new values over the stored ones, the first MAX_USER_VARS kept.
 * Storage calls it with the stored vars: a capped shallow merge is not an upsert SQL can express.
 */
export const mergeUserVars = (stored: Record<string, unknown>, changed: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries({ ...stored, ...changed }).slice(0, MAX_USER_VARS));

/**
 * Properties kept per page, PageName aside: FullStory's page limit ("Set Page Properties": 50
 * unique properties per page), which the SDK enforces too (src/api/properties.ts); a client that
 * skips the SDK cannot grow a page record without bound.
 */
export const MAX_PAGE_VARS = PROPERTY_LIMITS.pageProperties;

/** Of a bundle's page vars, those that fit: updates of stored names, then new names while the page holds fewer than MAX_PAGE_VARS. */
export function pageVarsWithin(stored: Record<string, unknown>, changed: Record<string, unknown>): Record<string, unknown> {
  const known = new Set(Object.keys(stored));
  return Object.fromEntries(
    Object.entries(changed).filter(([name]) => (known.has(name) || known.size < MAX_PAGE_VARS) && known.add(name)),
  );
}
