import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import type { FactEvent, FactPayloads, FactTag } from '../../src/facts';
import { startPage, type PageTelemetry } from '../../src/page';
import { MAX_ERROR_FACTS } from '../../src/page/constants';
import { createPrivacy } from '../../src/privacy';

// telemetry.js as fs.js gets it, a moment after capture starts: it arrives when the test says so.
const chunk = vi.hoisted(() => ({ arrive: () => undefined as void }));
vi.mock('../../src/page/telemetry/load', async () => {
  const lib = await vi.importActual<typeof import('../../src/page/telemetry/lib')>('../../src/page/telemetry/lib');
  return {
    withTelemetry: (use: (loaded: typeof lib) => void) => {
      chunk.arrive = () => use(lib);
    },
  };
});

let facts: FactEvent[];
let page: PageTelemetry;
let heard: number;
const of = <T extends FactTag>(tag: T) => facts.filter((f) => f.data.tag === tag).map((f) => f.data.payload as FactPayloads[T]);
const start = (privacy = createPrivacy({})) => (page = startPage({ emit: (f) => facts.push(f), onError: () => heard++, privacy }));
const throwError = (message: string) => window.dispatchEvent(new ErrorEvent('error', { message, filename: 'https://a.example/app.js', lineno: 3 }));
function reject(reason: unknown): void {
  const event = new Event('unhandledrejection') as PromiseRejectionEvent;
  Object.defineProperty(event, 'reason', { value: reason });
  window.dispatchEvent(event);
}

beforeEach(() => {
  vi.useFakeTimers();
  facts = [];
  heard = 0;
});
afterEach(() => {
  page.stop();
  vi.useRealTimers();
  document.body.innerHTML = '';
});

test('errors before telemetry.js arrives are heard at once, counted by flush(), and become error facts of their time when it arrives', () => {
  start();
  const thrownAt = Date.now();
  throwError('Uncaught TypeError: early');
  reject(new Error('nope'));
  expect(heard).toBe(2);
  page.flush();
  expect(of('console')).toEqual([{ PageNumInfos: 0, PageNumWarnings: 0, PageNumErrors: 2 }]);
  expect(of('error')).toEqual([]);

  vi.advanceTimersByTime(300);
  chunk.arrive();
  expect(facts.filter((f) => f.data.tag === 'error').map((f) => f.timestamp)).toEqual([thrownAt, thrownAt]);
  expect(of('error')).toEqual([
    { kind: 'error', message: 'Uncaught TypeError: early', EventWebSourceFileUrl: 'https://a.example/app.js', line: 3 },
    expect.objectContaining({ kind: 'unhandledrejection', message: 'Error: nope' }),
  ]);
  throwError('later');
  // The heuristics heard of the early two once, not again when they were handed over.
  expect(heard).toBe(3);
  vi.advanceTimersByTime(1000);
  expect(of('console').at(-1)).toEqual({ PageNumInfos: 0, PageNumWarnings: 0, PageNumErrors: 3 });
  expect(of('error')).toHaveLength(3);
});

test('at most MAX_ERROR_FACTS early errors are kept, every one is counted', () => {
  start();
  for (let i = 0; i < MAX_ERROR_FACTS + 5; i++) throwError(`e${i}`);
  chunk.arrive();
  page.flush();
  expect(of('error')).toHaveLength(MAX_ERROR_FACTS);
  expect(of('console')).toEqual([{ PageNumInfos: 0, PageNumWarnings: 0, PageNumErrors: MAX_ERROR_FACTS + 5 }]);
});

test('an early error thrown while a masked element is clicked is masked, as a later one is', () => {
  document.body.innerHTML = '<button class="fs-mask">Pay Jane</button>';
  const button = document.querySelector('button')!;
  button.addEventListener('click', () => throwError('Jane Doe failed'));
  start();
  button.click();
  chunk.arrive();
  expect(of('error')[0].message).toBe('**** *** ******');
});

test('after stop() nothing starts when telemetry.js arrives, and no error is heard', () => {
  const log = console.log;
  start();
  page.stop();
  chunk.arrive();
  throwError('after stop');
  expect(console.log).toBe(log);
  expect(heard).toBe(0);
  expect(facts).toEqual([]);
});
