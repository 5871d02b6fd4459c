import { afterEach, describe, expect, test } from 'vitest';
import type { Storage } from '../../src/storage/types';
import { startTestCollector } from '../fixtures';
import { DAY, DAY1 as T1, insightsBundles, SELECTORS } from '../insights-fixture';
import { conformanceBackends, type Backend } from './backends';

/** The reads behind insights and click maps (issue 18, items 4 and 5): every backend answers the same. */
const { backends } = conformanceBackends();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function stored(backend: Backend): Promise<Storage> {
  const place = backend.place();
  const collector = await startTestCollector({ storage: await place.open() });
  cleanups.push(() => place.remove(), () => collector.dispose());
  for (const bundle of insightsBundles()) expect(await collector.send(bundle)).toMatchObject({ status: 200 });
  return collector.storage;
}

const all = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
};

describe.each(backends)('insights reads: $name', (backend) => {
  test('clickFacts: the clicks of a date range, in time order, with their session, payload fields and position', async () => {
    const storage = await stored(backend);
    const day1 = await all(storage.clickFacts('o-demo', T1, T1 + DAY));
    expect(day1.map((click) => [click.pageId, click.selector, click.frustrated, click.dead])).toEqual([
      ['p-a1', SELECTORS.a, 0, false], ['p-a1', SELECTORS.a, 0, false],
      ['p-a1', SELECTORS.b, 1, false], ['p-a1', SELECTORS.b, 2, false], ['p-a1', SELECTORS.b, 3, false],
      ['p-a1', SELECTORS.c, 0, true], ['p-a1', SELECTORS.c, 0, true], ['p-a1', SELECTORS.gone, 0, false],
    ]);
    expect(day1[0]).toEqual({ userId: 'u-ann', sessionId: 's-1', pageId: 'p-a1', timestamp: T1 + 1000, pageUrl: 'https://shop.example/product?id=1',
      selector: SELECTORS.a, text: 'Buy <now>', frustrated: 0, dead: false, error: false, x: 200, y: 130 });
    const both = await all(storage.clickFacts('o-demo', T1, T1 + 2 * DAY));
    expect(both).toHaveLength(8 + 6 + 1);
    expect(both.filter((click) => click.error).map((click) => click.timestamp)).toEqual([T1 + DAY + 1500]);
    expect(await all(storage.clickFacts('o-other', T1, T1 + 2 * DAY))).toEqual([]);
    expect(await all(storage.clickFacts('o-demo', T1 + 5000, T1 + DAY))).toEqual([]);
  });

  test('pageViews: the page loads started in a date range, with errors, time on page and scroll depth', async () => {
    const storage = await stored(backend);
    expect(await all(storage.pageViews('o-demo', T1, T1 + 2 * DAY))).toEqual([
      { userId: 'u-ann', sessionId: 's-1', pageId: 'p-a1', start: T1, url: 'https://shop.example/product?id=1', numErrors: 1, duration: 60_000, maxScrollDepthPercent: 100 },
      { userId: 'u-ben', sessionId: 's-2', pageId: 'p-b1', start: T1 + DAY, url: 'https://shop.example/product?id=2', numErrors: 0, duration: 30_000, maxScrollDepthPercent: 50 },
      { userId: 'u-ben', sessionId: 's-2', pageId: 'p-b2', start: T1 + DAY + 100_000, url: 'https://shop.example/cart', numErrors: 2, duration: 20_000, maxScrollDepthPercent: 25 },
    ]);
    expect((await all(storage.pageViews('o-demo', T1 + 1, T1 + DAY + 1))).map((view) => view.pageId)).toEqual(['p-b1']);
    expect(await all(storage.pageViews('o-other', T1, T1 + 2 * DAY))).toEqual([]);
  });
});
