import { vi } from 'vitest';
import { createRequire } from 'node:module';
import type { eventWithTime } from '@rrweb/types';
import { initWith } from '../../src/api';
import type { Parts } from '../../src/api/parts';
import type { InitOptions } from '../../src/api/types';

// jsdom ships without type declarations; this is the one constructor used here.
const { JSDOM } = createRequire(import.meta.url)('jsdom') as {
  JSDOM: new (html: string, options: { url: string }) => { window: Window & typeof globalThis };
};

/** A page nothing has started capture on. */
export const blankWindow = () => new JSDOM('<!doctype html><p>page</p>', { url: 'https://shop.example/' }).window;

/** A fresh page with a transport that keeps what it is given, and a console to read warnings from. */
export function setup(options: Partial<InitOptions> = {}, more: Parts = {}) {
  const window = blankWindow();
  const warn = vi.fn();
  Object.defineProperty(window, 'console', { value: { ...console, warn } });
  const pushed: Array<{ event: eventWithTime; userId: string; sessionId: string; pageId: string }> = [];
  const discarded = vi.fn(async () => undefined);
  /** The start time of each page record the transport was started for. */
  const starts: number[] = [];
  const parts: Parts = {
    startTransport: ((transport: { identity(): { userId: string; sessionId: string; pageId: string }; page: { startTime: number } }) => (starts.push(transport.page.startTime), {
      push: (event: eventWithTime) => pushed.push({ event, ...transport.identity() }),
      flush: async () => undefined,
      stop: () => undefined,
      discard: discarded,
      usage: () => ({ bufferedEvents: 0, pendingBundles: 0, memoryBytes: 0, storageBytes: 0 }),
    })) as unknown as Parts['startTransport'],
    ...more,
  };
  const fs = initWith({ orgId: 'o-unit', host: 'collector.example', ...options }, parts, window as unknown as Window);
  const facts = () => pushed.map(({ event, ...ids }) => ({ ...(event.data as { tag: string; payload: Record<string, unknown> }), ...ids }));
  const warnings = () => warn.mock.calls.map((args) => String(args[0]));
  return { window, fs, facts, warnings, discarded, starts };
}

