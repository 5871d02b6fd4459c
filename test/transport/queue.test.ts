import { expect, test } from 'vitest';
import type { BundleEnvelope } from '../../src/protocol';
import { SEQ_STRIDE } from '../../src/transport/bundle';
import { createQueue } from '../../src/transport/queue';

const envelope = (pageId: string, seq: number): BundleEnvelope => ({ v: 1, orgId: 'o-1', userId: 'u-1', sessionId: 's-1', pageId, seq, sentAt: 0 });

test('each page numbers its cut bundles 0, SEQ_STRIDE, 2·SEQ_STRIDE, … on its own', () => {
  const queue = createQueue();
  expect(queue.hasCut('p-1')).toBe(false);
  expect(queue.nextRange('p-1')).toEqual({ seq: 0, span: SEQ_STRIDE });
  expect(queue.hasCut('p-1')).toBe(true);
  expect(queue.nextRange('p-2')).toEqual({ seq: 0, span: SEQ_STRIDE });
  expect(queue.nextRange('p-1')).toEqual({ seq: SEQ_STRIDE, span: SEQ_STRIDE });
  // Emptying the queue (discard) does not reuse a number.
  queue.clear();
  expect(queue.nextRange('p-1').seq).toBe(2 * SEQ_STRIDE);
});

test('pieces take their parent\'s place, adopted bundles go first, and a listing taken earlier does not change', () => {
  const queue = createQueue();
  const first = queue.enqueue(envelope('p-1', 0), ['{}'], { seq: 0, span: SEQ_STRIDE });
  const second = queue.enqueue(envelope('p-1', 4096), ['{}', '{}'], { seq: 4096, span: SEQ_STRIDE });
  const before = queue.all();
  const piece = queue.enqueue(envelope('p-1', 4097), ['{}'], { seq: 4097, span: 2047 }, second);
  // A bundle an earlier page left (made by another queue: this one never cut it).
  const adopted = createQueue().enqueue(envelope('p-0', 0), ['{}'], { seq: 0, span: SEQ_STRIDE });
  queue.adopt([adopted]);
  queue.remove(second);
  expect(queue.all()).toEqual([adopted, first, piece]);
  expect(before).toEqual([first, second]);
  expect(piece.key).toBe('bundle:p-1:4097');
  expect(second.events).toBe(2);
  expect(queue.clear()).toEqual([adopted, first, piece]);
  expect(queue.all()).toEqual([]);
});
