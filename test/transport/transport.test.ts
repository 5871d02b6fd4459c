import 'fake-indexeddb/auto';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { startTransport, type Transport, type TransportOptions } from '../../src/transport';
import type { Bundle, PageMetadata } from '../../src/protocol';

interface Sent {
  url: string;
  bundle: Bundle;
  keepalive: boolean;
  status: number;
}

let sent: Sent[];
let answer: (bundle: Bundle) => Response;
let started: Transport[];

const page: PageMetadata = {
  url: 'https://shop.test/', referrer: '', userAgent: 'test', screenWidth: 1, screenHeight: 1,
  viewportWidth: 1, viewportHeight: 1, timeZone: 'UTC', language: 'en', startTime: 1,
};

function start(overrides: Partial<TransportOptions> = {}): Transport {
  const transport = startTransport({
    host: 'collector.test',
    orgId: 'o-1',
    identity: () => ({ userId: 'u-1', sessionId: 's-1', pageId: 'p-1' }),
    page,
    backoff: { baseMs: 1, maxMs: 5 },
    ...overrides,
  });
  started.push(transport);
  return transport;
}

/** Random text, so gzip cannot make the events small. */
const noise = (length: number) => Array.from({ length }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
const event = (n: number, padding = 0) => ({ type: 5, timestamp: n, data: { tag: 'test', payload: { n, text: noise(padding) } } }) as never;
const sentNumbers = () => sent.flatMap((request) => request.bundle.events).filter((e) => (e.data as { tag: string }).tag === 'test').map((e) => (e.data as { payload: { n: number } }).payload.n);
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

beforeEach(() => {
  sent = [];
  started = [];
  answer = () => new Response('{"ok":true}', { status: 200 });
  vi.spyOn(window, 'fetch').mockImplementation(async (input, init) => {
    const url = String(input);
    const raw = Buffer.from(init!.body as Uint8Array);
    const text = url.includes('enc=gzip') ? gunzipSync(raw).toString() : raw.toString();
    const bundle = JSON.parse(text) as Bundle;
    const response = answer(bundle);
    sent.push({ url, bundle, keepalive: Boolean(init!.keepalive), status: response.status });
    return response;
  });
});
afterEach(async () => {
  for (const transport of started) {
    transport.stop();
    await transport.discard();
  }
  vi.restoreAllMocks();
});

test('bundles are gzip, numbered 0, 4096, … per page, and only the small first one carries the page', async () => {
  const transport = start();
  for (let n = 0; n < 50; n++) transport.push(event(n, 1000));
  await transport.flush();
  transport.push(event(50));
  await transport.flush();
  expect(sent.map((request) => request.bundle.seq)).toEqual([0, 4096, 8192]);
  expect(sent.every((request) => request.url === 'https://collector.test/rec/bundle?v=1&enc=gzip')).toBe(true);
  expect(sent[0].bundle.page).toEqual(page);
  expect(JSON.stringify(sent[0].bundle.events).length).toBeLessThanOrEqual(16 * 1024 + 100);
  expect(sent.slice(1).every((request) => request.bundle.page === undefined)).toBe(true);
  expect(sentNumbers()).toEqual(Array.from({ length: 51 }, (_, n) => n));
});

test('after stop() no request is made; the buffered events are saved and the next transport sends them', async () => {
  const first = start();
  first.push(event(1));
  first.stop();
  first.push(event(2));
  await first.flush();
  await settle();
  expect(sent).toHaveLength(0);
  expect(first.usage().storageBytes).toBeGreaterThan(0);

  const next = start({ identity: () => ({ userId: 'u-1', sessionId: 's-1', pageId: 'p-2' }) });
  await next.flush();
  await settle();
  await next.flush();
  expect(sentNumbers()).toEqual([1]);
  expect(sent[0].bundle.pageId).toBe('p-1');
});

test('discard() forgets everything and empties IndexedDB', async () => {
  answer = () => new Response('', { status: 503 });
  const transport = start();
  for (let n = 0; n < 5; n++) transport.push(event(n));
  await transport.flush();
  await settle();
  expect(transport.usage().storageBytes).toBeGreaterThan(0);
  await transport.discard();
  expect(transport.usage()).toEqual({ bufferedEvents: 0, pendingBundles: 0, memoryBytes: 0, storageBytes: 0 });
  transport.stop();
  sent = [];
  answer = () => new Response('{"ok":true}', { status: 200 });
  const next = start();
  await next.flush();
  await settle();
  expect(sent).toHaveLength(0);
});

test('a 400 drops the bundle after one request, warns once, and the stream says so', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  answer = (bundle) =>
    bundle.events.some((e) => (e.data as { payload?: { n?: number } }).payload?.n === 1)
      ? new Response('{"ok":false,"error":"bad-schema"}', { status: 400 })
      : new Response('{"ok":true}', { status: 200 });
  const transport = start();
  for (let n = 0; n < 4; n++) {
    transport.push(event(n));
    await transport.flush();
  }
  await transport.flush();
  expect(sent.filter((request) => request.bundle.events.some((e) => (e.data as { payload?: { n?: number } }).payload?.n === 1))).toHaveLength(1);
  expect(sentNumbers().filter((n) => n !== 1)).toEqual([0, 2, 3]);
  const dropped = sent.flatMap((request) => request.bundle.events).filter((e) => (e.data as { tag: string }).tag === 'dropped');
  expect(dropped.map((e) => (e.data as { payload: unknown }).payload)).toEqual([{ reason: 'rejected', events: 1, bytes: expect.any(Number) }]);
  expect(warn.mock.calls.filter(([message]) => String(message).includes('refused'))).toHaveLength(1);
});

