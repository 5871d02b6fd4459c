import { expect, test } from 'vitest';
import { normalizeHost } from '../../src/api/host';
import { isPrivacySignalOn } from '../../src/api/gates';
import { EVENT_RATE_LIMIT, USER_RATE_LIMIT, createRateLimiter } from '../../src/api/rate-limit';

test('host: full URLs kept, bare host names mean https, protocol-relative takes the page protocol', () => {
  expect(normalizeHost('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
  expect(normalizeHost('collector.example.com')).toBe('https://collector.example.com');
  expect(normalizeHost('//collector.example.com', 'http:')).toBe('http://collector.example.com');
  expect(normalizeHost(' HTTPS://c.example.com/base// ')).toBe('HTTPS://c.example.com/base');
});

test('privacy signals: DNT "1"/"yes" in any of its three places, or GPC true', () => {
  const win = (nav: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ navigator: nav, ...extra }) as unknown as Window;
  expect(isPrivacySignalOn(win({}))).toBe(false);
  expect(isPrivacySignalOn(win({ doNotTrack: '0' }))).toBe(false);
  expect(isPrivacySignalOn(win({ doNotTrack: 'unspecified' }))).toBe(false);
  expect(isPrivacySignalOn(win({ doNotTrack: '1' }))).toBe(true);
  expect(isPrivacySignalOn(win({ msDoNotTrack: '1' }))).toBe(true);
  expect(isPrivacySignalOn(win({}, { doNotTrack: 'yes' }))).toBe(true);
  expect(isPrivacySignalOn(win({ globalPrivacyControl: true }))).toBe(true);
  expect(isPrivacySignalOn(win({ globalPrivacyControl: false }))).toBe(false);
});

test('rate limits: a burst, then the sustained rate', () => {
  let now = 0;
  const allow = createRateLimiter(USER_RATE_LIMIT, () => now);
  const burst = Array.from({ length: USER_RATE_LIMIT.burst + 3 }, () => allow());
  expect(burst.filter(Boolean)).toHaveLength(USER_RATE_LIMIT.burst);
  now += 60_000 / USER_RATE_LIMIT.perMinute;
  expect(allow()).toBe(true);
  expect(allow()).toBe(false);
  now += 10 * 60_000;
  expect(Array.from({ length: 50 }, () => allow()).filter(Boolean)).toHaveLength(USER_RATE_LIMIT.burst);
  expect(EVENT_RATE_LIMIT).toEqual({ perMinute: 60, burst: 40 });
});
