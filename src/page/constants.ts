/** A stretch of a page is active for this long after each user action (FullStory: "inactive if it's been four seconds since the last user action event"). */
export const ACTIVE_SPAN_MS = 4000;
/** Console totals are sent at most this often, so a logging loop yields one fact, not thousands (our choice). */
export const CONSOLE_FACT_INTERVAL_MS = 1000;
/** Durations are re-sent this often while they grow, so a page that dies without a hide event still has them (our choice). */
export const DURATION_FACT_INTERVAL_MS = 60_000;
/** Error facts per page: enough to diagnose, bounded against a page that throws in a loop (our choice). */
export const MAX_ERROR_FACTS = 50;
/** Error messages and stacks are cut to this many characters (our choice). */
export const MAX_ERROR_TEXT = 1000;
/**
 * Request facts per page (fetch, XHR, sendBeacon and loaded resources together). Sentry's replay
 * keeps at most 100 network spans per flush; a page lives through many flushes, so 500 (our choice).
 */
export const MAX_REQUEST_FACTS = 500;
/**
 * Console messages kept per page: PostHog's console capture keeps a per-page budget so a logging
 * loop cannot flood a recording; 500 (our choice) is far beyond what a human reads in a replay.
 */
export const MAX_LOG_FACTS = 500;
/** Characters of one console message (Sentry's replay truncates console arguments too; our choice). */
export const MAX_MESSAGE_TEXT = 2000;
/** Nesting levels of an object argument that are described (Sentry's normalizeDepth default is 3). */
export const MAX_ARG_DEPTH = 3;
/** Keys or items of one object or array that are described (Sentry's normalizeMaxBreadth is 1000; ours is smaller, for bytes). */
export const MAX_ARG_KEYS = 20;
/** Characters of an allow-listed request or response body (Sentry's replay network bodies: 150 000; ours smaller, for bytes). */
export const MAX_BODY_TEXT = 10_000;
/**
 * Characters of URLs and bodies kept in request facts per page, and of console messages: a page
 * that logs or fetches big payloads in a loop stays within a few hundred KB of the transport's
 * budget (docs/transport.md caps) rather than crowding out the recording (our choice).
 */
export const MAX_REQUEST_TEXT = 500_000;
export const MAX_LOG_TEXT = 250_000;