test('a permanent refusal (403) is one request and one warning: nothing more is sent from the page', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  answer = () => new Response('{"ok":false,"error":"unknown-org"}', { status: 403 });
  const transport = start();
  for (let n = 0; n < 4; n++) {
    transport.push(event(n));
    await transport.flush();
  }
  window.dispatchEvent(new Event('pagehide'));
  await settle();
  expect(sent).toHaveLength(1);
  expect(warn.mock.calls.filter(([message]) => String(message).includes('nothing more is sent'))).toHaveLength(1);
  sent = [];
});

test('a request failing before any answer (unreachable collector, refused preflight) keeps the bundle queued for a retry, never sent blind', async () => {
  vi.mocked(window.fetch).mockImplementation(async () => {
    throw new TypeError('Failed to fetch');
  });
  const transport = start({ backoff: { baseMs: 60_000, maxMs: 60_000 } });
  transport.push(event(0));
  await transport.flush();
  expect(transport.usage().pendingBundles).toBe(1);
  expect(vi.mocked(window.fetch).mock.calls.map(([, init]) => init?.mode ?? 'cors')).toEqual(['cors']);
});

test('without IndexedDB, the memory cap drops the newest bundles and reports them', async () => {
  answer = () => new Response('', { status: 503 });
  const caps = { memoryBytes: 20_000, storageBytes: 1 };
  const thresholds = { sizeBytes: 4000, timeMs: 10_000 };
  const transport = start({ persist: false, caps, thresholds });
  let peak = 0;
  for (let n = 0; n < 200; n++) {
    transport.push(event(n, 500));
    if (n % 10 === 0) await settle();
    peak = Math.max(peak, transport.usage().memoryBytes);
  }
  await settle();
  expect(peak).toBeLessThanOrEqual(caps.memoryBytes);
  answer = () => new Response('{"ok":true}', { status: 200 });
  await transport.flush();
  await settle();
  await transport.flush();
  // Bundles answered 503 were sent again later: count what the collector acknowledged.
  const dropped = sent
    .filter((request) => request.status === 200)
    .flatMap((request) => request.bundle.events)
    .filter((e) => (e.data as { tag: string }).tag === 'dropped')
    .map((e) => (e.data as { payload: { reason: string; events: number } }).payload);
  expect(dropped.length).toBeGreaterThan(0);
  expect(dropped.every((fact) => fact.reason === 'memory-cap')).toBe(true);
  expect(new Set(sentNumbers()).size + dropped.reduce((sum, fact) => sum + fact.events, 0)).toBe(200);
});

