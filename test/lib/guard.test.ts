import { expect, test } from 'vitest';
import { guard } from '../../src/lib/guard';

test('returns the result, or reports the error and returns undefined', () => {
  const reported: unknown[] = [];
  const half = guard((error) => reported.push(error), (n: number) => {
    if (n < 0) throw new Error('negative');
    return n / 2;
  });
  expect(half(4)).toBe(2);
  expect(half(-1)).toBeUndefined();
  expect(reported).toEqual([new Error('negative')]);
});
