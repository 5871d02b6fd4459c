import { describe, expect, test } from 'vitest';
import { bundleText, envelopeFor, halves, packEvents, SEQ_STRIDE, splitRange } from '../../src/transport/bundle';
import type { PageMetadata } from '../../src/protocol';

const who = { userId: 'u-1', sessionId: 's-1', pageId: 'p-1' };
const page = { url: 'https://example.test/', referrer: '' } as PageMetadata;

describe('bundle', () => {
  test('the bundle text is the envelope plus the already-serialized events, as valid JSON', () => {
    const envelope = envelopeFor('o-1', who, { seq: 0, span: SEQ_STRIDE }, page, 1000);
    const events = [JSON.stringify({ type: 4, data: { href: 'x' }, timestamp: 1 }), JSON.stringify({ type: 5, data: {}, timestamp: 2 })];
    const parsed = JSON.parse(bundleText(envelope, events));
    expect(parsed).toEqual({ v: 1, orgId: 'o-1', ...who, seq: 0, sentAt: 1000, page, events: events.map((event) => JSON.parse(event)) });
    expect(JSON.parse(bundleText(envelope, [])).events).toEqual([]);
  });

  test('only seq 0 carries the page metadata', () => {
    expect(envelopeFor('o-1', who, { seq: SEQ_STRIDE, span: SEQ_STRIDE }, page, 1).page).toBeUndefined();
  });

  test('a split takes fresh numbers inside the range, in order, never the original', () => {
    const [first, second] = splitRange({ seq: 4096, span: 4096 }, 2)!;
    expect(first.seq).toBe(4097);
    expect(second.seq).toBeGreaterThan(first.seq + first.span - 1);
    expect(second.seq + second.span).toBe(8192);
    // Halving again and again stays inside and ordered until the numbers run out.
    let range = { seq: 0, span: SEQ_STRIDE };
    let depth = 0;
    for (let next = splitRange(range, 2); next; next = splitRange(range, 2)) {
      expect(next[0].seq).toBeGreaterThan(range.seq);
      expect(next[1].seq + next[1].span).toBeLessThanOrEqual(range.seq + range.span);
      range = next[1];
      depth++;
    }
    expect(depth).toBeGreaterThanOrEqual(11);
    expect(splitRange({ seq: 7, span: 1 }, 2)).toBeNull();
  });

  test('events are packed in order into runs within the limit; an oversize event runs alone', () => {
    const events = ['a'.repeat(40), 'b'.repeat(40), 'c'.repeat(200), 'd'.repeat(10)];
    expect(packEvents(events, 100)).toEqual([[events[0], events[1]], [events[2]], [events[3]]]);
  });

  test('halves split by size, never leaving a half empty', () => {
    expect(halves(['x'])).toBeNull();
    expect(halves(['a'.repeat(100), 'b', 'c'])).toEqual([['a'.repeat(100)], ['b', 'c']]);
    expect(halves(['a', 'b', 'c', 'd'])).toEqual([['a', 'b'], ['c', 'd']]);
  });
});
