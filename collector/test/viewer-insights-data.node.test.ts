import { expect, test } from 'vitest';
import type { ClickRecord } from '../src/storage/types';
import { dateRange, MAX_RANGE_DAYS } from '../src/viewer/insights';
import { clickMapOf, DAY_MS, insightsOf, MAX_MAP_POINTS, pageMatcher, pageOf } from '../src/viewer/insights-data';

const NOW = Date.UTC(2026, 0, 10, 15, 30);
const day = (text: string) => Date.parse(`${text}T00:00:00Z`);

test('the date range: the last 7 days by default, the days asked both included, never past 92 days', () => {
  expect(dateRange({}, NOW)).toEqual({ from: day('2026-01-04'), until: day('2026-01-11') });
  expect(dateRange({ from: '2026-01-02', until: '2026-01-03' }, NOW)).toEqual({ from: day('2026-01-02'), until: day('2026-01-04') });
  // Reversed, the range is the until day; malformed, the default.
  expect(dateRange({ from: '2026-01-09', until: '2026-01-03' }, NOW)).toEqual({ from: day('2026-01-03'), until: day('2026-01-04') });
  expect(dateRange({ from: 'yesterday', until: '2026-13-45' }, NOW)).toEqual(dateRange({}, NOW));
  const long = dateRange({ from: '2020-01-01', until: '2026-01-09' }, NOW);
  expect((long.until - long.from) / DAY_MS).toBe(MAX_RANGE_DAYS);
});

test('a page is its URL without query and fragment; the click map takes a URL, a path or a pattern', () => {
  expect(pageOf('https://shop.example/product?id=1#reviews')).toBe('https://shop.example/product');
  expect(pageOf('not a url')).toBe('not a url');
  const urls = ['https://shop.example/product?id=1', 'https://shop.example/products', 'https://blog.example/product'];
  expect(urls.filter(pageMatcher('https://shop.example/product'))).toEqual([urls[0]]);
  expect(urls.filter(pageMatcher('/product'))).toEqual([urls[0], urls[2]]);
  expect(urls.filter(pageMatcher('https://shop.example/prod*'))).toEqual([urls[0], urls[1]]);
});

const click = (overrides: Partial<ClickRecord>): ClickRecord => ({
  userId: 'u-1', sessionId: 's-1', pageId: 'p-1', timestamp: day('2026-01-05') + 1000, pageUrl: 'https://shop.example/product',
  selector: 'html body button#b', text: 'B', frustrated: 0, dead: false, error: false, x: 1, y: 2, ...overrides,
});
async function* stream<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}

test('a rage burst counts once, on its day and its element; each dead click counts', async () => {
  const clicks = [1, 2, 3, 4].map((frustrated) => click({ frustrated, dead: true }));
  const insights = await insightsOf('o-demo', stream(clicks), stream([]), day('2026-01-04'), day('2026-01-07'));
  expect(insights.days).toEqual([day('2026-01-04'), day('2026-01-05'), day('2026-01-06')]);
  expect([insights.rage, insights.dead, insights.error]).toEqual([[0, 1, 0], [0, 4, 0], [0, 0, 0]]);
  expect(insights.mostRageClicked.map((stats) => [stats.selector, stats.rageBursts, stats.examples])).toEqual([['html body button#b', 1, ['o-demo.u-1.s-1']]]);
});

test('a click map draws at most MAX_MAP_POINTS clicks and counts every one', async () => {
  const clicks = Array.from({ length: MAX_MAP_POINTS + 3 }, () => click({}));
  const map = await clickMapOf('o-demo', stream(clicks), stream([]), pageMatcher('/product'));
  expect([map.points.length, map.clicks, map.elements[0].clicks, map.snapshot]).toEqual([MAX_MAP_POINTS, MAX_MAP_POINTS + 3, MAX_MAP_POINTS + 3, undefined]);
});
