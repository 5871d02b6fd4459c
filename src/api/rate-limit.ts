export interface RateLimit {
  /** Calls allowed per minute, sustained. */
  perMinute: number;
  /** Calls allowed at once (and per second) before the sustained rate applies. */
  burst: number;
}

/**
 * FullStory's browser API limits (developer.fullstory.com, "Identify Users" and "Set User
 * Properties": 30 calls per page per minute sustained, burst 10 per second; "Analytics Events":
 * 60 per minute sustained, burst 40 per second).
 */
export const USER_RATE_LIMIT: RateLimit = { perMinute: 30, burst: 10 };
export const EVENT_RATE_LIMIT: RateLimit = { perMinute: 60, burst: 40 };

/** A token bucket: `burst` tokens, refilled at `perMinute / 60` per second. */
export function createRateLimiter(limit: RateLimit, now: () => number): () => boolean {
  let tokens = limit.burst;
  let refilledAt = now();
  return () => {
    const t = now();
    tokens = Math.min(limit.burst, tokens + ((t - refilledAt) / 60_000) * limit.perMinute);
    refilledAt = t;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}
