import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestCollector, T0, type TestCollector } from './fixtures';
import { longSession, type LongSessionShape } from './replay-sessions';

/** Small enough to be quick, with two pages so a cursor crosses from one page view to the next. */
const SHAPE: LongSessionShape = { pages: 2, bundlesPerPage: 4, fillerChars: 2000, stepMs: 1000 };
const EVENTS = '/sessions/o-demo.u-long.s-long/events.json';
let collector: TestCollector;

beforeAll(async () => {
  collector = await startTestCollector({ now: () => T0 + 7200_000 });
  for (const bundle of longSession(SHAPE)) expect((await collector.send(bundle)).status).toBe(200);
});
afterAll(() => collector?.dispose());

const get = (query: string) => fetch(`${collector.url}${EVENTS}${query}`);

test('events.json pages the session by size, whole bundles, and the pages add up to the unpaged answer', async () => {
  const whole = (await (await get('')).json()) as Array<{ timestamp: number }>;
  expect(whole).toHaveLength(2 * 2 + 2 * 3);
  const pages: Array<{ events: unknown[]; next: string | null }> = [];
  let query = '?limit=3000';
  // Bounded, so a route that never ends its pages fails here instead of hanging.
  for (let request = 0; request < 20; request++) {
    const response = await get(query);
    expect(response.status).toBe(200);
    const page = (await response.json()) as { events: unknown[]; next: string | null };
    pages.push(page);
    if (page.next === null) break;
    query = `?limit=3000&after=${encodeURIComponent(page.next)}`;
  }
  // A page stops at the bundle that takes it to the limit: under 3000 characters plus one filler bundle (~2100).
  expect(pages.length).toBeGreaterThanOrEqual(3);
  for (const page of pages) {
    expect(page.events.length).toBeGreaterThan(0);
    expect(JSON.stringify(page.events).length).toBeLessThan(3000 + 2200);
  }
  expect(pages.flatMap((page) => page.events)).toEqual(whole);
});

test('a page always moves on by one bundle, a foreign cursor reads nothing and a malformed one is refused', async () => {
  const first = (await (await get('?limit=1')).json()) as { events: Array<{ type: number }>; next: string };
  expect(first.events.map((event) => event.type)).toEqual([4, 2]);
  expect(first.next).toBe('0.p-long-0');
  expect(await (await get('?limit=1&after=0.p-elsewhere')).json()).toEqual({ events: [], next: null });
  expect((await get('?after=%3Cscript%3E')).status).toBe(400);
});
