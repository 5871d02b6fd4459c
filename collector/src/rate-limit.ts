/** Entries kept before idle buckets are swept: bounds memory under a flood of distinct clients. */
const MAX_BUCKETS = 100_000;

export interface RateLimiter {
  /**
   * Takes `cost` tokens (default 1) for `key` when at least one is left, possibly going into debt;
   * returns 0 when allowed, else the seconds until a token is available. A cost of 0 only checks.
   */
  take(key: string, perMinute: number, cost?: number): number;
}

/** Token buckets per key, refilled continuously at `perMinute` with a burst of one minute's worth. */
export function createRateLimiter(now: () => number): RateLimiter {
  const buckets = new Map<string, { tokens: number; updated: number }>();
  return {
    take(key, perMinute, cost = 1) {
      const time = now();
      const ratePerMs = perMinute / 60_000;
      if (buckets.size >= MAX_BUCKETS) {
        for (const [oldKey, bucket] of buckets) if (bucket.tokens + (time - bucket.updated) * ratePerMs >= perMinute) buckets.delete(oldKey);
      }
      const bucket = buckets.get(key) ?? { tokens: perMinute, updated: time };
      bucket.tokens = Math.min(perMinute, bucket.tokens + (time - bucket.updated) * ratePerMs);
      bucket.updated = time;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= cost;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000));
    },
  };
}
