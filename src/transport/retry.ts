import type { BackoffOptions } from './options';

/**
 * Exponential backoff with full jitter: the wait after the n-th consecutive failure (n ≥ 1) is
 * uniform in [0, min(maxMs, baseMs · 2^(n−1))], so clients that failed together do not retry
 * together.
 */
export function backoffDelay(failures: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
  return Math.floor(random() * ceiling);
}

/** Milliseconds to wait from a Retry-After header (delta seconds or an HTTP date), or null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (!header) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
