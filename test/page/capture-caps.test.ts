import { afterEach, expect, test } from 'vitest';
import type { FactEvent, FactPayloads, FactTag } from '../../src/facts';
import { startPage, type PageTelemetry } from '../../src/page';
import { MAX_LOG_FACTS, MAX_REQUEST_FACTS } from '../../src/page/constants';

let page: PageTelemetry | undefined;
afterEach(() => page?.stop());

const noop = () => undefined;
/** The parts of a window page telemetry touches besides the one under test. */
const base = { performance: { now: () => 0 }, console: { log: noop, info: noop, warn: noop, error: noop, debug: noop }, document: { addEventListener: noop, removeEventListener: noop }, addEventListener: noop, removeEventListener: noop };

const collect = () => {
  const facts: FactEvent[] = [];
  const of = <T extends FactTag>(tag: T) => facts.filter((f) => f.data.tag === tag).map((f) => f.data.payload as FactPayloads[T]);
  return { facts, of };
};

test('console messages beyond the page cap are dropped and counted in a dropped fact', () => {
  const { facts, of } = collect();
  const win = { ...base, console: { ...base.console } } as unknown as Window & typeof globalThis;
  page = startPage({ emit: (f) => facts.push(f), window: win, console: { levels: ['log'], maskSecrets: false } });
  for (let i = 0; i < MAX_LOG_FACTS + 25; i++) win.console.log('line', i);
  win.console.info('counted, not kept');
  page.flush();
  expect(of('log')).toHaveLength(MAX_LOG_FACTS);
  expect(of('log')[0]).toEqual({ level: 'log', message: 'line 0', console: 1 });
  expect(of('dropped')).toEqual([{ reason: 'page-cap', events: 25, bytes: 0 }]);
});

test('requests beyond the page cap are dropped and counted; the ingest URL is never a request', async () => {
  const { facts, of } = collect();
  const win = {
    ...base,
    location: { href: 'https://shop.example/' },
    navigator: {},
    fetch: async () => new Response('ok', { status: 200 }),
  } as unknown as Window & typeof globalThis;
  page = startPage({ emit: (f) => facts.push(f), window: win, network: { maskBodies: true, isOwn: (url) => url.startsWith('https://collector.example/rec/') } });
  await win.fetch('https://collector.example/rec/bundle');
  for (let i = 0; i < MAX_REQUEST_FACTS + 3; i++) await win.fetch(`/api/${i}`);
  await new Promise((done) => setTimeout(done));
  page.flush();
  expect(of('request')).toHaveLength(MAX_REQUEST_FACTS);
  expect(of('request')[0]).toMatchObject({ ReqUrl: 'https://shop.example/api/0', ReqStatus: 200, initiator: 'fetch' });
  expect(of('dropped')).toEqual([{ reason: 'page-cap', events: 3, bytes: 3 * 'https://shop.example/api/500'.length }]);
});
