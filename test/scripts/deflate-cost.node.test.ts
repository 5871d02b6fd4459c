import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { deflateCost } from '../../scripts/deflate-cost.mjs';

const sum = (costs: Float64Array, from = 0, to = costs.length) => costs.subarray(from, to).reduce((a, b) => a + b, 0);

describe('deflateCost', () => {
  // Stored blocks (random bytes), fixed Huffman codes (a short text) and dynamic ones (a long text).
  const inputs = {
    stored: randomBytes(70_000),
    fixed: Buffer.from('hello, hello, hello'),
    dynamic: Buffer.from(Array.from({ length: 3000 }, (_, i) => `event ${i % 97} at ${i * 7}`).join(';')),
  };

  for (const [kind, input] of Object.entries(inputs)) {
    it(`gives every byte of a ${kind} stream a cost, and the costs and overhead add up to the gzip size`, () => {
      const gzipped = gzipSync(input, { level: 9 });
      const { costs, overheadBits } = deflateCost(gzipped);
      expect(costs.length).toBe(input.length);
      expect(overheadBits).toBeGreaterThanOrEqual(18 * 8); // gzip's header and trailer at least
      expect(sum(costs) + overheadBits).toBeCloseTo(gzipped.length * 8, 6);
    });
  }

  it('charges repeated bytes less than random ones', () => {
    const input = Buffer.concat([randomBytes(1000), Buffer.alloc(1000, 'a')]);
    const { costs } = deflateCost(gzipSync(input, { level: 9 }));
    expect(sum(costs, 0, 1000)).toBeGreaterThan(7000);
    expect(sum(costs, 1000)).toBeLessThan(200);
  });

  it('refuses what is not plain gzip', () => {
    expect(() => deflateCost(Buffer.from('not gzip'))).toThrow(/gzip/);
  });
});
