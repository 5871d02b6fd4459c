import type { SessionSummary } from './types';

/** Session search and saved segments: the shapes storage/types.ts's Storage takes and answers. */
/** Frustration signals a search can ask for: rage, dead and error clicks, thrash, abandon. */
export const FRUSTRATIONS = ['rage', 'dead', 'error', 'thrash', 'abandon'] as const;
export type Frustration = (typeof FRUSTRATIONS)[number];
export const SEARCH_ORDERS = ['time', 'frustration'] as const;
export type SearchOrder = (typeof SEARCH_ORDERS)[number];

/** What a session must match: every filter given (an absent one matches all). Texts match ASCII case-insensitively. */
export interface SessionFilters {
  /** Contained in the user id, app key, email or display name. */
  user?: string;
  /** A user property (as sent, type suffix included) whose value, as text, equals `value`. */
  userVar?: { name: string; value: string };
  /** A URL any page of the session visited (load or SPA navigation): contained, or a pattern with `*` wildcards. */
  url?: string;
  pageName?: string;
  /** A custom event (FS.event) of this name, with a property of this value when given. */
  eventName?: string;
  eventProperty?: { name: string; value: string };
  /** Each one named must have happened at least once. */
  frustrations?: Frustration[];
  /** A page of the session logged console errors. */
  consoleErrors?: boolean;
  /** A request of the session answered 400 or more, or failed on the network. */
  failedRequests?: boolean;
  /** Exact, as the session list shows them (any page of the session). */
  browser?: string;
  device?: string;
  os?: string;
  /** Session start in [startFrom, startUntil) (epoch ms). */
  startFrom?: number;
  startUntil?: number;
  /** Session length (last − start, ms) and page count, bounds included. */
  minDuration?: number;
  maxDuration?: number;
  minPages?: number;
  maxPages?: number;
}

export interface SessionSearch extends SessionFilters {
  /** Undefined: every org's sessions (the viewer's admin). */
  orgId?: string;
  /** `time`: latest activity first; `frustration`: most rage bursts + dead + error clicks first, then time. */
  order: SearchOrder;
  limit: number;
  /** `next` of the previous page. */
  cursor?: string;
}

export interface SessionPage {
  sessions: SessionSummary[];
  next?: string;
}

/** A named search of one org, the `segmentId` the Segment Export API accepts. */
export interface SavedSegment {
  orgId: string;
  segmentId: string;
  name: string;
  filters: SessionFilters;
  created: number;
}
