import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { FactEvent, FactPayloads, FactTag } from '../../src/facts';
import { startPage, type PageTelemetry } from '../../src/page';

let facts: FactEvent[];
let page: PageTelemetry;
const of = <T extends FactTag>(tag: T) => facts.filter((f) => f.data.tag === tag).map((f) => f.data.payload as FactPayloads[T]);

beforeEach(() => {
  vi.useFakeTimers();
  facts = [];
});
afterEach(() => {
  page.stop();
  vi.useRealTimers();
});

describe('console counts', () => {
  test('are running totals per level, throttled to one fact per interval, and printing is unchanged', () => {
    const printed: unknown[][] = [];
    const originals = { log: console.log, info: console.info, warn: console.warn, error: console.error };
    const sink = (...args: unknown[]) => void printed.push(args);
    Object.assign(console, { log: sink, info: sink, warn: sink, error: sink });
    page = startPage({ emit: (f) => facts.push(f) });
    for (let i = 0; i < 1000; i++) console.log('tick', i);
    console.info('i');
    console.warn('w');
    console.error('e', { detail: 1 });
    expect(of('console')).toHaveLength(0);
    vi.advanceTimersByTime(1000);
    expect(of('console')).toEqual([{ PageNumInfos: 1001, PageNumWarnings: 1, PageNumErrors: 1 }]);
    expect(printed).toHaveLength(1003);
    expect(printed[1002]).toEqual(['e', { detail: 1 }]);
    page.stop();
    expect(console.log).toBe(sink);
    expect(console.error).toBe(sink);
    Object.assign(console, originals);
  });

  test('uncaught errors and unhandled rejections count as errors and give error facts', () => {
    page = startPage({ emit: (f) => facts.push(f) });
    window.dispatchEvent(new ErrorEvent('error', { message: 'Uncaught TypeError: x is undefined', filename: 'https://a.example/app.js', error: new TypeError('x is undefined') }));
    const rejection = new Event('unhandledrejection') as PromiseRejectionEvent;
    Object.defineProperty(rejection, 'reason', { value: new Error('nope') });
    window.dispatchEvent(rejection);
    page.flush();
    expect(of('error')).toEqual([
      expect.objectContaining({ kind: 'error', message: 'Uncaught TypeError: x is undefined', EventWebSourceFileUrl: 'https://a.example/app.js' }),
      expect.objectContaining({ kind: 'unhandledrejection', message: 'Error: nope' }),
    ]);
    expect(of('console')).toEqual([{ PageNumInfos: 0, PageNumWarnings: 0, PageNumErrors: 2 }]);
  });
});

describe('durations', () => {
  test('active time counts user actions while visible, four seconds at most per action', () => {
    page = startPage({ emit: (f) => facts.push(f) });
    window.dispatchEvent(new Event('mousemove'));
    vi.advanceTimersByTime(1000);
    window.dispatchEvent(new Event('keydown'));
    vi.advanceTimersByTime(10_000);
    page.flush();
    const [totals] = of('duration');
    expect(totals.PageActiveDuration).toBe(5000);
    expect(totals.PageDuration).toBeGreaterThanOrEqual(11_000);
  });

  test('are re-sent while they grow', () => {
    page = startPage({ emit: (f) => facts.push(f) });
    window.dispatchEvent(new Event('click'));
    vi.advanceTimersByTime(60_000);
    vi.advanceTimersByTime(60_000);
    expect(of('duration')).toHaveLength(1);
  });
});
