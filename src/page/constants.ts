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
