import { expect, test } from 'vitest';
import { createSignal } from '../../src/lib/signal';

test('notifies every subscriber until it unsubscribes', () => {
  const signal = createSignal<number>();
  const seen: number[] = [];
  const unsubscribe = signal.subscribe((value) => seen.push(value));
  signal.notify(1);
  unsubscribe();
  signal.notify(2);
  expect(seen).toEqual([1]);
});
