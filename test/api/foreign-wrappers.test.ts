import { expect, test } from 'vitest';
import { createRequire } from 'node:module';
import type { eventWithTime } from '@rrweb/types';
import { initWith } from '../../src/api';
import { defaultParts } from '../../src/api/defaults';
import type { Parts } from '../../src/api/parts';
import { EventType } from '../../src/lib/rrweb';
import { startPage } from '../../src/page';
import { record } from '../../src/record';

// jsdom ships without type declarations; this is the one constructor used here.
const { JSDOM } = createRequire(import.meta.url)('jsdom') as {
  JSDOM: new (html: string, options: { url: string }) => { window: Window & typeof globalThis };
};

/**
 * A session with the real parts (only the transport is a stand-in), watched where our patches
 * report: the recorder's events (history) and page telemetry's error notifications (console).
 */
function startSession() {
  const { window } = new JSDOM('<!doctype html><p>page</p>', { url: 'https://shop.example/' });
  const originalErrors: unknown[][] = [];
  // The page's own console.error, which must keep running whoever wraps it.
  Object.defineProperty(window, 'console', { value: { ...console, warn: () => undefined, error: (...args: unknown[]) => void originalErrors.push(args) } });
  const recorded: eventWithTime[] = [];
  let pageErrors = 0;
  const parts: Parts = {
    ...defaultParts,
    record: (options) => record({ ...options, emit: (event) => (recorded.push(event), options.emit(event)) }),
    startPage: (options) => startPage({ ...options, onError: () => (pageErrors++, options.onError?.()) }),
    startTransport: (() => ({ push: () => undefined, flush: async () => undefined, stop: () => undefined, discard: async () => undefined })) as unknown as Parts['startTransport'],
  };
  const fs = initWith({ orgId: 'o-wrap', host: 'collector.example' }, parts, window);
  const metaHrefs = () => recorded.filter((event) => event.type === EventType.Meta).map((event) => (event.data as { href: string }).href);
  return { window, fs, originalErrors, metaHrefs, pageErrors: () => pageErrors };
}

test('a wrapper another script put on top of ours (pushState, console.error) survives shutdown; ours passes through', () => {
  const { window, fs, originalErrors, metaHrefs, pageErrors } = startSession();
  window.history.pushState({}, '', '/observed');
  window.console.error('observed');
  expect(metaHrefs()).toContain('https://shop.example/observed');
  expect(pageErrors()).toBe(1);

  // Another script wraps both on top of ours, as error trackers and routers do.
  const theirCalls: string[] = [];
  const ourPushState = window.history.pushState;
  const ourError = window.console.error;
  const theirPushState = function (this: History, ...args: Parameters<History['pushState']>) {
    theirCalls.push('pushState');
    return ourPushState.apply(this, args);
  };
  const theirError = (...args: unknown[]) => {
    theirCalls.push('error');
    return ourError(...args);
  };
  window.history.pushState = theirPushState;
  window.console.error = theirError;

  fs.shutdown();
  expect(window.history.pushState).toBe(theirPushState);
  expect(window.console.error).toBe(theirError);

  const recordedBefore = metaHrefs().length;
  window.history.pushState({}, '', '/after-stop');
  window.console.error('after stop');
  expect(theirCalls).toEqual(['pushState', 'error']);
  expect(window.location.pathname).toBe('/after-stop');
  expect(originalErrors).toEqual([['observed'], ['after stop']]);
  expect(metaHrefs()).toHaveLength(recordedBefore);
  expect(pageErrors()).toBe(1);
});

test('with no wrapper on top, shutdown puts the originals back', () => {
  const { window, fs } = startSession();
  const historyProto = Object.getPrototypeOf(window.history) as History;
  expect(Object.prototype.hasOwnProperty.call(window.history, 'pushState')).toBe(true);
  fs.shutdown();
  expect(Object.prototype.hasOwnProperty.call(window.history, 'pushState')).toBe(false);
  expect(window.history.pushState).toBe(historyProto.pushState);
});
