/**
 * The analytics vocabulary. Everything the SDK learns beyond the DOM recording travels in the
 * one event stream as an rrweb Custom event (`EventType.Custom`) whose `data.tag` is one of FACT and
 * whose `data.payload` uses the Data Export's field names, so the collector's export is a plain
 * mapping (docs/data-export.md). Producers: heuristics/ (click, change, navigate, thrash,
 * abandon), page/ (console, log, error, request, load, vital, duration), api/ (identity, userVars, pageVars,
 * custom, log), transport/ (dropped).
 */

import { EventType } from './lib/rrweb';

export const FACT = {
  click: 'click',
  change: 'change',
  navigate: 'navigate',
  custom: 'custom',
  abandon: 'abandon',
  thrash: 'thrash',
  identity: 'identity',
  userVars: 'userVars',
  pageVars: 'pageVars',
  log: 'log',
  console: 'console',
  error: 'error',
  request: 'request',
  load: 'load',
  vital: 'vital',
  duration: 'duration',
  consent: 'consent',
  dropped: 'dropped',
} as const;

export type FactTag = (typeof FACT)[keyof typeof FACT];

/** Where a fact happened; `EventStart` (epoch ms) is set when it differs from the event's timestamp. */
interface Targeted {
  EventStart?: number;
  /** Visible text of the target, trimmed and capped; '' for excluded or masked targets. */
  EventTargetText: string;
  /** Descendant selector from `html` to the target, FullStory-encoded (`.my%2Dclass`). */
  EventTargetSelectorTok: string;
}

export interface ClickFact extends Targeted {
  /** Running count of the rage series this click belongs to; 0 outside a series. */
  EventModFrustrated: number;
  EventModDead: 0 | 1;
  EventModError: 0 | 1;
  /** Page offset of the click (CSS px) for heatmaps. */
  x?: number;
  y?: number;
}

/** 0 ordinary, 1 likely SQL injection, 2 likely cross-site scripting. */
export type Suspicion = 0 | 1 | 2;

export interface ChangeFact extends Targeted {
  EventModSuspicious: Suspicion;
}

export interface NavigateFact {
  EventStart?: number;
  PageUrl: string;
  /** 'load' for a full page load, 'spa' for history/hash changes. */
  EventSubType: 'load' | 'spa';
  EventModSuspicious: Suspicion;
}

export interface ThrashFact {
  EventStart?: number;
  EventTargetSelectorTok: string;
  reversals: number;
}

export interface AbandonFact {
  EventStart?: number;
  /** Selector of the form left with edited fields. */
  EventTargetSelectorTok: string;
  editedFields: number;
}

export interface CustomFact {
  EventCustomName: string;
  /** Validated properties, with FullStory's type suffixes applied (`plan_str`, `amount_real`). */
  properties: Record<string, unknown>;
}

export interface IdentityFact {
  /** What the site passed to FS.identify; null after anonymize / identify(false). */
  UserAppKey: string | null;
  /** The device's UserId after the call (changes when identify splits off a new user). */
  UserId: string;
}

/**
 * Property limits the SDK enforces with a warning and the collector enforces again for clients that
 * skip the SDK (docs/api.md, docs/collector.md "Limits and defences"). FullStory's "Client API
 * Requirements" cap one call's payload at 512 KB; "Set Page Properties" allows 50 unique properties
 * per page. FullStory bounds user-property cardinality on its servers without a per-user figure:
 * 500 custom user vars per user is our bound.
 */
export const PROPERTY_LIMITS = {
  callPayloadBytes: 512 * 1024,
  pageProperties: 50,
  userProperties: 500,
} as const;

export interface UserVarsFact {
  UserEmail?: string;
  UserDisplayName?: string;
  /** Custom vars with type suffixes (`plan_str`); become columns and CustomVars in the export. */
  vars: Record<string, unknown>;
}

