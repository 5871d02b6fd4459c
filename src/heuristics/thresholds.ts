/**
 * Every number the heuristics judge by. docs/heuristics.md explains each choice; the comment on
 * each constant names the tool whose documented or published default it follows.
 */

/** Clicks in one series before it counts as rage (PostHog `rageclick.click_count` 3). */
export const RAGE_MIN_CLICKS = 3;
/** Longest pause between two clicks of one series (PostHog `rageclick.timeout_ms` 1000; Datadog's one-second sliding window; Sentry `multiClickTimeout` 1000). */
export const RAGE_MAX_GAP_MS = 1000;
/** Largest distance between two consecutive clicks of one series, CSS px (PostHog `rageclick.threshold_px` 30). */
export const RAGE_RADIUS_PX = 30;

/** How long a click waits for a visible response or an error (PostHog `dead_clicks.mutation_threshold_ms` 2500). */
export const CLICK_WINDOW_MS = 2500;
/** A scroll counts as the click's response only this soon after it (PostHog `scroll_threshold_ms` 100; Sentry replay 100). */
export const RESPONSE_SCROLL_MS = 100;
/** Focus or selection changes count only this soon after the click (PostHog `selection_change_threshold_ms` 100). */
export const RESPONSE_FOCUS_MS = 100;
/**
 * A mutation is "near" the click when it lands inside the subtree of the target's ancestor this many
 * levels up (a status line or badge next to a button). Our choice: Clarity and FullStory leave
 * "near" undocumented; Datadog and PostHog accept any mutation, which lets a ticking clock on the
 * page hide every dead click.
 */
export const RESPONSE_ANCESTOR_LEVELS = 3;
/**
 * A mutation farther away still answers the click when the node it changed had been quiet this
 * long: a cart counter in the header moves once, while a clock, a spinner or a carousel changes
 * every few seconds and so never counts. Our choice, between PostHog's "any mutation" (which a
 * ticking clock defeats) and "near only" (which misses far-away answers).
 */
export const RESPONSE_QUIET_MS = 10_000;

/** Direction reversals that make a cursor thrash (our choice; FullStory documents no number: "erratically or in circles"). */
export const THRASH_MIN_REVERSALS = 4;
/** Window in which the reversals must fall (our choice, see docs/heuristics.md). */
export const THRASH_WINDOW_MS = 1500;
/** Shortest stroke between two reversals, CSS px: smaller wobbles are aiming corrections, not thrash (our choice). */
export const THRASH_MIN_STROKE_PX = 40;
/** Longest stroke, in ms, whose turn still counts as a reversal: thrashing oscillates at 1 Hz or faster, reading (a line every 2 s or more) does not (our choice). */
export const THRASH_MAX_STROKE_MS = 500;

/** EventTargetText is cut to this many characters (FullStory truncates long text; 250 is its cap on event names). */
export const TARGET_TEXT_MAX = 250;

export interface Thresholds {
  rageMinClicks: number;
  rageMaxGapMs: number;
  rageRadiusPx: number;
  clickWindowMs: number;
  responseScrollMs: number;
  responseFocusMs: number;
  responseAncestorLevels: number;
  responseQuietMs: number;
  thrashMinReversals: number;
  thrashWindowMs: number;
  thrashMinStrokePx: number;
  thrashMaxStrokeMs: number;
  targetTextMax: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  rageMinClicks: RAGE_MIN_CLICKS,
  rageMaxGapMs: RAGE_MAX_GAP_MS,
  rageRadiusPx: RAGE_RADIUS_PX,
  clickWindowMs: CLICK_WINDOW_MS,
  responseScrollMs: RESPONSE_SCROLL_MS,
  responseFocusMs: RESPONSE_FOCUS_MS,
  responseAncestorLevels: RESPONSE_ANCESTOR_LEVELS,
  responseQuietMs: RESPONSE_QUIET_MS,
  thrashMinReversals: THRASH_MIN_REVERSALS,
  thrashWindowMs: THRASH_WINDOW_MS,
  thrashMinStrokePx: THRASH_MIN_STROKE_PX,
  thrashMaxStrokeMs: THRASH_MAX_STROKE_MS,
  targetTextMax: TARGET_TEXT_MAX,
};
