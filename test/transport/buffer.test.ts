import { expect, test } from 'vitest';
import { createBuffer } from '../../src/transport/buffer';
import { createDropTally } from '../../src/transport/caps';

test('the buffer counts characters and hands events out from the front', () => {
  const buffer = createBuffer();
  for (const event of ['aaaa', 'bb', 'cccccc']) buffer.add(event);
  expect(buffer.chars).toBe(12);
  expect(buffer.take(3, false)).toEqual([]);
  expect(buffer.take(3, true)).toEqual(['aaaa']);
  expect(buffer.take(100, false)).toEqual(['bb', 'cccccc']);
  expect([buffer.count, buffer.chars]).toEqual([0, 0]);
  buffer.add('x');
  expect(buffer.drain()).toEqual(['x']);
  expect(buffer.chars).toBe(0);
});

test('drops are tallied per reason and reported once as dropped facts', () => {
  const tally = createDropTally();
  expect(tally.pending).toBe(false);
  tally.add('storage-cap', 3, 300);
  tally.add('storage-cap', 2, 200);
  tally.add('rejected', 1, 10);
  expect(tally.takeFacts(42)).toEqual([
    { type: 5, timestamp: 42, data: { tag: 'dropped', payload: { reason: 'storage-cap', events: 5, bytes: 500 } } },
    { type: 5, timestamp: 42, data: { tag: 'dropped', payload: { reason: 'rejected', events: 1, bytes: 10 } } },
  ]);
  expect(tally.pending).toBe(false);
  expect(tally.takeFacts(43)).toEqual([]);
});