/** FS('setProperties', { type: 'page' }): the page's properties, merged over earlier ones of the same page. */
export interface PageVarsFact {
  /** `pageName`, FullStory's special page property (the export's PageName). */
  PageName?: string;
  /** The other properties with type suffixes (`section_str`); the export's `page_*` fields. */
  vars: Record<string, unknown>;
}

/** FS.log, or a console call the page made (`console: 1`); the message serialised and capped. */
export interface LogFact {
  level: 'log' | 'info' | 'warn' | 'error' | 'debug';
  message: string;
  console?: 1;
}

/** Running totals for the page. */
export interface ConsoleFact {
  PageNumInfos: number;
  PageNumWarnings: number;
  PageNumErrors: number;
}

export interface ErrorFact {
  message: string;
  stack?: string;
  EventWebSourceFileUrl?: string;
  /** Where in EventWebSourceFileUrl it was thrown (1-based, as ErrorEvent reports them). */
  line?: number;
  column?: number;
  kind: 'error' | 'unhandledrejection' | 'console';
}

/** One request the page made, or one resource it loaded; sizes in bytes when known. */
export interface RequestFact {
  /** Epoch ms when the request started. */
  EventStart: number;
  /** Through the URL rules. */
  ReqUrl: string;
  ReqMethod: string;
  /** HTTP status; 0 when no response came (network error, abort, sendBeacon). */
  ReqStatus: number;
  /** ms until the response (fetch: its headers; XHR and resources: the whole body). */
  duration: number;
  /** `fetch`, `xmlhttprequest`, `beacon`, or Resource Timing's initiatorType (`img`, `script`, …). */
  initiator: string;
  reqSize?: number;
  resSize?: number;
  failed?: 'error' | 'abort';
  /** Only for URLs the site allow-listed: capped, masked bodies and the chosen headers. */
  reqBody?: string;
  resBody?: string;
  headers?: Record<string, string>;
}

/** Milliseconds since navigation start. */
export interface LoadFact {
  LoadDomContentTime?: number;
  LoadEventTime?: number;
  LoadFirstPaintTime?: number;
}

export interface VitalFact {
  name: 'LCP' | 'CLS' | 'INP' | 'FCP' | 'TTFB';
  value: number;
  rating: 'good' | 'needs-improvement' | 'poor';
}

/** Latest totals for the page (ms), re-emitted as they grow and on page hide. */
export interface DurationFact {
  PageDuration: number;
  PageActiveDuration: number;
  PageMaxScrollDepthPercent: number;
}

export interface ConsentFact {
  granted: boolean;
}

/** Emitted by transport when a memory or storage cap forced it to discard events. */
export interface DroppedFact {
  /**
   * `page-cap`: requests and console messages beyond the page's caps (src/page/constants.ts).
   * `mutation-storm`: the recorder suspended mutation recording (`events`: MutationRecords left
   * out when it did) until a fresh full snapshot (docs/recorder.md).
   */
  reason: 'memory-cap' | 'storage-cap' | 'rejected' | 'page-cap' | 'mutation-storm';
  events: number;
  bytes: number;
}

export interface FactPayloads {
  click: ClickFact;
  change: ChangeFact;
  navigate: NavigateFact;
  custom: CustomFact;
  abandon: AbandonFact;
  thrash: ThrashFact;
  identity: IdentityFact;
  userVars: UserVarsFact;
  pageVars: PageVarsFact;
  log: LogFact;
  console: ConsoleFact;
  error: ErrorFact;
  request: RequestFact;
  load: LoadFact;
  vital: VitalFact;
  duration: DurationFact;
  consent: ConsentFact;
  dropped: DroppedFact;
}

export interface FactEvent<T extends FactTag = FactTag> {
  type: typeof EventType.Custom;
  timestamp: number;
  data: { tag: T; payload: FactPayloads[T] };
}

/** Builds the Custom event for a fact. */
export function fact<T extends FactTag>(tag: T, payload: FactPayloads[T], timestamp = Date.now()): FactEvent<T> {
  return { type: EventType.Custom, timestamp, data: { tag, payload } };
}