test('the swan song sends identity pieces with keepalive within the 64 KiB budget, the rest follows', async () => {
  const transport = start({ thresholds: { sizeBytes: 1 << 20, timeMs: 60_000 } });
  for (let n = 0; n < 100; n++) transport.push(event(n, 1000));
  window.dispatchEvent(new Event('pagehide'));
  expect(transport.usage().bufferedEvents).toBe(0);
  await settle();
  const keepalive = sent.filter((request) => request.keepalive);
  expect(keepalive.length).toBeGreaterThan(0);
  expect(keepalive.every((request) => request.url.endsWith('enc=identity'))).toBe(true);
  const bytes = keepalive.map((request) => JSON.stringify(request.bundle).length);
  expect(bytes.reduce((sum, size) => sum + size, 0)).toBeLessThanOrEqual(64 * 1024);
  await transport.flush();
  expect(new Set(sentNumbers()).size).toBe(100);
});

test('the swan song hands what IndexedDB does not hold yet to localStorage; the next page sends it', async () => {
  // The collector is down while the page closes: nothing of the tail is acknowledged.
  answer = () => new Response('', { status: 503 });
  const closing = start({ thresholds: { sizeBytes: 1 << 20, timeMs: 60_000 } });
  for (let n = 0; n < 100; n++) closing.push(event(n, 1000));
  window.dispatchEvent(new Event('pagehide'));
  closing.stop();
  expect(Object.keys(localStorage).filter((key) => key.startsWith('openstory:handoff:')).length).toBeGreaterThan(0);

  answer = () => new Response('{"ok":true}', { status: 200 });
  const next = start({ identity: () => ({ userId: 'u-1', sessionId: 's-1', pageId: 'p-2' }) });
  await next.flush();
  await settle();
  await next.flush();
  const delivered = sent.filter((request) => request.status === 200).flatMap((request) => request.bundle.events);
  const numbers = new Set(delivered.map((e) => (e.data as { payload?: { n: number } }).payload?.n).filter((n) => n !== undefined));
  expect(numbers.size).toBe(100);
  expect(Object.keys(localStorage).filter((key) => key.startsWith('openstory:handoff:'))).toEqual([]);
});

test('without CompressionStream, bundles are sent as plain JSON and say so (enc=identity)', async () => {
  vi.stubGlobal('CompressionStream', undefined);
  try {
    const transport = start();
    transport.push(event(1));
    await transport.flush();
    expect(sent.map((request) => request.url)).toEqual(['https://collector.test/rec/bundle?v=1&enc=identity']);
    expect(sentNumbers()).toEqual([1]);
  } finally {
    vi.unstubAllGlobals();
  }
});

test('where keepalive fetch throws, the swan song falls back to sendBeacon', async () => {
  const beacons: Array<{ url: string; body: Blob }> = [];
  vi.spyOn(window, 'fetch').mockImplementation((_input, init) => {
    if (init?.keepalive) throw new TypeError('keepalive unsupported');
    return Promise.resolve(new Response('', { status: 503 }));
  });
  Object.defineProperty(window.navigator, 'sendBeacon', {
    configurable: true,
    value: (url: string, body: Blob) => beacons.push({ url, body }) > 0,
  });
  try {
    const transport = start({ thresholds: { sizeBytes: 1 << 20, timeMs: 60_000 } });
    transport.push(event(7));
    window.dispatchEvent(new Event('pagehide'));
    await settle();
    expect(beacons).toHaveLength(1);
    expect(beacons[0].url).toBe('https://collector.test/rec/bundle?v=1&enc=identity');
    expect(beacons[0].body.type).toBe('text/plain;charset=utf-8');
    const bundle = JSON.parse(await beacons[0].body.text()) as Bundle;
    expect(bundle.events.map((e) => (e.data as { payload: { n: number } }).payload.n)).toEqual([7]);
  } finally {
    delete (window.navigator as { sendBeacon?: unknown }).sendBeacon;
  }
});
