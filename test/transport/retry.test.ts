import { expect, test } from 'vitest';
import { backoffDelay, retryAfterMs } from '../../src/transport/retry';

const options = { baseMs: 1000, maxMs: 60_000 };

test('backoff is full jitter under a ceiling that doubles up to the maximum', () => {
  expect(backoffDelay(1, options, () => 0)).toBe(0);
  expect(backoffDelay(1, options, () => 0.999)).toBe(999);
  expect(backoffDelay(3, options, () => 0.5)).toBe(2000);
  expect(backoffDelay(20, options, () => 0.999)).toBe(59_940);
  expect(backoffDelay(10_000, options, () => 0.5)).toBe(30_000);
});

test('Retry-After reads delta seconds and HTTP dates', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  expect(retryAfterMs('7', now)).toBe(7000);
  expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
  expect(retryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
  expect(retryAfterMs('soon', now)).toBeNull();
  expect(retryAfterMs(null, now)).toBeNull();
});
