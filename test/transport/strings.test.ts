import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { STRING_REF, stringId, UNKNOWN_STRING, type Bundle } from '../../src/protocol';
import { startTransport, type Transport } from '../../src/transport';
import { createStringTable, MIN_REFERENCED_CHARS, pieceEnvelope } from '../../src/transport/strings';

const CSS = 'a { color: red } '.repeat(40);
const OTHER = 'b { color: blue } '.repeat(40);
const table = () => createStringTable(window, 'http://collector|o-test', MIN_REFERENCED_CHARS);
const serialize = (strings: ReturnType<typeof table>, value: unknown) => JSON.stringify(value, strings.replace);

beforeEach(() => localStorage.clear());

test('long strings become references to their content address; short ones stay; a string starting with the marker is escaped', () => {
  const strings = table();
  const event = { type: 2, data: { css: CSS, short: 'hello', odd: `${STRING_REF}x`, n: 3 } };
  expect(JSON.parse(serialize(strings, event))).toEqual({
    type: 2,
    data: { css: STRING_REF + stringId(CSS), short: 'hello', odd: `${STRING_REF}${STRING_REF}x`, n: 3 },
  });
  expect(CSS.length).toBeGreaterThanOrEqual(MIN_REFERENCED_CHARS);
});

test('a bundle defines what the collector has not acknowledged, and only that', () => {
  const strings = table();
  const first = [serialize(strings, { a: CSS }), serialize(strings, { b: CSS })];
  const [refs, defined] = strings.define(first, 's-1');
  expect(refs).toEqual([stringId(CSS)]);
  expect(defined).toEqual({ [stringId(CSS)]: CSS });
  // Not acknowledged yet: the next bundle defines it again.
  expect(strings.define(first, 's-1')[1]).toEqual({ [stringId(CSS)]: CSS });
  strings.acknowledge(refs);
  const second = [serialize(strings, { a: CSS, b: OTHER })];
  expect(strings.define(second, 's-1')[1]).toEqual({ [stringId(OTHER)]: OTHER });
  // After an unknown-string refusal, everything asked for is defined.
  expect(strings.define(second, 's-1', true)[1]).toEqual({ [stringId(CSS)]: CSS, [stringId(OTHER)]: OTHER });
});

test("the next page of the session knows the acknowledged ids; another session or a forgotten table does not", () => {
  const first = table();
  const [refs] = first.define([serialize(first, { css: CSS })], 's-1');
  first.acknowledge(refs);

  const next = table();
  const page = [serialize(next, { css: CSS })];
  expect(next.define(page, 's-1')[1]).toBeUndefined();
  expect(next.define(page, 's-2')[1]).toEqual({ [stringId(CSS)]: CSS });
  const elsewhere = createStringTable(window, 'http://elsewhere|o-test', MIN_REFERENCED_CHARS);
  expect(elsewhere.define([serialize(elsewhere, { css: CSS })], 's-1')[1]).toEqual({ [stringId(CSS)]: CSS });

  next.define(page, 's-1');
  next.forget();
  const afterForget = table();
  expect(afterForget.define([serialize(afterForget, { css: CSS })], 's-1')[1]).toEqual({ [stringId(CSS)]: CSS });
});

test('a reference this page did not make (an earlier page left the bundle) cannot be defined', () => {
  const earlier = table();
  const events = [serialize(earlier, { css: CSS })];
  expect(table().define(events, 's-1', true)[1]).toBeNull();
});

test('a piece of a bundle (a 413 half, a swan-song piece) carries only the definitions its own events reference', () => {
  const strings = table();
  const events = [serialize(strings, { a: CSS }), serialize(strings, { b: OTHER }), serialize(strings, { c: 'short' })];
  const envelope = { v: 1, orgId: 'o-1', userId: 'u-1', sessionId: 's-1', pageId: 'p-1', seq: 4096, sentAt: 1, strings: strings.define(events, 's-1')[1]! } as const;
  expect(pieceEnvelope(envelope, events.slice(1)).strings).toEqual({ [stringId(OTHER)]: OTHER });
  expect(pieceEnvelope(envelope, events.slice(2))).not.toHaveProperty('strings');
  expect(pieceEnvelope(envelope, events.slice(2))).toMatchObject({ seq: 4096, pageId: 'p-1' });
});

describe('through the transport', () => {
  let sent: Bundle[];
  let answer: (bundle: Bundle) => Response;
  let transport: Transport;
  beforeEach(() => {
    sent = [];
    answer = () => new Response('{"ok":true}', { status: 200 });
    vi.spyOn(window, 'fetch').mockImplementation(async (input, init) => {
      const raw = Buffer.from(init!.body as Uint8Array);
      const bundle = JSON.parse((String(input).includes('enc=gzip') ? gunzipSync(raw) : raw).toString()) as Bundle;
      sent.push(bundle);
      return answer(bundle);
    });
    transport = startTransport({
      host: 'collector.test', orgId: 'o-1', persist: false, backoff: { baseMs: 1, maxMs: 5 },
      identity: () => ({ userId: 'u-1', sessionId: 's-1', pageId: 'p-1' }),
      page: { url: 'https://shop.test/', referrer: '', userAgent: 'test', screenWidth: 1, screenHeight: 1, viewportWidth: 1, viewportHeight: 1, timeZone: 'UTC', language: 'en', startTime: 1 },
    });
  });
  afterEach(() => {
    transport.stop();
    vi.restoreAllMocks();
  });
  const snapshot = (n: number) => ({ type: 2, timestamp: n, data: { css: CSS } }) as never;
  const fact = (n: number) => ({ type: 5, timestamp: n, data: { tag: 'custom', payload: { text: CSS } } }) as never;
  const cssOf = (bundle: Bundle) => bundle.events.map((event) => (event.data as { css?: string; payload?: { text: string } }).css ?? (event.data as { payload: { text: string } }).payload.text);

  test('a string is defined until the collector acknowledges it, then only referenced; facts stay plain', async () => {
    transport.push(snapshot(1));
    transport.push(fact(2));
    await transport.flush();
    transport.push(snapshot(3));
    await transport.flush();
    // The page's first bundle stays small (it must fit a swan-song piece whole): no reference, no definition.
    expect(sent[0]).toMatchObject({ seq: 0, events: [] });
    expect(sent[0].strings).toBeUndefined();
    const [first, second] = sent.slice(1);
    expect(first.strings).toEqual({ [stringId(CSS)]: CSS });
    expect(cssOf(first)).toEqual([STRING_REF + stringId(CSS), CSS]);
    expect(second.strings).toBeUndefined();
    expect(cssOf(second)).toEqual([STRING_REF + stringId(CSS)]);
  });

  test('after an unknown-string refusal the bundle is sent again with its definitions, under a fresh number', async () => {
    transport.push(snapshot(1));
    await transport.flush();
    answer = (bundle) =>
      bundle.strings ? new Response('{"ok":true}', { status: 200 }) : new Response(`{"ok":false,"error":"${UNKNOWN_STRING}"}`, { status: 400 });
    transport.push(snapshot(2));
    await transport.flush();
    await vi.waitFor(() => expect(sent).toHaveLength(4));
    const [, , refused, again] = sent;
    expect(refused.strings).toBeUndefined();
    expect(again.strings).toEqual({ [stringId(CSS)]: CSS });
    expect(again.seq).toBeGreaterThan(refused.seq);
    expect(again.events).toEqual(refused.events);
  });
});
